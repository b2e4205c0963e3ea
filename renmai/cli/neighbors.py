"""``renmai neighbors``: an entity's neighbourhood, nearest and strongest first."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import (
    ENTITY_KIND,
    RELATIONSHIP_KIND,
    LibraryOption,
    html_options,
    output_options,
)
from renmai.cli.output import Format, emit


@click.command()
@click.argument("entity")
@click.option(
    "--depth",
    cls=LibraryOption,
    default_of="renmai.queries.neighborhood:neighbors",
    type=click.IntRange(1, 4),
    show_default=True,
)
@click.option("--kind", "kinds", type=ENTITY_KIND, multiple=True, help="List only these kinds.")
@click.option(
    "--type",
    "types",
    type=RELATIONSHIP_KIND,
    multiple=True,
    help="Walk only these relationship kinds.",
)
@output_options()
@html_options
@pass_app
def neighbors(
    app: AppContext,
    entity: str,
    depth: int,
    kinds: tuple[str, ...],
    types: tuple[str, ...],
    fmt: Format,
    html_file: Path | None,
    show_contacts: bool,
) -> None:
    """The neighbourhood of ENTITY, nearest and strongest first."""
    from renmai import queries
    from renmai.cli.page import write_page

    store = app.store
    answer = queries.neighbors(
        store, queries.lookup(store, entity), depth=depth, kinds=kinds or None, types=types or None
    )
    write_page(answer.subgraph(), html_file, show_contacts)
    columns = ["depth", "name", "kind", "via", "score", "id"]
    emit([r.as_row() for r in answer.rows], columns, fmt, document=answer.to_dict())
