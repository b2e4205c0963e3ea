"""``renmai mapping``: mapping files, which say what each row of a table makes
(``renmai load FILE --mapping MAP.yaml``; see docs/loading.md)."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.output import terminal_text


@click.group()
def mapping() -> None:
    """Mapping files: how each row of a table becomes entities and relationships."""


@mapping.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--sheet", default=None, help="The sheet of a workbook (default: the first).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the mapping to this file (default: stdout).",
)
def draft(path: Path, sheet: str | None, output: Path | None) -> None:
    """Write a first mapping for the table in PATH, from its headers, to correct.

    Columns it knows (an office's words too) are mapped, post columns (会长 …)
    become people holding the post, and every other column is listed in a
    comment. Load with it: renmai load PATH --mapping MAPPING.
    """
    from renmai.loaders.mapping_draft import draft_mapping

    text = draft_mapping(path, sheet=sheet)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(
        terminal_text(f"Wrote {output}: correct it, then renmai load {path} --mapping {output}"),
        err=True,
    )
