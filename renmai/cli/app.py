"""The ``renmai`` command group: global options, the store, and error handling."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from renmai import __version__
from renmai.errors import RenmaiError
from renmai.graph.connect import open_store
from renmai.graph.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class AppContext:
    """What every command can ask for: the store the global options chose."""

    def __init__(self, store_path: Path | None, neo4j_uri: str | None) -> None:
        self.store_path = store_path
        self.neo4j_uri = neo4j_uri
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.store_path, self.neo4j_uri)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class RenmaiGroup(click.Group):
    """A group that turns user errors into one clear line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RenmaiError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=RenmaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="renmai")
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Embedded store file (default: $RENMAI_STORE, else ~/.local/share/renmai/graph.json).",
)
@click.option(
    "--neo4j",
    "neo4j_uri",
    default=None,
    metavar="URI",
    help="Use a Neo4j server (bolt:// or neo4j://) instead of the embedded store; "
    "default $NEO4J_URI. Credentials come from NEO4J_USERNAME / NEO4J_PASSWORD.",
)
@click.pass_context
def cli(ctx: click.Context, store_path: Path | None, neo4j_uri: str | None) -> None:
    """renmai (人脉): who can get us to X? A knowledge graph of a city's overseas
    relationships — sister cities, consulates, overseas Chinese associations,
    diaspora leaders, partners and projects."""
    app = AppContext(store_path, neo4j_uri)
    ctx.obj = app
    ctx.call_on_close(app.close)


pass_app = click.make_pass_decorator(AppContext)
