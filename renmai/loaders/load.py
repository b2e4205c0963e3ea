"""A load from start to end: read every file, check everything, write once.

:func:`validate` reads and checks, and says what a write would do;
:func:`load` then writes it in one :meth:`Store.write` call — which the
embedded store makes atomic and the Neo4j store batches — so a load with a
problem anywhere writes nothing, and the same load run twice changes nothing
the second time (the store's upsert merges, see :mod:`renmai.graph.plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from renmai.errors import RenmaiError
from renmai.graph.bulk import paused_gc
from renmai.graph.history import Change
from renmai.graph.model import Entity, Relationship
from renmai.graph.plan import plan_write
from renmai.graph.schema import SCHEMA
from renmai.graph.store import IntegrityError, InterruptedWrite, Store, WriteSummary
from renmai.loaders.batch import Batch, build_batch
from renmai.loaders.documents import read_json, read_jsonl, read_yaml
from renmai.loaders.errors import LoadError, LoadWarning, LocatedProblem, Location
from renmai.loaders.files import Reading, ReadOptions, SourceFile, find_files
from renmai.loaders.headers import normalize
from renmai.loaders.mapping import PairMapping, pair_drafts
from renmai.loaders.positions import holder_drafts
from renmai.loaders.progress import ProgressBars, phase
from renmai.loaders.records import EntityDraft, RelationshipDraft, parse_record
from renmai.loaders.tabular import read_csv, read_xlsx

Reader = Callable[[SourceFile, ReadOptions], Reading]
READERS: dict[str, Reader] = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "json": read_json,
    "jsonl": read_jsonl,
    "yaml": read_yaml,
}


@dataclass(frozen=True)
class LoadOptions:
    """What the files do not say for themselves."""

    #: Entity kind (name or Chinese label) of records without a kind column.
    kind: str | None = None
    #: Read only this sheet of each workbook.
    sheet: str | None = None
    #: Text encoding of CSV/YAML/JSON files (default: UTF-8, else GB18030).
    encoding: str | None = None
    #: Read the files as lists of pairs (mapping mode).
    pairs: PairMapping | None = None


@dataclass
class LoadReport:
    """What a load read, what it did (or would do), and what to look at."""

    files: list[str]
    entities: list[Entity]
    relationships: list[Relationship]
    summary: WriteSummary
    warnings: list[LoadWarning] = field(default_factory=list)
    #: False for a validation or a dry run.
    written: bool = False

    @property
    def records(self) -> int:
        return len(self.entities) + len(self.relationships)


def validate(
    store: Store,
    paths: Sequence[Path | str],
    options: LoadOptions | None = None,
    *,
    progress: ProgressBars | None = None,
) -> LoadReport:
    """Read and check every file; what a load would do. Writes nothing.

    Raises :class:`~renmai.loaders.errors.LoadError` listing every problem of
    every file.
    """
    return load(store, paths, options, progress=progress, dry_run=True)


def load(
    store: Store,
    paths: Sequence[Path | str],
    options: LoadOptions | None = None,
    *,
    progress: ProgressBars | None = None,
    dry_run: bool = False,
    note: str | None = None,
) -> LoadReport:
    """Read and check every file, then write everything in one :meth:`Store.write`
    call (with ``dry_run``, only say what it would do); see the module doc.

    The write is planned once: by the store when it writes, by
    :func:`~renmai.graph.plan.plan_write` in a dry run. (Checking first and
    then writing would plan it twice: at 100k entities, several seconds.)
    Problems the plan finds are located where their records were read. The
    history keeps the load (its files, and ``note``) with its write.
    """
    with paused_gc():
        report, batch = _check(store, paths, options, progress)
        try:
            if dry_run:
                report.summary = plan_write(
                    batch.entities, batch.relationships, store.get_many, store.get_relationships
                ).summary
            else:
                with phase(progress, "Writing", report.records) as step:
                    report.summary = store.write(
                        batch.entities,
                        batch.relationships,
                        progress=step,
                        change=Change("load", " ".join(report.files), note),
                    )
                report.written = True
        except IntegrityError as exc:
            raise _located(exc, batch) from None
        except InterruptedWrite as exc:
            raise _interrupted(exc) from None
    return report


def _check(
    store: Store,
    paths: Sequence[Path | str],
    options: LoadOptions | None,
    progress: ProgressBars | None,
) -> tuple[LoadReport, Batch]:
    """Read every file and build the batch; the store's own checks (the write
    plan) are left to the caller."""
    options = options or LoadOptions()
    read_options = _read_options(options)
    pairs = options.pairs.checked() if options.pairs else None
    files, problems = find_files(paths)
    warnings: list[LoadWarning] = []
    entity_drafts: list[EntityDraft] = []
    rel_drafts: list[RelationshipDraft] = []
    for file in files:
        before = (len(entity_drafts), len(rel_drafts), len(problems))
        reading = READERS[file.format](file, read_options)
        problems += reading.problems
        warnings += reading.warnings
        if pairs is not None:
            rel_drafts += pair_drafts(reading.records, pairs, problems)
        else:
            _parse(reading, entity_drafts, rel_drafts, problems)
        if (len(entity_drafts), len(rel_drafts), len(problems)) == before:
            problems += _nothing_made(file, reading)
        else:
            warnings += reading.skipped
    with phase(progress, "Checking", len(entity_drafts) + len(rel_drafts)) as step:
        batch = build_batch(store, entity_drafts, rel_drafts, progress=step)
    problems += batch.problems
    if problems:
        raise LoadError(problems)
    report = LoadReport(
        files=[f.display for f in files],
        entities=batch.entities,
        relationships=batch.relationships,
        summary=WriteSummary(),
        warnings=[*warnings, *batch.warnings],
    )
    return report, batch


def _parse(
    reading: Reading,
    entity_drafts: list[EntityDraft],
    rel_drafts: list[RelationshipDraft],
    problems: list[LocatedProblem],
) -> None:
    """The drafts of a file's records (and of the people its post columns name)."""
    for record in reading.records:
        draft = parse_record(record, problems)
        # The draft holds what it read; the record stays only as the place
        # problems are located at. Its values (a dict per record, 500k of
        # them in a large load) are not read again.
        record.values = {}
        if isinstance(draft, EntityDraft):
            entity_drafts.append(draft)
            if draft.holders:
                people, posts = holder_drafts(draft)
                entity_drafts += people
                rel_drafts += posts
        elif isinstance(draft, RelationshipDraft):
            rel_drafts.append(draft)


