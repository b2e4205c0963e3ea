"""``renmai history``: every change, when, by which command, before and after."""

from __future__ import annotations

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import DATE, output_options
from renmai.cli.output import Format, emit, terminal_text


@click.command()
@click.argument("entity", required=False)
@click.option("--since", type=DATE, default=None, help="Only changes on or after this date (UTC).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the latest N changes.")
@click.option("-v", "--verbose", is_flag=True, help="Each change's records, before and after.")
@output_options()
@pass_app
def history(
    app: AppContext,
    entity: str | None,
    since: str | None,
    limit: int | None,
    verbose: bool,
    fmt: Format,
) -> None:
    """The changes made to ENTITY (an id, name or alias; also one since
    removed), or to the whole graph: when, by which command, with what note,
    and — for one entity, or with -v — what each changed, before and after."""
    from renmai import queries
    from renmai.cli.render.changes import item_lines, record_heading

    answer = queries.history(app.store, entity, since=since)
    records = answer.records[-limit:] if limit else answer.records
    if fmt != "table":
        rows = [
            {
                "time": r.time,
                "command": r.command,
                "arguments": r.arguments,
                "note": r.note,
                **r.counts,
                "id": r.id,
            }
            for r in records
        ]
        columns = ["time", "command", "arguments", "note", "created", "updated", "deleted", "id"]
        document = {**answer.to_dict(), "changes": answer.to_dict()["changes"][-len(records) :]}
        emit(rows, columns, fmt, document=document if records else {**document, "changes": []})
        return
    lines = []
    if answer.entity_id is not None:
        gone = "" if answer.present else "  (removed)"
        lines.append(f"{answer.name} [{answer.entity_id}]{gone}")
    for record in records:
        lines.append(record_heading(record))
        if verbose or answer.entity_id is not None:
            lines += [f"  {line}" for item in answer.items(record) for line in item_lines(item)]
    click.echo(terminal_text("\n".join(lines) if records else "(no changes)"))
