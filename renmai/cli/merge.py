"""``renmai merge``: one entity folded into another."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.output import terminal_text

if TYPE_CHECKING:
    from renmai.graph.model import Entity
    from renmai.graph.store import Store


def _one(store: Store, text: str, kind: str | None = None) -> Entity:
    """The entity ``text`` names (id, name or alias); a user error otherwise."""
    from renmai.errors import RenmaiError
    from renmai.graph.resolve import resolve

    found = resolve(store, text, kind=kind)
    if found.entity is None and kind is not None:
        found = resolve(store, text)
    if found.entity is None:
        raise RenmaiError(found.explain())
    return found.entity


@click.command()
@click.argument("keep")
@click.argument("drop")
@click.option(
    "--note", default=None, metavar="TEXT", help="Why: kept with the change in the history."
)
@pass_app
def merge(app: AppContext, keep: str, drop: str, note: str | None) -> None:
    """Merge DROP into KEEP (ids, names or aliases) and delete DROP.

    KEEP keeps its name and values and gains DROP's missing values, tags,
    sources and names (as aliases); every relationship of DROP moves to KEEP.
    """
    from renmai.graph.dedupe import merge_entities

    store = app.store
    kept = _one(store, keep)
    dropped = _one(store, drop, kind=kept.kind)
    result = merge_entities(store, kept.id, dropped.id, note=note)
    click.echo(
        terminal_text(
            f"Merged {dropped.id} ({dropped.name}) into {kept.id} ({result.kept.name}): "
            f"{result.moved} relationship(s) moved, {result.repointed} reference(s) re-pointed."
        )
    )
    for rel in result.discarded:
        click.echo(f"  dropped {rel.identity}: it joined the two", err=True)
