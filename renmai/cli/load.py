"""``renmai load`` and ``validate``: getting data in, and checking it first.
Each parses, calls :mod:`renmai.loaders`, and reports."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from renmai.cli.app import AppContext, flag_namer, pass_app
from renmai.cli.lists import list_load_options, list_options, report_lists
from renmai.cli.output import render_table, terminal_text

if TYPE_CHECKING:
    from renmai.graph.store import Progress, WriteSummary
    from renmai.loaders import LoadOptions, LoadReport

F = Callable[..., Any]
#: Loads of more records than this show a progress bar even when stderr is
#: not a terminal (a log file then shows that something is happening).
PROGRESS_THRESHOLD = 5000
#: Warnings listed before "… and N more" (``--verbose`` lists them all).
WARNINGS_SHOWN = 30


def _property_columns(_: click.Context, __: click.Parameter, value: Any) -> dict[str, str]:
    pairs = {}
    for item in value:
        field, sep, column = str(item).partition("=")
        if not sep or not field.strip() or not column.strip():
            raise click.BadParameter(f"{item!r}: write FIELD=COLUMN, e.g. role=职务")
        pairs[field.strip()] = column.strip()
    return pairs


def reading_options(func: F) -> F:
    """Options of ``load`` and ``validate``: how to read the files, and mapping mode."""
    options = [
        click.option(
            "--kind", default=None, help="Entity kind of files or sheets without a kind column."
        ),
        click.option("--sheet", default=None, help="Read only this sheet of each workbook."),
        click.option(
            "--encoding",
            default=None,
            help="Text encoding of CSV/JSON/YAML files (default: UTF-8, else GB18030/GBK).",
        ),
        click.option(
            "--as",
            "type",
            default=None,
            metavar="RELATIONSHIP_KIND",
            help="Mapping mode: read each row as a pair making this relationship.",
        ),
        click.option(
            "--from-column", default=None, help="Mapping mode: column naming the first end."
        ),
        click.option("--from-kind", default=None, help="Mapping mode: kind of the first end."),
        click.option(
            "--to-column", default=None, help="Mapping mode: column naming the second end."
        ),
        click.option("--to-kind", default=None, help="Mapping mode: kind of the second end."),
        click.option(
            "--from-country-column", default=None, help="Mapping mode: first end's country."
        ),
        click.option(
            "--to-country-column", default=None, help="Mapping mode: second end's country."
        ),
        click.option(
            "--since-column", default=None, help="Mapping mode: when the relationship began."
        ),
        click.option(
            "--property-column",
            "properties",
            multiple=True,
            callback=_property_columns,
            metavar="FIELD=COLUMN",
            help="Mapping mode: a relationship field from a column (repeatable).",
        ),
        click.option("-v", "--verbose", is_flag=True, help="List every warning."),
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _load_options(kwargs: dict[str, Any]) -> LoadOptions:
    """LoadOptions from the command's keyword arguments (consumed)."""
    from renmai.loaders import LoadOptions, PairMapping

    mapping_keys = [
        "from_column",
        "from_kind",
        "to_column",
        "to_kind",
        "from_country_column",
        "to_country_column",
        "since_column",
    ]
    mapping = {k: kwargs.pop(k) for k in mapping_keys}
    properties = kwargs.pop("properties")
    as_type = kwargs.pop("type")
    pairs = None
    if as_type is None:
        given = [f"--{k.replace('_', '-')}" for k, v in mapping.items() if v] + (
            ["--property-column"] if properties else []
        )
        if given:
            raise click.UsageError(f"{', '.join(given)} need --as (mapping mode)")
    else:
        if not mapping["from_column"] or not mapping["to_column"]:
            raise click.UsageError("--as needs --from-column and --to-column")
        pairs = PairMapping(type=as_type, properties=properties, **mapping)
    return LoadOptions(
        kind=kwargs.pop("kind"),
        sheet=kwargs.pop("sheet"),
        encoding=kwargs.pop("encoding"),
        pairs=pairs,
        **list_load_options(kwargs, pairs=pairs is not None),
    )


@contextlib.contextmanager
def progress_bar(phase: str, total: int) -> Iterator[Progress | None]:
    """A progress bar on stderr for one phase of a long load (or any load on
    an interactive terminal)."""
    if total < PROGRESS_THRESHOLD and not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=phase.ljust(8), file=sys.stderr) as bar:
        yield bar.update


def _summary_rows(summary: WriteSummary) -> list[dict[str, Any]]:
    rows = []
    for section, counts in (
        ("entities", summary.entities),
        ("relationships", summary.relationships),
    ):
        for kind, counter in sorted(counts.items()):
            rows.append(
                {
                    "records": section,
                    "kind": kind,
                    "created": counter["created"],
                    "updated": counter["updated"],
                    "unchanged": counter["unchanged"],
                }
            )
    return rows


def _report(report: LoadReport, verbose: bool, *, headline: str) -> None:
    rows = _summary_rows(report.summary)
    if rows:
        click.echo(render_table(rows, ["records", "kind", "created", "updated", "unchanged"]))
    shown = report.warnings if verbose else report.warnings[:WARNINGS_SHOWN]
    if shown:
        flag = flag_namer(click.get_current_context().command)
        click.echo(f"\nWarnings ({len(report.warnings)}):", err=True)
        for warning in shown:
            click.echo(terminal_text(f"  {warning.worded_for(flag)}"), err=True)
        if len(report.warnings) > len(shown):
            more = len(report.warnings) - len(shown)
            click.echo(f"  … and {more} more (--verbose lists them all)", err=True)
    s = report.summary
    click.echo(
        f"\n{headline}: {len(report.files)} file(s), {s.total('created')} created, "
        f"{s.total('updated')} updated, {s.total('unchanged')} unchanged."
    )


@click.command("load")
@reading_options
@list_options
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@click.option(
    "--note", default=None, metavar="TEXT", help="Why: kept with the load in the history."
)
@pass_app
def load_command(
    app: AppContext, /, paths: tuple[Path, ...], dry_run: bool, note: str | None, **kwargs: Any
) -> None:
    """Load files or folders (CSV, Excel .xlsx, JSON, JSON Lines, YAML) into the store.

    Everything is checked first: when anything is wrong, every problem is
    listed with its file, line or cell, and field, and nothing is written.
    Loading the same files again changes nothing. See docs/loading.md.
    """
    from renmai.loaders import load

    verbose = kwargs.pop("verbose")
    options = _load_options(kwargs)
    store = app.store
    report = load(store, paths, options, progress=progress_bar, dry_run=dry_run, note=note)
    headline = "Dry run, nothing written" if dry_run else f"Loaded into {store.location}"
    _report(report, verbose, headline=headline)
    report_lists(report, kwargs.pop("rejects_file"))


@click.command("validate")
@reading_options
@list_options
@pass_app
def validate_command(app: AppContext, /, paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Check files as ``load`` would, against the store, and write nothing."""
    from renmai.loaders import validate

    verbose = kwargs.pop("verbose")
    report = validate(app.store, paths, _load_options(kwargs), progress=progress_bar)
    headline = (
        f"Valid: {len(report.entities)} entities, {len(report.relationships)} relationships; "
        "a load would give"
    )
    _report(report, verbose, headline=headline)
    report_lists(report, kwargs.pop("rejects_file"))
