"""``renmai stats``: what the store holds."""

from __future__ import annotations

import json

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import output_options
from renmai.cli.output import Format, render_table


@click.command()
@output_options(csv=False)
@pass_app
def stats(app: AppContext, fmt: Format) -> None:
    """Count entities by kind and relationships by kind."""
    counts = app.store.counts()
    if fmt == "json":
        click.echo(json.dumps(counts.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Store: {app.store.location}")
    for title, section in (("Entities", counts.entities), ("Relationships", counts.relationships)):
        rows = [{"kind": k, "count": v} for k, v in section.items()]
        rows.append({"kind": "total", "count": sum(section.values())})
        click.echo(f"\n{title}\n" + render_table(rows, ["kind", "count"]))
