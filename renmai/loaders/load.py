"""A load from start to end: read every file, check everything, write once.

:func:`load` reads and checks every file, then writes in one
:meth:`Store.write` call — which the embedded store makes atomic and the Neo4j
store batches — so a load with a problem anywhere writes nothing, and the same
load run twice changes nothing the second time (the store's upsert merges, see
:mod:`renmai.graph.plan`). The write is planned once, by the store; a dry run
(or :func:`validate`) plans it without writing.

With ``skip_invalid`` a load leaves out the records its problems are in —
and then what named only them — and loads the rest; the report lists what
was left out and why (:mod:`renmai.loaders.rejects`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from renmai.errors import ParameterError, RenmaiError
from renmai.graph.bulk import paused_gc
from renmai.graph.history import Change
from renmai.graph.model import Entity, Relationship
from renmai.graph.plan import plan_for
from renmai.graph.schema import SCHEMA
from renmai.graph.store import IntegrityError, InterruptedWrite, Store, WriteSummary
from renmai.loaders.batch import Ambiguity, Batch, build_batch
from renmai.loaders.decisions import Decisions, read_decisions
from renmai.loaders.errors import LoadError, LoadWarning, LocatedProblem, Location
from renmai.loaders.files import Reading, ReadOptions, SourceFile, find_files
from renmai.loaders.headers import normalize
from renmai.loaders.mapping import PairMapping, pair_drafts
from renmai.loaders.mapping_file import MappingFile, mapped_drafts, read_mapping
from renmai.loaders.outcomes import NameOutcomes
from renmai.loaders.positions import holder_drafts
from renmai.loaders.progress import ProgressBars, phase
from renmai.loaders.readers import read
from renmai.loaders.records import EntityDraft, RawRecord, RelationshipDraft, parse_record
from renmai.loaders.rejects import Rejected, Rejects

#: Rounds of leaving out records and checking again before a load gives up:
#: each round leaves out what named the last round's, which rarely goes deep.
MAX_ROUNDS = 20


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
    #: A mapping file saying what each row of the tables makes
    #: (:mod:`renmai.loaders.mapping_file`).
    mapping: Path | str | None = None
    #: Load the valid records and leave out the others (:attr:`LoadReport.rejected`)
    #: instead of writing nothing.
    skip_invalid: bool = False
    #: A file of decisions for ambiguous names (:mod:`renmai.loaders.decisions`).
    decisions: Path | str | None = None


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
    #: Records left out (``skip_invalid``), in reading order, with their problems.
    rejected: list[Rejected] = field(default_factory=list)
    #: How many records (rows) the files held.
    read: int = 0
    #: What became of the names the load resolved.
    names: NameOutcomes = field(default_factory=NameOutcomes)
    #: Names that could mean several entities (left out with their records).
    ambiguities: list[Ambiguity] = field(default_factory=list)

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
    options = options or LoadOptions()
    # Nothing frozen after it: what a store keeps it freezes itself, and the
    # Neo4j driver's garbage cycles frozen here were never collected (a load
    # in parts grew by a part's worth of them each time).
    with paused_gc(freeze=False):
        drafts = _read(paths, options)
        rejects = Rejects(drafts.records)
        rejected_names = NameOutcomes()
        ambiguities: list[Ambiguity] = []
        for round_ in range(MAX_ROUNDS):
            drafts.restore()
            with phase(progress if round_ == 0 else None, "Checking", drafts.count) as step:
                batch = build_batch(
                    store,
                    [d for d in drafts.entities if rejects.keeps(d.record)],
                    [d for d in drafts.relationships if rejects.keeps(d.record)],
                    decisions=drafts.decisions,
                    progress=step,
                )
            problems = [*drafts.problems, *batch.problems]
            # The names and ambiguities of records left out stay in the report.
            rejected_names.take(batch.names, "rejected")
            ambiguities += [a for a in batch.ambiguities if a not in ambiguities]
            if problems:
                if options.skip_invalid and rejects.take(problems):
                    drafts.problems = []
                    continue
                raise LoadError(problems)
            batch.names.take(rejected_names, "rejected")
            batch.ambiguities = ambiguities
            report = drafts.report(batch, rejects)
            try:
                if dry_run:
                    report.summary = plan_for(store, batch.entities, batch.relationships).summary
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
                located = _located(exc, batch)
                if options.skip_invalid and rejects.take(located.problems):
                    continue
                raise located from None
            except InterruptedWrite as exc:
                raise _interrupted(exc) from None
            return report
    raise RenmaiError(
        f"gave up leaving out invalid records after {MAX_ROUNDS} rounds; "
        "load without skipping them to see every problem"
    )


@dataclass
class _Drafts:
    """What reading the files gave: drafts, the records they came from, and
    the problems and warnings of reading."""

    files: list[SourceFile]
    entities: list[EntityDraft] = field(default_factory=list)
    relationships: list[RelationshipDraft] = field(default_factory=list)
    records: list[RawRecord] = field(default_factory=list)
    #: How many records the files held.
    read: int = 0
    problems: list[LocatedProblem] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    decisions: Decisions = field(default_factory=Decisions)
    #: What building a batch changes in an entity draft (its id, name and
    #: aliases), as read: a second round starts from it.
    _read_as: list[tuple[str | None, str | None, list[str]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entities) + len(self.relationships)

    def keep(self) -> None:
        self._read_as = [(d.id, d.name, d.aliases) for d in self.entities]

    def restore(self) -> None:
        for draft, (id_, name, aliases) in zip(self.entities, self._read_as, strict=True):
            draft.id, draft.name, draft.aliases = id_, name, aliases

    def report(self, batch: Batch, rejects: Rejects) -> LoadReport:
        return LoadReport(
            files=[f.display for f in self.files],
            entities=batch.entities,
            relationships=batch.relationships,
            summary=WriteSummary(),
            warnings=[*self.warnings, *batch.warnings],
            rejected=rejects.rejected,
            read=self.read,
            names=batch.names,
            ambiguities=batch.ambiguities,
        )


def _read(paths: Sequence[Path | str], options: LoadOptions) -> _Drafts:
    """Read every file (and the decisions) into drafts."""
    if options.pairs is not None and options.mapping is not None:
        raise ParameterError("mapping", "{param} and pairs: give one way to read the rows")
    mapping = read_mapping(options.mapping) if options.mapping is not None else None
    read_options = _read_options(options, mapping)
    pairs = options.pairs.checked() if options.pairs else None
    files, problems = find_files(paths)
    drafts = _Drafts(files, problems=problems)
    if options.decisions is not None:
        drafts.decisions, decision_problems = read_decisions(options.decisions)
        drafts.problems += decision_problems
    for file in files:
        before = (len(drafts.entities), len(drafts.relationships), len(drafts.problems))
        reading = read(file, read_options)
        drafts.problems += reading.problems
        drafts.warnings += reading.warnings
        if pairs is not None:
            drafts.relationships += pair_drafts(reading.records, pairs, drafts.problems)
        elif mapping is not None:
            entities, relationships = mapped_drafts(reading.records, mapping, drafts.problems)
            drafts.entities += entities
            drafts.relationships += relationships
        else:
            _parse(reading, drafts, keep_values=options.skip_invalid)
        if (len(drafts.entities), len(drafts.relationships), len(drafts.problems)) == before:
            drafts.problems += _nothing_made(file, reading)
        else:
            drafts.warnings += reading.skipped
        drafts.read += len(reading.records)
        if options.skip_invalid:
            drafts.records += reading.records
    drafts.keep()
    return drafts


def _parse(reading: Reading, drafts: _Drafts, *, keep_values: bool) -> None:
    """The drafts of a file's records (and of the people its post columns name)."""
    for record in reading.records:
        draft = parse_record(record, drafts.problems)
        if not keep_values:
            # The draft holds what it read; the record stays only as the place
            # problems are located at. Its values (a dict per record, 500k of
            # them in a large load) are not read again — unless the record
            # may be left out, and written back as it was.
            record.values = {}
        if isinstance(draft, EntityDraft):
            drafts.entities.append(draft)
            if draft.holders:
                people, posts = holder_drafts(draft)
                drafts.entities += people
                drafts.relationships += posts
        elif isinstance(draft, RelationshipDraft):
            drafts.relationships.append(draft)


