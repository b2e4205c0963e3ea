"""``renmai connect``: who can get us to X."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import (
    LibraryOption,
    html_options,
    max_hops_option,
    output_options,
    weights_option,
)
from renmai.cli.output import Format, emit, terminal_text

CONNECT = "renmai.queries.connect:connect"


@click.command()
@click.argument("target")
@click.option(
    "--from",
    "origins",
    multiple=True,
    metavar="ENTITY",
    help="Start here instead of the home entities (repeatable).",
)
@max_hops_option(CONNECT)
@click.option(
    "--limit",
    cls=LibraryOption,
    default_of=CONNECT,
    type=click.IntRange(1),
    show_default=True,
    help="Contacts.",
)
@click.option(
    "--paths",
    "paths_per_contact",
    cls=LibraryOption,
    default_of=CONNECT,
    type=click.IntRange(1),
    show_default=True,
    help="Paths per contact.",
)
@weights_option
@output_options()
@html_options
@pass_app
def connect(
    app: AppContext,
    target: str,
    origins: tuple[str, ...],
    max_hops: int,
    limit: int,
    paths_per_contact: int,
    weights_file: Path | None,
    fmt: Format,
    html_file: Path | None,
    show_contacts: bool,
) -> None:
    """Who can get us to TARGET: an entity; a country or city (anything in it,
    representing it or rooted in it); or a sector or keyword (游艇, football).
    Contacts we would call first, best first, each with its best paths and
    the sources behind every step."""
    from renmai import queries
    from renmai.cli.page import write_page
    from renmai.cli.render.paths import CONNECT_COLUMNS, connection_lines, connection_rows

    store = app.store
    starts = [queries.lookup(store, o) for o in origins] or None
    answer = queries.connect(
        store,
        target,
        origins=starts,
        max_hops=max_hops,
        limit=limit,
        paths_per_contact=paths_per_contact,
        weights=queries.load_weights(weights_file),
    )
    write_page(answer.subgraph(), html_file, show_contacts)
    if fmt == "table":
        click.echo(terminal_text("\n".join(connection_lines(answer))))
    else:
        emit(connection_rows(answer), CONNECT_COLUMNS, fmt, document=answer.to_dict())
