"""``renmai coverage``: countries and regions by the live ties we have there."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import DATE, LibraryOption, output_options, weights_option
from renmai.cli.output import Format, emit

#: A row's status when we have no live relationship there (``--gaps``).
GAPS = ("stale", "undated", "none")


@click.command()
@click.option(
    "--since",
    type=DATE,
    default=None,
    help="Live means evidence on or after this date "
    "(default: the newest date in the graph less stale_after_years).",
)
@click.option(
    "--by",
    cls=LibraryOption,
    default_of="renmai.queries.network:coverage",
    type=click.Choice(["country", "region"]),
    show_default=True,
)
@click.option("--gaps", is_flag=True, help="Only where we have no live relationship.")
@weights_option
@output_options()
@pass_app
def coverage(
    app: AppContext,
    since: str | None,
    by: Literal["country", "region"],
    gaps: bool,
    weights_file: Path | None,
    fmt: Format,
) -> None:
    """Countries and regions by the live contacts and relationships we have
    there; those with none, or only stale or undated ones, come last."""
    from renmai import queries

    answer = queries.coverage(
        app.store, since=since, by=by, weights=queries.load_weights(weights_file)
    )
    if gaps:
        answer.rows = [r for r in answer.rows if r.status in GAPS]
    columns = [
        "name",
        "region",
        "status",
        "live_contacts",
        "contacts",
        "live",
        "stale",
        "undated",
        "relationships",
        "last",
    ]
    if fmt == "table":
        click.echo(f"Live: evidence on or after {answer.since}")
    emit([r.as_row() for r in answer.rows], columns, fmt, document=answer.to_dict())
