"""What ``load`` and ``validate`` add for other people's lists: the options that
load past bad rows (``--skip-invalid``, ``--rejects``, ``--decisions``) or read
rows through a mapping file (``--mapping``), and the report of what was left
out and how the names resolved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from renmai.cli.output import terminal_text
from renmai.errors import RenmaiError

if TYPE_CHECKING:
    from renmai.loaders import LoadReport

F = Callable[..., Any]


def list_options(func: F) -> F:
    """The options of ``load`` and ``validate`` for lists that are not renmai's own."""
    file = click.Path(path_type=Path, dir_okay=False)
    options = [
        click.option(
            "--mapping",
            type=file,
            default=None,
            metavar="MAP.yaml",
            help="A mapping file: what each row of the tables makes (renmai mapping draft "
            "writes a first one).",
        ),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Load every valid row and leave out the others (written to --rejects).",
        ),
        click.option(
            "--rejects",
            type=file,
            default=None,
            metavar="FILE",
            help="With --skip-invalid: the CSV of left-out rows, with their lines and "
            "problems (default: beside each input, NAME.rejects.csv).",
        ),
        click.option(
            "--decisions",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            default=None,
            metavar="FILE",
            help="Which entity each ambiguous name means: columns text, country, id.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def list_load_options(kwargs: dict[str, Any], *, pairs: bool) -> dict[str, Any]:
    """The list options as :class:`~renmai.loaders.LoadOptions` fields (consumed
    from the command's keyword arguments); ``pairs``: whether --as was given."""
    mapping, skip = kwargs.pop("mapping"), kwargs.pop("skip_invalid")
    rejects, decisions = kwargs.pop("rejects"), kwargs.pop("decisions")
    if mapping is not None and pairs:
        raise click.UsageError("--mapping and --as: give one way to read the rows")
    if rejects is not None and not skip:
        raise click.UsageError("--rejects needs --skip-invalid")
    kwargs["rejects_file"] = rejects
    return {"mapping": mapping, "skip_invalid": skip, "decisions": decisions}


def report_lists(report: LoadReport, rejects_file: Path | None) -> None:
    """How names resolved, and what was left out and where it went (the files
    written here). A load that left out every row it read is an error."""
    lines = report.names.lines()
    if lines:
        click.echo("\nNames:")
        for line in lines:
            click.echo(terminal_text(line))
    if not report.rejected:
        return
    written = _write_left_out(report, rejects_file)
    left = len(report.rejected)
    click.echo(
        terminal_text(
            f"\nLeft out {left} of {report.read} rows: every one, with its problems, in "
            + ", ".join(str(p) for p in written["rejects"])
        )
    )
    if written["decisions"]:
        listed = ", ".join(str(p) for p in written["decisions"])
        click.echo(terminal_text(f"ambiguous names to decide in {listed} (then --decisions)"))
    if not report.records:
        raise RenmaiError(f"nothing loaded: every one of the {report.read} rows was left out")


def _write_left_out(report: LoadReport, rejects_file: Path | None) -> dict[str, list[Path]]:
    """Write the rejects (one file, or one beside each input) and the decisions
    templates beside them."""
    from renmai.loaders.rejects import (
        decisions_path,
        default_rejects_path,
        write_decisions_template,
        write_rejects,
    )

    groups: dict[Path, list[Any]] = {}
    for item in report.rejected:
        target = rejects_file or default_rejects_path(item.record.location.file)
        groups.setdefault(target, []).append(item)
    written: dict[str, list[Path]] = {"rejects": [], "decisions": []}
    for target, items in groups.items():
        written["rejects"].append(write_rejects(target, items))
        files = {i.record.location.file for i in items}
        ambiguous = [a for a in report.ambiguities if a.where.file in files]
        if ambiguous:
            written["decisions"].append(write_decisions_template(decisions_path(target), ambiguous))
    return written
