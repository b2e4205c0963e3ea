"""``renmai load``, ``validate``, ``dedupe``, ``merge`` and ``demo``: getting data
in, checking it, and tidying it. Each parses, calls :mod:`renmai.loaders` or
:mod:`renmai.graph`, and formats."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from renmai import queries
from renmai.cli.app import AppContext, cli, pass_app
from renmai.cli.output import chosen_format, emit, format_options, render_table, terminal_text
from renmai.cli.stats import stats
from renmai.errors import RenmaiError
from renmai.graph.dedupe import DEFAULT_THRESHOLD, likely_duplicates, merge_entities
from renmai.graph.model import Entity
from renmai.graph.resolve import resolve
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Progress, Store, WriteSummary
from renmai.loaders import LoadOptions, LoadReport, PairMapping, load, reference_data, validate
from renmai.queries.arrows import path_text

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
            "as_type",
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
            "property_columns",
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
    properties = kwargs.pop("property_columns")
    as_type = kwargs.pop("as_type")
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
    )


@contextlib.contextmanager
def _progress(phase: str, total: int) -> Iterator[Progress | None]:
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
        click.echo(f"\nWarnings ({len(report.warnings)}):", err=True)
        for warning in shown:
            click.echo(terminal_text(f"  {warning}"), err=True)
        if len(report.warnings) > len(shown):
            more = len(report.warnings) - len(shown)
            click.echo(f"  … and {more} more (--verbose lists them all)", err=True)
    s = report.summary
    click.echo(
        f"\n{headline}: {len(report.files)} file(s), {s.total('created')} created, "
        f"{s.total('updated')} updated, {s.total('unchanged')} unchanged."
    )


@cli.command("load")
@reading_options
@click.option("--dry-run", is_flag=True, help="Check and report what would change; write nothing.")
@pass_app
def load_command(app: AppContext, /, paths: tuple[Path, ...], dry_run: bool, **kwargs: Any) -> None:
    """Load files or folders (CSV, Excel .xlsx, JSON, JSON Lines, YAML) into the store.

    Everything is checked first: when anything is wrong, every problem is
    listed with its file, line or cell, and field, and nothing is written.
    Loading the same files again changes nothing. See docs/loading.md.
    """
    verbose = kwargs.pop("verbose")
    options = _load_options(kwargs)
    store = app.store
    report = load(store, paths, options, progress=_progress, dry_run=dry_run)
    headline = "Dry run, nothing written" if dry_run else f"Loaded into {store.location}"
    _report(report, verbose, headline=headline)


@cli.command("validate")
@reading_options
@pass_app
def validate_command(app: AppContext, /, paths: tuple[Path, ...], **kwargs: Any) -> None:
    """Check files as ``load`` would, against the store, and write nothing."""
    verbose = kwargs.pop("verbose")
    report = validate(app.store, paths, _load_options(kwargs), progress=_progress)
    headline = (
        f"Valid: {len(report.entities)} entities, {len(report.relationships)} relationships; "
        "a load would give"
    )
    _report(report, verbose, headline=headline)


@cli.command()
@click.option("--kind", default=None, help="Only entities of this kind.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="How similar (0-100) two names must be to be listed.",
)
@format_options
@pass_app
def dedupe(
    app: AppContext, kind: str | None, threshold: float, as_json: bool, as_csv: bool
) -> None:
    """List entities that may be duplicates, for `renmai merge`."""
    fmt = chosen_format(as_json, as_csv)
    if kind is not None:
        resolved = SCHEMA.resolve_entity_kind(kind)
        if resolved is None:
            raise click.BadParameter(f"unknown kind {kind!r}", param_hint="--kind")
        kind = resolved
    pairs = likely_duplicates(app.store, kind=kind, threshold=threshold)
    rows = [
        {
            "score": round(p.score, 1),
            "reason": p.reason,
            "kind": p.first.kind,
            "first": p.first.id,
            "first_name": p.first.name,
            "second": p.second.id,
            "second_name": p.second.name,
        }
        for p in pairs
    ]
    columns = ["score", "reason", "kind", "first", "first_name", "second", "second_name"]
    emit(rows, columns, fmt)
    if fmt == "table" and rows:
        click.echo("\nTo merge a pair: renmai merge KEEP_ID DROP_ID", err=True)


def _one(store: Store, text: str, kind: str | None = None) -> Entity:
    """The entity ``text`` names (id, name or alias); a user error otherwise."""
    found = resolve(store, text, kind=kind)
    if found.entity is None and kind is not None:
        found = resolve(store, text)
    if found.entity is None:
        raise RenmaiError(found.explain())
    return found.entity


@cli.command()
@click.argument("keep")
@click.argument("drop")
@pass_app
def merge(app: AppContext, keep: str, drop: str) -> None:
    """Merge DROP into KEEP (ids, names or aliases) and delete DROP.

    KEEP keeps its name and values and gains DROP's missing values, tags,
    sources and names (as aliases); every relationship of DROP moves to KEEP.
    """
    store = app.store
    kept = _one(store, keep)
    dropped = _one(store, drop, kind=kept.kind)
    result = merge_entities(store, kept.id, dropped.id)
    click.echo(
        terminal_text(
            f"Merged {dropped.id} ({dropped.name}) into {kept.id} ({result.kept.name}): "
            f"{result.moved} relationship(s) moved, {result.repointed} reference(s) re-pointed."
        )
    )
    for rel in result.discarded:
        click.echo(f"  dropped {rel.identity}: it joined the two", err=True)


@cli.command()
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Store file for the demo (default: the global --store, else $RENMAI_STORE).",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Folder to load instead of the reference data (data/zhongshan).",
)
@click.pass_context
def demo(ctx: click.Context, store_path: Path | None, data: Path | None) -> None:
    """Load the Zhongshan reference graph and show what it answers."""
    app = ctx.find_object(AppContext)
    assert app is not None
    if store_path is not None:
        app.store_path, app.neo4j_uri = store_path, None
    folder = data or reference_data()
    report = load(app.store, [folder], progress=_progress)
    s = report.summary
    click.echo(
        f"Loaded {folder}: {s.total('created')} created, {s.total('updated')} updated, "
        f"{s.total('unchanged')} unchanged.\n"
    )
    ctx.invoke(stats, as_json=False)
    print_answers(app.store)


# -- demo answers ---------------------------------------------------------------
#: Names listed per line before "… and N more".
NAMES_SHOWN = 8


def _named(entity: Entity) -> str:
    return f"{entity.name} ({entity.name_en})" if entity.name_en else entity.name


def _names(entities: list[Entity]) -> str:
    shown = ", ".join(_named(e) for e in entities[:NAMES_SHOWN])
    more = len(entities) - NAMES_SHOWN
    return f"{shown}, … and {more} more" if more > 0 else shown


def _ties(store: Store, home: Entity) -> list[str]:
    """What ``home`` is directly connected to, by relationship and kind."""
    groups: dict[tuple[str, bool, str], dict[str, Entity]] = {}
    for neighbor in store.neighbors(home.id):
        kind = SCHEMA.relationship_kind(neighbor.relationship.type)
        if kind.containment:
            continue
        outgoing = neighbor.outgoing or kind.symmetric
        key = (kind.name, outgoing, neighbor.entity.kind)
        groups.setdefault(key, {})[neighbor.entity.id] = neighbor.entity
    lines = []
    for (type_name, outgoing, entity_kind), found in sorted(groups.items()):
        kind = SCHEMA.relationship_kind(type_name)
        arrow = "→" if outgoing else "←"
        label = SCHEMA.entity_kind(entity_kind).label_zh
        lines.append(
            f"  {arrow} {kind.label_zh} {kind.label_en} · {label} {entity_kind} "
            f"({len(found)}): {_names(sorted(found.values(), key=lambda e: e.id))}"
        )
    return lines


def print_answers(store: Store) -> None:
    """A few questions the graph answers, one section each: add more here."""
    homes = store.homes()
    if not homes:
        click.echo("\nNo home entities (home: true) in the store, so nothing to start from.")
        return
    click.echo("\nWe are (home entities): " + ", ".join(_named(h) for h in homes))
    for home in homes:
        click.echo(f"\n{_named(home)} is directly connected to:")
        click.echo("\n".join(_ties(store, home)) or "  (nothing yet)")
    for target in DEMO_TARGETS:
        click.echo("\n".join(["", *_who_connects(store, target)]))
    click.echo(
        "\nAsk your own: renmai connect TARGET, renmai search NAME, renmai show X, "
        "renmai viz -o graph.html (renmai --help for all)."
    )


#: Questions the seed document answers, asked of the reference graph by the demo.
DEMO_TARGETS = ("以色列", "硅谷", "阿根廷", "游艇")


def _who_connects(store: Store, target: str, contacts: int = 3) -> list[str]:
    """The first contacts for ``target`` and the best path of each, briefly."""
    try:
        answer = queries.connect(store, target, limit=contacts, paths_per_contact=1)
    except RenmaiError as exc:
        return [f"Who can get us to {target}? {exc}"]
    lines = [f"Who can get us to {target}?"]
    for rank, contact in enumerate(answer.contacts, 1):
        lines.append(f"  {rank}. {contact.entity.name}  (score {contact.score:.3f})")
        lines.append(f"     {path_text(contact.paths[0])}")
    if not answer.contacts:
        lines.append("  (no path found)")
    return lines
