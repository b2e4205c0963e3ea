"""``renmai stale``: who we have had no contact with since a date (per contact),
or the relationships with no evidence of contact since then."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import DATE, output_options
from renmai.cli.output import Format, emit


@click.command()
@click.option("--since", type=DATE, required=True, help="A date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--undated", is_flag=True, help="Also list those with no date at all.")
@click.option("--ours", is_flag=True, help="Only our own: tied directly to a home entity.")
@click.option(
    "--relationships",
    "per_relationship",
    is_flag=True,
    help="List the lapsed relationships instead of the contacts.",
)
@click.option("--limit", type=click.IntRange(1), default=None)
@output_options()
@pass_app
def stale(
    app: AppContext,
    since: str,
    undated: bool,
    ours: bool,
    per_relationship: bool,
    limit: int | None,
    fmt: Format,
) -> None:
    """The friends we are about to lose (结交新朋友、不忘老朋友): everyone we have
    had no contact with since a date, each with its last contact and what it
    was, most recently lapsed first; a logged meeting takes its participants
    off the list. --relationships lists the lapsed relationships instead."""
    from renmai import queries

    if per_relationship:
        rows = queries.stale(app.store, since, include_undated=undated, ours=ours)[:limit]
        columns = ["last", "from", "relationship", "to", "ours", "sources"]
        emit([r.as_row() for r in rows], columns, fmt, document=[r.to_dict() for r in rows])
        return
    found = queries.stale_contacts(app.store, since, include_undated=undated, ours=ours)[:limit]
    columns = ["last", "name", "kind", "what", "id"]
    emit([r.as_row() for r in found], columns, fmt, document=[r.to_dict() for r in found])
