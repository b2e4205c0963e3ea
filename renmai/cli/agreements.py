"""``renmai agreements``: agreements with their parties, status and activity."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import DATE, output_options
from renmai.cli.output import Format, emit


@click.command()
@click.option(
    "--status",
    default=None,
    help="Only agreements with this status: in_force, expired, renewed, lapsed or planned "
    "(declared, else from the dates).",
)
@click.option("--expiring-before", type=DATE, default=None, help="In force until before DATE.")
@click.option(
    "--dormant-since",
    type=DATE,
    default=None,
    help="No activity (nor signing) on or after DATE: the ones to revive.",
)
@click.option("--as-of", type=DATE, default=None, help="The day statuses are for (default: today).")
@output_options()
@pass_app
def agreements(
    app: AppContext,
    status: str | None,
    expiring_before: str | None,
    dormant_since: str | None,
    as_of: str | None,
    fmt: Format,
) -> None:
    """Agreements and MOUs with their parties, dates and status, and which
    have had no activity since signing (dormant): a meeting, an event or any
    dated tie with a party that is not us counts as activity."""
    from renmai.queries.agreements import agreements as listed

    rows = listed(
        app.store,
        status=status,
        expiring_before=expiring_before,
        dormant_since=dormant_since,
        as_of=as_of,
    )
    columns = [
        "name",
        "status",
        "signed",
        "in_force_until",
        "renewed",
        "parties",
        "dormant",
        "last_activity",
        "activity",
    ]
    emit([r.as_row() for r in rows], columns, fmt, document=[r.to_dict() for r in rows])