def _nothing_made(file: SourceFile, reading: Reading) -> list[LocatedProblem]:
    """A file that held rows and gave no record, and no problem to say why, is
    a problem: a load that reads nothing must not look like one that worked."""
    rows = reading.rows or len(reading.records)
    if not rows:
        return []
    why = "; ".join(f"{w.location}: {w.message}" for w in reading.skipped) or (
        "every row is blank where it matters"
    )
    noun = "row" if rows == 1 else "rows"
    return [LocatedProblem(file.location, "", f"{rows} {noun}, nothing loaded: {why}")]


def _interrupted(error: InterruptedWrite) -> InterruptedWrite:
    """The store's "write stopped part way", told as a load: run the load again."""
    error.args = (error.describe("load"),)
    return error


def _read_options(options: LoadOptions) -> ReadOptions:
    kind = None
    if options.kind is not None:
        kind = SCHEMA.resolve_entity_kind(options.kind)
        if kind is None:
            known = ", ".join(SCHEMA.entity_kind_names)
            raise RenmaiError(f"--kind: unknown kind {options.kind!r} (known: {known})")
    columns = options.pairs.columns.values() if options.pairs else ()
    return ReadOptions(
        kind=kind,
        sheet=options.sheet,
        encoding=options.encoding,
        plain=options.pairs is not None,
        columns=frozenset(normalize(c) for c in columns),
    )


def _located(error: IntegrityError, batch: Batch) -> LoadError:
    """The store's own checks, located where the record was read."""
    return LoadError(
        [
            LocatedProblem(batch.origin(record) or Location(record), problem.field, problem.message)
            for record, problem in error.problems
        ]
    )
