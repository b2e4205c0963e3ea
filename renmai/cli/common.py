"""``renmai common``: what two entities have in common."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import html_options, output_options
from renmai.cli.output import Format, emit, terminal_text


@click.command()
@click.argument("a")
@click.argument("b")
@output_options()
@html_options
@pass_app
def common(
    app: AppContext,
    a: str,
    b: str,
    fmt: Format,
    html_file: Path | None,
    show_contacts: bool,
) -> None:
    """What A and B have in common: shared partners, members, events,
    agreements — who sits between them."""
    from renmai import queries
    from renmai.cli.page import write_page
    from renmai.cli.render.neighborhood import common_heading

    store = app.store
    answer = queries.common(store, queries.lookup(store, a), queries.lookup(store, b))
    write_page(answer.subgraph(), html_file, show_contacts)
    rows = [r.as_row() for r in answer.shared]
    columns = ["name", "kind", "with_a", "with_b", "score", "id"]
    if fmt == "table":
        click.echo(terminal_text(common_heading(answer)))
    emit(rows, columns, fmt, document=answer.to_dict())
