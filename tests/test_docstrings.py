"""Examples in docstrings run: every module's, over the sample graph where
they need one (renmai.graph.sample), and every public question has one."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import renmai

MODULES = ["renmai", *sorted(m.name for m in pkgutil.walk_packages(renmai.__path__, "renmai."))]

#: The public questions: the query functions ``renmai`` offers that ask a store.
QUESTIONS = sorted(
    name
    for name, module in renmai._EXPORTS.items()
    if module.startswith("renmai.queries.")
    and inspect.isfunction(function := getattr(renmai, name))
    and next(iter(inspect.signature(function).parameters), None) == "store"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_modules_that_teach_by_example_keep_their_examples() -> None:
    for name in (
        "renmai",
        "renmai.graph.dates",
        "renmai.graph.sample",
        "renmai.queries.weights",
        "renmai.queries.ranking",
        "renmai.queries.kinds",
        "renmai.queries.walk",
        "renmai.queries.arrows",
        "renmai.queries.targets",
        "renmai.queries.search",
        "renmai.cli.cypher",
        "renmai.cli.options",
        "renmai.errors",
    ):
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0, name


def test_the_questions_are_all_there() -> None:
    asked = (
        "search describe lookup connect path neighbors common brokers coverage stale "
        "stale_contacts agreements history"
    )
    assert set(asked.split()) == set(QUESTIONS)


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_public_question_shows_an_example(name: str) -> None:
    function = getattr(renmai, name)
    examples = [e for t in doctest.DocTestFinder(recurse=False).find(function) for e in t.examples]
    assert examples, f"renmai.{name} has no example in its docstring"
    assert not any(e.source.lstrip().startswith("#") for e in examples), "commented out"
