"""``renmai dedupe``: entities that may be duplicates, for ``renmai merge``."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import ENTITY_KIND, LibraryOption, output_options
from renmai.cli.output import Format, emit

COLUMNS = ["score", "reason", "kind", "first", "first_name", "second", "second_name"]


@click.command()
@click.option("--kind", type=ENTITY_KIND, default=None, help="Only entities of this kind.")
@click.option(
    "--threshold",
    cls=LibraryOption,
    default_of="renmai.graph.dedupe:likely_duplicates",
    type=click.FloatRange(0, 100),
    show_default=True,
    help="How similar (0-100) two names must be to be listed.",
)
@output_options()
@pass_app
def dedupe(app: AppContext, kind: str | None, threshold: float, fmt: Format) -> None:
    """List entities that may be duplicates, for `renmai merge`."""
    from renmai.graph.dedupe import likely_duplicates

    pairs = likely_duplicates(app.store, kind=kind, threshold=threshold)
    rows = [
        {
            "score": round(p.score, 1),
            "reason": p.reason,
            "kind": p.first.kind,
            "first": p.first.id,
            "first_name": p.first.name,
            "second": p.second.id,
            "second_name": p.second.name,
        }
        for p in pairs
    ]
    emit(rows, COLUMNS, fmt)
    if fmt == "table" and rows:
        click.echo("\nTo merge a pair: renmai merge KEEP_ID DROP_ID", err=True)