def _nothing_made(file: SourceFile, reading: Reading) -> list[LocatedProblem]:
    """A file that held rows and gave no record, and no problem to say why, is
    a problem: a load that reads nothing must not look like one that worked."""
    rows = reading.rows or len(reading.records)
    if not rows:
        return []
    # The reasons keep the load option they name (one problem names one), so
    # that a caller can still word it: the CLI says its flag.
    params = {w.param for w in reading.skipped if w.param is not None}
    param = params.pop() if len(params) == 1 else None
    why = "; ".join(
        w.worded_for(lambda name: "{param}" if name == param else name) for w in reading.skipped
    )
    noun = "row" if rows == 1 else "rows"
    message = f"{rows} {noun}, nothing loaded: {why or 'every row is blank where it matters'}"
    return [LocatedProblem(file.location, "", message, param)]


def _interrupted(error: InterruptedWrite) -> InterruptedWrite:
    """The store's "write stopped part way", told as a load: run the load again."""
    error.args = (error.describe("load"),)
    return error


def _read_options(options: LoadOptions, mapping: MappingFile | None) -> ReadOptions:
    kind = None
    if options.kind is not None:
        kind = SCHEMA.resolve_entity_kind(options.kind)
        if kind is None:
            known = ", ".join(SCHEMA.entity_kind_names)
            raise ParameterError(
                "kind", f"{{param}}: unknown kind {options.kind!r} (known: {known})"
            )
    columns: Collection[str] = ()
    sheet = options.sheet
    if options.pairs is not None:
        columns = options.pairs.columns.values()
    if mapping is not None:
        columns = mapping.mapping.columns
        sheet = sheet or mapping.mapping.sheet
    return ReadOptions(
        kind=kind,
        sheet=sheet,
        encoding=options.encoding,
        plain=options.pairs is not None or mapping is not None,
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
