"""``renmai brokers``: the entities we must not lose."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import LibraryOption, output_options
from renmai.cli.output import Format, emit


@click.command()
@click.option(
    "--limit",
    cls=LibraryOption,
    default_of="renmai.queries.network:brokers",
    type=click.IntRange(1),
    show_default=True,
)
@output_options()
@pass_app
def brokers(app: AppContext, limit: int, fmt: Format) -> None:
    """The entities we must not lose: whose removal would cut us off from most
    of the network (articulation points, and how many entities reachable from
    home each would cut off), then by betweenness centrality."""
    from renmai import queries

    found = queries.brokers(app.store, limit=limit)
    columns = ["name", "kind", "lost", "share", "articulation", "betweenness", "id"]
    emit([b.as_row() for b in found], columns, fmt)
