"""``renmai log``: what happened — a meeting, a visit, a call — with whom."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.editing import edit_options, run_edit, source_option
from renmai.cli.output import Format

if TYPE_CHECKING:
    from renmai.graph.store import Store
    from renmai.loaders.edits import Edit


@click.command()
@click.argument("date")
@click.argument("text", metavar="WHAT")
@click.option(
    "--with",
    "participants",
    multiple=True,
    required=True,
    metavar="NAME",
    help="Who took part, us included (repeatable): an id, name or alias.",
)
@click.option("--at", default=None, metavar="PLACE", help="Where: a city or country.")
@click.option(
    "--kind",
    "category",
    default=None,
    help="What it was: meeting, visit, call, event or delegation.",
)
@source_option
@edit_options
@pass_app
def log(
    app: AppContext,
    date: str,
    text: str,
    participants: tuple[str, ...],
    at: str | None,
    category: str | None,
    source: str | None,
    dry_run: bool,
    note: str | None,
    fmt: Format,
) -> None:
    """Log what happened on DATE (YYYY, YYYY-MM or YYYY-MM-DD): an event with
    its participants. Every question sees it at once: connect ranks by it,
    stale and coverage count it. Logging the same again changes nothing."""
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.log(
            store, date, text, participants, at=at, category=category, source=source, note=note
        )

    run_edit(app, build, dry_run=dry_run, fmt=fmt)
