"""``renmai add``, ``link``, ``set``, ``rename``, ``unlink``, ``remove`` and ``end``:
record, correct and end single facts (see docs/editing.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.editing import (
    edit_options,
    field_option,
    key_option,
    relationship_arguments,
    run_edit,
    source_option,
    yes_option,
)
from renmai.cli.options import DATE
from renmai.cli.output import Format

if TYPE_CHECKING:
    from renmai.graph.store import Store
    from renmai.loaders.edits import Edit


@click.command()
@click.argument("kind")
@click.argument("name")
@field_option
@click.option("--alias", "aliases", multiple=True, help="Another name it goes by (repeatable).")
@source_option
@click.option("--id", "entity_id", default=None, help="Its id (default: made from its name).")
@edit_options
@pass_app
def add(
    app: AppContext,
    kind: str,
    name: str,
    fields: dict[str, str],
    aliases: tuple[str, ...],
    source: str | None,
    entity_id: str | None,
    dry_run: bool,
    note: str | None,
    fmt: Format,
) -> None:
    """Add one entity of KIND (name or Chinese label) called NAME.

    Fields are checked as a load checks them (a --field country=巴西 names the
    country). Adding what is there already changes nothing, and says so.
    """
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.add(
            store,
            kind,
            name,
            fields=fields,
            aliases=aliases,
            source=source,
            entity_id=entity_id,
            note=note,
        )

    run_edit(app, build, dry_run=dry_run, fmt=fmt)


@click.command()
@relationship_arguments
@click.option(
    "--since", type=DATE, default=None, help="When it began: YYYY, YYYY-MM or YYYY-MM-DD."
)
@field_option
@source_option
@key_option
@edit_options
@pass_app
def link(
    app: AppContext,
    from_: str,
    rel_type: str,
    to: str,
    since: str | None,
    fields: dict[str, str],
    source: str | None,
    key: str | None,
    dry_run: bool,
    note: str | None,
    fmt: Format,
) -> None:
    """Add a relationship of TYPE (e.g. HOLDS_POSITION or 任职) from FROM to TO.

    The ends are found as a load finds them, within the kinds TYPE joins; a
    name that fits several is never guessed: the candidates are listed.
    """
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.link(
            store,
            from_,
            rel_type,
            to,
            since=since,
            fields=fields,
            source=source,
            key=key,
            note=note,
        )

    run_edit(app, build, dry_run=dry_run, fmt=fmt)


@click.command("set")
@click.argument("entity")
@click.argument("assignments", nargs=-1, required=True, metavar="FIELD=VALUE...")
@source_option
@edit_options
@pass_app
def set_command(
    app: AppContext,
    entity: str,
    assignments: tuple[str, ...],
    source: str | None,
    dry_run: bool,
    note: str | None,
    fmt: Format,
) -> None:
    """Set fields of ENTITY: FIELD=VALUE ..., an empty VALUE clears the field.

    A reference (country=巴西) is found by name; the relationship its old value
    implied (located in the old country) goes with it.
    """
    from renmai.cli.editing import parse_pairs
    from renmai.loaders import edits

    pairs = parse_pairs(assignments, "FIELD=VALUE")

    def build(store: Store) -> Edit:
        return edits.set_fields(store, entity, pairs, source=source, note=note)

    run_edit(app, build, dry_run=dry_run, fmt=fmt)


@click.command()
@click.argument("entity")
@click.argument("new_name", metavar="NEW")
@edit_options
@pass_app
def rename(
    app: AppContext, entity: str, new_name: str, dry_run: bool, note: str | None, fmt: Format
) -> None:
    """Rename ENTITY to NEW; the old name stays an alias, so it still finds it."""
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.rename(store, entity, new_name, note=note)

    run_edit(app, build, dry_run=dry_run, fmt=fmt)


@click.command()
@relationship_arguments
@key_option
@yes_option
@edit_options
@pass_app
def unlink(
    app: AppContext,
    from_: str,
    rel_type: str,
    to: str,
    key: str | None,
    yes: bool,
    dry_run: bool,
    note: str | None,
    fmt: Format,
) -> None:
    """Delete a relationship that was wrong (one that ended: renmai end).

    Shows what it deletes and asks, unless --yes; with no terminal to ask
    at, it deletes nothing without --yes. The history keeps what was deleted.
    """
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.unlink(store, from_, rel_type, to, key=key, note=note)

    run_edit(app, build, dry_run=dry_run, fmt=fmt, ask=True, yes=yes)


@click.command()
@click.argument("entity")
@yes_option
@edit_options
@pass_app
def remove(
    app: AppContext, entity: str, yes: bool, dry_run: bool, note: str | None, fmt: Format
) -> None:
    """Delete an entity that was wrong, with all its relationships.

    Shows what it deletes and asks, unless --yes; with no terminal to ask
    at, it deletes nothing without --yes. The history keeps what was deleted
    (renmai history NAME shows it).
    """
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.remove(store, entity, note=note)

    run_edit(app, build, dry_run=dry_run, fmt=fmt, ask=True, yes=yes)


@click.command()
@relationship_arguments
@click.option(
    "--until", type=DATE, required=True, help="When it ended: YYYY, YYYY-MM or YYYY-MM-DD."
)
@key_option
@edit_options
@pass_app
def end(
    app: AppContext,
    from_: str,
    rel_type: str,
    to: str,
    until: str,
    key: str | None,
    dry_run: bool,
    note: str | None,
    fmt: Format,
) -> None:
    """End a relationship (a post left, a membership given up): it stays, as
    history; show marks it ended, and connect and path rank it as past."""
    from renmai.loaders import edits

    def build(store: Store) -> Edit:
        return edits.end(store, from_, rel_type, to, until, key=key, note=note)

    run_edit(app, build, dry_run=dry_run, fmt=fmt)
