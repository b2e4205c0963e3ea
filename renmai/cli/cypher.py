"""``renmai cypher``: run a Cypher query on the Neo4j store, read-only by default.

Unless ``--write`` is given, the server first plans the query (``EXPLAIN``)
and it is refused unless the plan only reads (no writes, no schema or
administration commands, no ``LOAD CSV``); then it runs in a read transaction,
in which the server refuses any write, whatever the query text looks like.
Nodes come back without contact details unless ``--show-contacts``. On the
embedded store there is no Cypher: the command says how to point renmai at a
Neo4j server instead. Ready queries for renmai's graph model: ``docs/cypher.md``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import output_options, show_contacts_option
from renmai.cli.output import Format, emit
from renmai.errors import RenmaiError

#: The Neo4j status code of a write attempted in a read transaction.
ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"


class CypherError(RenmaiError):
    """Cypher cannot run here, or the server refused it."""

    exit_code = 2


@runtime_checkable
class CypherStore(Protocol):
    """A store that runs Cypher (the Neo4j store)."""

    location: str

    def run_cypher(
        self,
        query: str,
        params: dict[str, Any] | None = None,
        *,
        write: bool = False,
        show_contacts: bool = True,
    ) -> tuple[list[str], list[list[Any]]]: ...


def parse_params(values: tuple[str, ...]) -> dict[str, Any]:
    """``name=value`` pairs; a value that reads as JSON (a number, true, a list,
    a quoted string) is that value, anything else is the text itself.

    >>> parse_params(("name=以色列", "n=3", "ids=[\\"a\\", \\"b\\"]"))
    {'name': '以色列', 'n': 3, 'ids': ['a', 'b']}
    """
    params: dict[str, Any] = {}
    for item in values:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise click.BadParameter(f"{item!r} is not name=value", param_hint="--param")
        try:
            params[name] = json.loads(raw)
        except json.JSONDecodeError:
            params[name] = raw
    return params


class _Notices(logging.Handler):
    """Collects the server's notifications (the driver logs them at length)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.notes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        printer = record.args[0] if isinstance(record.args, tuple) and record.args else None
        status = getattr(getattr(printer, "notification", None), "status_description", None)
        note = str(status or record.getMessage())
        if note not in self.notes:
            self.notes.append(note)


@contextmanager
def server_notes() -> Iterator[_Notices]:
    """The server's notifications during the block (a misspelt label or
    property, a deprecated function), collected instead of logged."""
    logger = logging.getLogger("neo4j.notifications")
    handler = _Notices()
    propagate, level = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = propagate, level


def _cell(value: Any) -> Any:
    """Nodes, relationships, maps and lists as compact JSON in a table or CSV cell."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


@click.command()
@click.argument("query")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter ($NAME in the query); repeatable. JSON values are parsed.",
)
@click.option("--write", is_flag=True, help="Allow the query to write (default: read-only).")
@show_contacts_option
@output_options()
@pass_app
def cypher(
    app: AppContext,
    query: str,
    params: tuple[str, ...],
    write: bool,
    show_contacts: bool,
    fmt: Format,
) -> None:
    """Run a Cypher QUERY on the Neo4j store (read-only unless --write).

    Labels are entity kinds plus `Entity`, relationship types are the
    schema's; see docs/cypher.md for ready queries. Example:

        renmai cypher 'MATCH (c:Consulate)-[:REPRESENTS]->(n:Country)
        RETURN c.name, n.name'
    """
    from renmai.graph.store import ReadOnlyRefused, StoreError

    values = parse_params(params)
    store = app.store
    if not isinstance(store, CypherStore):
        raise CypherError(
            f"Cypher needs the Neo4j store; renmai is using the embedded store at "
            f"{store.location}. Point it at Neo4j with `renmai --neo4j bolt://HOST:7687 "
            "cypher …` or by setting NEO4J_URI (credentials from NEO4J_USERNAME and "
            "NEO4J_PASSWORD); `renmai load` fills it."
        )
    try:
        with server_notes() as notices:
            columns, rows = store.run_cypher(
                query, values, write=write, show_contacts=show_contacts
            )
    except ReadOnlyRefused as exc:
        raise CypherError(
            f"`renmai cypher` is read-only by default, and {exc}: refused before it ran, "
            "nothing changed. Add --write to allow it."
        ) from None
    except StoreError as exc:
        if ACCESS_MODE in str(exc):
            raise CypherError(
                "the query writes, and `renmai cypher` is read-only by default: the server "
                "refused the write and nothing changed. Add --write to allow it."
            ) from None
        raise CypherError(f"the query failed: {exc}") from None
    for note in notices.notes:
        click.echo(f"Note from Neo4j: {note}", err=True)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    if fmt == "json":
        emit(records, columns, fmt)
        return
    emit([{k: _cell(v) for k, v in r.items()} for r in records], columns, fmt)
