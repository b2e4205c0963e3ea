"""``renmai stats``: what the store holds."""

from __future__ import annotations

import json

import click

from renmai.cli.app import AppContext, cli, pass_app
from renmai.cli.output import render_table


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Count entities by kind and relationships by kind."""
    counts = app.store.counts()
    if as_json:
        click.echo(json.dumps(counts.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"Store: {app.store.location}")
    for title, section in (("Entities", counts.entities), ("Relationships", counts.relationships)):
        rows = [{"kind": k, "count": v} for k, v in section.items()]
        rows.append({"kind": "total", "count": sum(section.values())})
        click.echo(f"\n{title}\n" + render_table(rows, ["kind", "count"]))
