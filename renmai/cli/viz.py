"""``renmai viz``: the whole graph, part of it, or one entity's surroundings as a page."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import ENTITY_KIND, LibraryOption, file_option, show_contacts_option


@click.command()
@click.argument("entity", required=False, metavar="[X]")
@file_option("-o", "--output", "output", required=True, help="The HTML file to write.")
@click.option(
    "--depth",
    cls=LibraryOption,
    default_of="renmai.viz.select:neighbourhood",
    type=click.IntRange(1, 6),
    show_default=True,
    help="With X: how many relationships away from X to draw.",
)
@click.option(
    "--kind",
    "kinds",
    type=ENTITY_KIND,
    multiple=True,
    help="Only entities of this kind (repeatable; name or Chinese label, e.g. Person, 社团).",
)
@show_contacts_option
@click.option("--title", default=None, help="The page's title.")
@pass_app
def viz(
    app: AppContext,
    entity: str | None,
    output: Path,
    depth: int,
    kinds: tuple[str, ...],
    show_contacts: bool,
    title: str | None,
) -> None:
    """Draw the graph as an interactive page that works offline.

    Without X: the whole graph (or only the --kind entities). With X (an id,
    a name or an alias): X and what lies within --depth relationships of it.
    """
    from renmai.queries.targets import lookup
    from renmai.viz import LARGE_GRAPH, write_html
    from renmai.viz.select import neighbourhood, whole_graph

    if entity is None:
        sub = whole_graph(app.store, kinds=kinds or None, title=title)
    else:
        # Resolution by id, name or alias, with candidates listed when the
        # name is ambiguous (an error: exit status non-zero).
        centre = lookup(app.store, entity)
        sub = neighbourhood(app.store, centre, depth=depth, kinds=kinds or None, title=title)
    written = write_html(sub, output, show_contacts=show_contacts, title=title)
    n_entities, n_relationships = len(sub.entities), len(sub.relationships)
    click.echo(f"Wrote {written}: {n_entities} entities, {n_relationships} relationships")
    if n_entities > LARGE_GRAPH:
        click.echo(
            f"More than {LARGE_GRAPH} entities: the layout was computed beforehand and "
            "physics is off. Narrow with --kind, or draw one entity with --depth.",
            err=True,
        )
