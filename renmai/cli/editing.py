"""What the editing commands share: their options, and how an edit is shown,
confirmed and written (``add``, ``link``, ``set``, ``rename``, ``unlink``,
``remove``, ``end``, ``log``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from renmai.cli.options import output_options, stacked
from renmai.cli.output import Format, emit, terminal_text

if TYPE_CHECKING:
    from renmai.cli.app import AppContext
    from renmai.graph.store import Store
    from renmai.loaders.edits import Edit

F = TypeVar("F", bound=Callable[..., Any])


def parse_pairs(values: Any, hint: str | None = None) -> dict[str, str]:
    """``FIELD=VALUE`` texts as a mapping (an empty value is kept: it clears a field)."""
    pairs: dict[str, str] = {}
    for item in values or ():
        name, sep, text = str(item).partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"{item!r}: write FIELD=VALUE, e.g. title=总领事", param_hint=hint
            )
        pairs[name.strip()] = text.strip()
    return pairs


def _pairs(_: click.Context, __: click.Parameter, value: Any) -> dict[str, str]:
    return parse_pairs(value)


#: ``--field k=v`` (repeatable): a field of the entity's or relationship's kind.
field_option = click.option(
    "--field",
    "fields",
    multiple=True,
    callback=_pairs,
    metavar="FIELD=VALUE",
    help="A field of the kind (repeatable), e.g. --field title=总领事.",
)
source_option = click.option(
    "--source", default=None, metavar="TEXT", help="Where this comes from (a document, a meeting)."
)
key_option = click.option(
    "--key", default=None, help="Which of several relationships of one kind between the two."
)
yes_option = click.option("--yes", is_flag=True, help="Delete without asking.")
#: ``FROM TYPE TO``: a relationship as ``link``, ``unlink`` and ``end`` name it.
relationship_arguments = stacked(
    click.argument("from_", metavar="FROM"),
    click.argument("rel_type", metavar="TYPE"),
    click.argument("to", metavar="TO"),
)

#: ``--dry-run``, ``--note`` and ``--json``: every editing command has them.
edit_options = stacked(
    click.option(
        "--dry-run", is_flag=True, help="Check and show what would change; write nothing."
    ),
    click.option(
        "--note", default=None, metavar="TEXT", help="Why: kept with the change in the history."
    ),
    output_options(csv=False),
)


def run_edit(
    app: AppContext,
    build: Callable[[Store], Edit],
    *,
    dry_run: bool,
    fmt: Format,
    ask: bool = False,
    yes: bool = False,
) -> None:
    """Check the edit ``build`` makes, show what it changes, ask first when it
    deletes (``ask``, unless ``yes``), and write it."""
    store = app.store
    edit = build(store)
    plan = edit.plan(store)
    record = plan.record
    if fmt != "json":
        for note in edit.notes:
            click.echo(terminal_text(f"Note: {note}"), err=True)
    if record is None:
        _report(edit, None, written=False, fmt=fmt, headline="Nothing to change")
        return
    if dry_run:
        _report(edit, record, written=False, fmt=fmt, headline="Dry run, nothing written")
        return
    if ask and not yes:
        _confirm(edit, record, fmt)
    edit.apply(store)
    _report(edit, record, written=True, fmt=fmt, headline=f"Done ({store.location})")


def _confirm(edit: Edit, record: Any, fmt: Format) -> None:
    from renmai.cli.render.changes import item_lines
    from renmai.errors import RenmaiError

    lines = [line for item in record.items for line in item_lines(item)]
    click.echo(terminal_text("\n".join(["This deletes:", *lines])), err=fmt == "json")
    gone = record.counts.get("deleted", 0)
    if not sys.stdin.isatty():
        raise RenmaiError(
            f"{edit.change.command} would delete {gone} record(s); nothing deleted: "
            "there is no terminal to ask, so confirm with --yes"
        )
    if not click.confirm(f"Delete these {gone} record(s)?", default=False, err=True):
        raise RenmaiError("nothing deleted")


def _report(edit: Edit, record: Any, *, written: bool, fmt: Format, headline: str) -> None:
    from renmai.cli.render.changes import counts_text, item_lines

    counts = dict(record.counts) if record else {"created": 0, "updated": 0, "deleted": 0}
    if fmt == "json":
        change = edit.change
        document = {
            "command": change.command,
            "arguments": change.arguments,
            "note": change.note,
            "written": written,
            "changed": record is not None,
            "notes": edit.notes,
            "counts": counts,
            "items": [i.to_dict() for i in record.items] if record else [],
        }
        emit([], [], "json", document=document)
        return
    lines = [line for item in record.items for line in item_lines(item)] if record else []
    lines.append(f"{headline}: {counts_text(counts)}.")
    click.echo(terminal_text("\n".join(lines)))
