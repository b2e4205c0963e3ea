"""``renmai show``: one entity, its fields, sources and relationships."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import ENTITY_KIND, output_options, show_contacts_option
from renmai.cli.output import Format, emit, terminal_text


@click.command()
@click.argument("entity")
@click.option(
    "--kind", type=ENTITY_KIND, default=None, help="When the name is shared, the kind meant."
)
@show_contacts_option
@output_options(csv=False)
@pass_app
def show(app: AppContext, entity: str, kind: str | None, show_contacts: bool, fmt: Format) -> None:
    """One entity: all its fields, its sources, and its relationships by kind."""
    from renmai import queries
    from renmai.cli.render.entity import entity_lines

    found = queries.lookup(app.store, entity, kind=kind)
    detail = queries.describe(app.store, found)
    if fmt == "json":
        emit([], [], "json", document=detail.to_dict(show_contacts=show_contacts))
        return
    shown = found if show_contacts else found.public()
    click.echo(terminal_text("\n".join(entity_lines(shown, detail))))
