"""``renmai export``: the whole store in renmai's own load format.

The writing is :mod:`renmai.loaders.export`; this parses the options and says,
on stderr, what was written and whether it holds contact details.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from renmai.cli.app import AppContext, pass_app
from renmai.cli.options import LibraryChoice, show_contacts_option


@click.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE|DIR",
    help="Where to write: a file (JSON, JSON Lines, YAML) or a folder (CSV); "
    "default: standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=LibraryChoice("renmai.loaders.export:EXPORT_FORMATS"),
    default=None,
    help="Output format (default: from the -o name; a folder is CSV; else JSON).",
)
@show_contacts_option
@pass_app
def export_command(
    app: AppContext, output: Path | None, fmt: str | None, show_contacts: bool
) -> None:
    """Write every entity and relationship in renmai's own load format, so that
    `renmai load` of the export gives the same graph back.

    Contact details of people are left out unless --show-contacts; the export
    says which (a note in JSON and YAML, and a line on stderr).
    """
    from renmai.loaders.export import export, export_format

    chosen = export_format(output, fmt)
    report = export(
        app.store, output, chosen, contacts=show_contacts, stream=None if output else sys.stdout
    )
    where = ", ".join(str(f) for f in report.files) if output else "standard output"
    if chosen == "csv" and output is not None:
        where = f"{output} ({len(report.files)} files)"
    click.echo(
        f"Exported {report.entities} entities and {report.relationships} relationships "
        f"({chosen}) to {where}; {report.note}.",
        err=True,
    )
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
