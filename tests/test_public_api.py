"""The library's front door: ``import renmai`` and everything from there."""

from __future__ import annotations

import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import renmai
from renmai.graph.sample import sample_graph

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_name_is_reachable_and_is_the_real_thing() -> None:
    assert set(renmai.__all__) == set(renmai._EXPORTS)
    for name, module in renmai._EXPORTS.items():
        assert getattr(renmai, name) is getattr(importlib.import_module(module), name), name
    assert set(renmai.__all__) <= set(dir(renmai))
    with pytest.raises(AttributeError, match="no attribute 'conect'"):
        _ = renmai.conect  # type: ignore[attr-defined]


def test_import_renmai_loads_nothing_else() -> None:
    # The CLI starts from this import: it must not pull in the stores, the
    # queries or their dependencies until one is used.
    probe = (
        "import sys, renmai; "
        "print(sorted(m for m in sys.modules if m.startswith(('renmai', 'pydantic', 'networkx'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['renmai', 'renmai.lazy']"


def test_open_store_and_ask(tmp_path: Path) -> None:
    store = renmai.open_store(tmp_path / "graph.db")
    entities, relationships = sample_graph()
    store.write(entities, relationships)
    answer = renmai.connect(store, "以色列")
    assert [c.entity.id for c in answer.contacts] == ["israel-innovation-authority"]
    burnaby = renmai.lookup(store, "Burnaby")
    assert renmai.path(store, renmai.lookup(store, "中山市"), burnaby).paths[0].hops == 1


def test_the_readme_python_section_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As from a clone's root (data/ beside it), with the store file in a scratch folder.
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path)
    result = doctest.testfile(
        str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.failed == 0 and result.attempted >= 5
