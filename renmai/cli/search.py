"""``renmai search``: entities by name, best match first."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import ENTITY_KIND, LibraryOption, output_options
from renmai.cli.output import Format, emit

SEARCH = "renmai.queries.search:search"


@click.command()
@click.argument("query")
@click.option("--kind", type=ENTITY_KIND, default=None, help="Only entities of this kind.")
@click.option(
    "--limit", cls=LibraryOption, default_of=SEARCH, type=click.IntRange(1), show_default=True
)
@output_options()
@pass_app
def search(app: AppContext, query: str, kind: str | None, limit: int, fmt: Format) -> None:
    """Find entities by name, English name or alias: simplified or traditional
    characters, pinyin or English, small typos forgiven; best match first."""
    from renmai import queries

    hits = queries.search(app.store, query, kind=kind, limit=limit)
    columns = ["score", "name", "kind", "id", "matched", "how", "name_en"]
    emit([h.as_row() for h in hits], columns, fmt)
