"""``renmai path``: the best paths between two entities."""

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

PATH = "renmai.queries.paths:path"


@click.command()
@click.argument("source")
@click.argument("target")
@max_hops_option(PATH)
@click.option(
    "--limit",
    cls=LibraryOption,
    default_of=PATH,
    type=click.IntRange(1),
    show_default=True,
    help="Paths.",
)
@weights_option
@output_options()
@html_options
@pass_app
def path(
    app: AppContext,
    source: str,
    target: str,
    max_hops: int,
    limit: int,
    weights_file: Path | None,
    fmt: Format,
    html_file: Path | None,
    show_contacts: bool,
) -> None:
    """The best paths from SOURCE to TARGET, scored as `connect` scores them."""
    from renmai import queries
    from renmai.cli.page import write_page
    from renmai.cli.render.paths import PATH_COLUMNS, path_answer_lines, path_answer_rows

    store = app.store
    answer = queries.path(
        store,
        queries.lookup(store, source),
        queries.lookup(store, target),
        max_hops=max_hops,
        limit=limit,
        weights=queries.load_weights(weights_file),
    )
    write_page(answer.subgraph(), html_file, show_contacts)
    if fmt == "table":
        click.echo(terminal_text("\n".join(path_answer_lines(answer))))
    else:
        emit(path_answer_rows(answer), PATH_COLUMNS, fmt, document=answer.to_dict())
