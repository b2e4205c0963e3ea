"""``renmai backup FILE``: a copy of the embedded store, made while it is in use."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.app import AppContext, pass_app
from renmai.errors import RenmaiError


@click.command()
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace TARGET if it exists.")
@pass_app
def backup(app: AppContext, target: Path, force: bool) -> None:
    """Copy the embedded store to TARGET with SQLite's online backup.

    Other commands may read and write the store meanwhile: the copy holds one
    committed state, whole, and is itself a store (open it with --store TARGET,
    or copy it over a damaged store file to go back to it).
    """
    from renmai.graph.sqlite_store import SqliteStore

    store = app.store
    if not isinstance(store, SqliteStore):
        raise RenmaiError(
            f"renmai backup copies the embedded store; {store.location} is Neo4j: "
            "back it up with neo4j-admin database dump"
        )
    try:
        store.backup(target, overwrite=force)
    except FileExistsError:
        raise click.UsageError(f"{target} exists; give --force to replace it") from None
    counts = store.counts()
    click.echo(
        f"Backed up {store.location} to {target}: {sum(counts.entities.values())} entities, "
        f"{sum(counts.relationships.values())} relationships."
    )
