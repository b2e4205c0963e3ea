"""Options that more than one command takes, declared once.

A command module stacks these decorators instead of declaring its own
``--json``, ``--show-contacts`` or ``--max-hops``; kinds and dates are click
parameter types, so every command reads them the same way.

Nothing here imports the schema or the queries when the module is loaded:
``renmai --help`` loads every command module and must stay quick. Kind
names are checked, and the queries' own defaults looked up, only when an
option is used or its help shown.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from renmai.cli.output import Format

F = TypeVar("F", bound=Callable[..., Any])

#: The one help text of ``--show-contacts``, whatever the command writes.
SHOW_CONTACTS_HELP = (
    "Include contact details (phone, e-mail, WeChat, address); left out unless asked for."
)


# -- output -----------------------------------------------------------------------------
def chosen_format(as_json: bool, as_csv: bool) -> Format:
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    return "json" if as_json else "csv" if as_csv else "table"


def output_options(*, csv: bool = True) -> Callable[[F], F]:
    """``--json`` (and ``--csv``) flags; the command receives ``fmt``, a :data:`Format`
    (``"table"`` unless a flag is given)."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, as_json: bool, as_csv: bool = False, **kwargs: Any) -> Any:
            return func(*args, fmt=chosen_format(as_json, as_csv), **kwargs)

        if csv:
            command = click.option("--csv", "as_csv", is_flag=True, help="Output CSV.")(command)
        command = click.option("--json", "as_json", is_flag=True, help="Output JSON.")(command)
        return cast(F, command)

    return decorate


def stacked(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several option decorators as one, listed in the order help shows them."""

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def file_option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """An option naming a file (not a folder), given to the command as a ``Path``."""
    return click.option(*decls, type=click.Path(path_type=Path, dir_okay=False), **attrs)


show_contacts_option = click.option("--show-contacts", is_flag=True, help=SHOW_CONTACTS_HELP)

#: ``--html FILE`` (the answer also as a page) and ``--show-contacts`` for its tooltips.
html_options = stacked(
    file_option(
        "--html", "html_file", help="Also write the answer as an interactive page to this file."
    ),
    show_contacts_option,
)


# -- the store ----------------------------------------------------------------------------
#: ``--store``, ``--neo4j`` and ``--ask-password``: which store the commands use.
store_options = stacked(
    file_option(
        "--store",
        "store_path",
        help="Embedded store file (default: $RENMAI_STORE, else ~/.local/share/renmai/graph.db).",
    ),
    click.option(
        "--neo4j",
        "neo4j_uri",
        default=None,
        metavar="URI",
        help="Use a Neo4j server (bolt:// or neo4j://) instead of the embedded store; "
        "default $NEO4J_URI. Credentials come from NEO4J_USERNAME / NEO4J_PASSWORD.",
    ),
    click.option(
        "--ask-password",
        is_flag=True,
        help="Prompt for the Neo4j password (hidden input) instead of reading NEO4J_PASSWORD.",
    ),
)


# -- the queries' own defaults ------------------------------------------------------------
def library_value(where: str) -> Any:
    """What ``"module:name"`` names, imported now.

    >>> library_value("renmai.loaders.synthetic:MIN_ENTITIES")
    50
    """
    module, _, name = where.partition(":")
    return getattr(importlib.import_module(module), name)


def library_default(function: str, parameter: str) -> Any:
    """The default of ``parameter`` of the function ``"module:name"``.

    >>> library_default("renmai.queries.search:search", "limit")
    20
    """
    return inspect.signature(library_value(function)).parameters[parameter].default


class LibraryOption(click.Option):
    """An option whose default is the library function's own, looked up when
    first needed (parsing, or the command's help), not copied into the CLI.

    ``default_of`` names the function as ``"module:name"``; the option's
    Python name is the function's parameter (as for every option: that is how
    the CLI finds the flag of a :class:`~renmai.errors.ParameterError`).
    """

    def __init__(self, *args: Any, default_of: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_of = default_of

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        assert self.name is not None
        given = ctx.lookup_default(self.name)
        return given if given is not None else library_default(self.default_of, self.name)


def max_hops_option(default_of: str) -> Callable[[F], F]:
    """``--max-hops``, defaulting to the query's ``max_hops``."""
    return click.option(
        "--max-hops",
        cls=LibraryOption,
        default_of=default_of,
        type=click.IntRange(1, 8),
        show_default=True,
        help="Longest path, in relationships.",
    )


weights_option = file_option(
    "--weights",
    "weights_file",
    help="Ranking weights, JSON or YAML (default: $RENMAI_WEIGHTS; see docs/ranking.md).",
)


class LibraryChoice(click.Choice[str]):
    """One of the values a library constant lists (``"module:NAME"``), read
    when the command's help or parsing first needs them."""

    def __init__(self, values_of: str) -> None:
        self.values_of = values_of
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(library_value(self.values_of))

    @choices.setter
    def choices(self, _: object) -> None:
        """click.Choice keeps what it was given: nothing, the library lists them."""


class AtLeast(click.IntRange):
    """A whole number no smaller than a library constant (``"module:NAME"``),
    read when the command's help or parsing first needs it."""

    def __init__(self, minimum_of: str) -> None:
        self.minimum_of = minimum_of
        super().__init__()

    @property
    def min(self) -> int:
        minimum: int = library_value(self.minimum_of)
        return minimum

    @min.setter
    def min(self, _: object) -> None:
        """click.IntRange keeps what it was given: nothing, the library says it."""


# -- kinds and dates -------------------------------------------------------------------
class KindName(click.ParamType[str]):
    """A kind of the schema by name in any case, or by its Chinese label, as
    the schema's name: an entity kind, or with ``relationship=True`` a
    relationship kind."""

    def __init__(self, *, relationship: bool = False) -> None:
        self.relationship = relationship
        self.name = "RELATIONSHIP_KIND" if relationship else "KIND"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from renmai.graph.schema import SCHEMA

        if self.relationship:
            kind, known = (
                SCHEMA.resolve_relationship_kind(str(value)),
                SCHEMA.relationship_kind_names,
            )
        else:
            kind, known = SCHEMA.resolve_entity_kind(str(value)), SCHEMA.entity_kind_names
        if kind is None:
            what = "a relationship" if self.relationship else "an entity"
            self.fail(f"{value!r} is not {what} kind (kinds: {', '.join(known)})", param, ctx)
        return kind


class PartialDate(click.ParamType[str]):
    """A date as the data writes them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from renmai.graph.dates import check_date

        try:
            return check_date(str(value).strip())
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


ENTITY_KIND = KindName()
RELATIONSHIP_KIND = KindName(relationship=True)
DATE = PartialDate()
