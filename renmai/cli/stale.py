"""``renmai stale``: relationships with no evidence of contact since a date."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import DATE, output_options
from renmai.cli.output import Format, emit


@click.command()
@click.option("--since", type=DATE, required=True, help="A date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--undated", is_flag=True, help="Also list relationships with no date at all.")
@click.option("--ours", is_flag=True, help="Only relationships of the home entities.")
@click.option("--limit", type=click.IntRange(1), default=None)
@output_options()
@pass_app
def stale(
    app: AppContext, since: str, undated: bool, ours: bool, limit: int | None, fmt: Format
) -> None:
    """Relationships with no evidence of contact since a date (结交新朋友、不忘老朋友):
    the friends we are about to lose, most recently lapsed first."""
    from renmai import queries

    rows = queries.stale(app.store, since, include_undated=undated, ours=ours)[:limit]
    columns = ["last", "from", "relationship", "to", "ours", "sources"]
    emit([r.as_row() for r in rows], columns, fmt, document=[r.to_dict() for r in rows])
