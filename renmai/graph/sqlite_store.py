"""The embedded store: one SQLite database file (the standard library's ``sqlite3``).

Entities, relationships and the entities' name keys are tables with the
indexes the queries need, so that a command reads only what it asks for —
opening a store reads nothing — and a write changes only the rows it changes.

Every write is one transaction (``BEGIN IMMEDIATE``) planned by
:mod:`renmai.graph.plan`: a crash or SIGKILL mid-write leaves the last
committed state, a write that fails writes nothing, and two writers take
turns, each planning against what the other committed, so neither loses an
update. The database is in WAL mode: readers are never blocked by a writer
and see each write whole or not at all (each read runs in one read
transaction). Commits are synced (``synchronous=FULL``).

What reads derive from the graph — entities and neighbour lists already
built, the home entities — is kept until the graph changes: a counter in the
``meta`` table is bumped by every write transaction, here or in another
process, and read at the start of every read (:attr:`SqliteStore.version`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from pydantic import ValidationError

from renmai.graph.bulk import paused_gc
from renmai.graph.dates import latest
from renmai.graph.history import Change, ChangeRecord, Deletions, select
from renmai.graph.model import Entity, Relationship, RelationshipId, problems_of
from renmai.graph.names import has_han, keep_pinyin, name_key, name_keys, pinyin_key
from renmai.graph.plan import WritePlan, plan_for
from renmai.graph.schema import SCHEMA
from renmai.graph.store import (
    DATED_KINDS,
    EVIDENCE_FIELDS,
    Counts,
    Direction,
    Member,
    Neighbor,
    OneAtATime,
    Progress,
    StoreError,
    WriteSummary,
    sketch_entity,
)

if TYPE_CHECKING:  # imported where used: most commands need neither
    import networkx as nx

T = TypeVar("T")

FORMAT = "renmai-graph"
#: Version of the tables below; a file with another one is refused.
VERSION = 1
#: Version of the name-key folding (renmai.graph.names) whose keys the
#: ``name_keys`` and ``pinyin`` tables hold; a file with older keys (or keys of
#: another pypinyin: :func:`names_version`) has them computed again.
NAMES_VERSION = 2
#: The pinyin key of every Chinese name the store holds, as
#: ``renmai.graph.names.pinyin_key`` gave it when the name was written: a search
#: for a name the store knows (and the scoring of the names it finds) reads
#: them here instead of loading pypinyin's dictionaries (0.1–0.3 s a process).
PINYIN_SQL = (
    "CREATE TABLE IF NOT EXISTS pinyin (text TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID;"
)
#: How long a writer waits for another one to finish, in seconds.
LOCK_TIMEOUT = 60.0
#: Rows per ``executemany`` call, and between two progress reports.
WRITE_CHUNK = 10_000
#: The score (rapidfuzz ``fuzz.ratio``) from which a name key is a typo of the
#: text searched for.
FUZZY_CUTOFF = 70
_HEADER = b"SQLite format 3\x00"

SCHEMA_SQL = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value) WITHOUT ROWID;
-- One row per entity: its record as JSON (the model, defaults left out).
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    home INTEGER NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX entities_by_kind ON entities (kind);
CREATE INDEX entities_at_home ON entities (id) WHERE home;
-- The keys under which an entity is found by name (renmai.graph.names).
CREATE TABLE name_keys (
    key TEXT NOT NULL,
    entity TEXT NOT NULL REFERENCES entities (id),
    PRIMARY KEY (key, entity)
) WITHOUT ROWID;
CREATE INDEX name_keys_by_entity ON name_keys (entity);
-- One row per relationship; its identity is (type, from_id, to_id, key).
CREATE TABLE relationships (
    type TEXT NOT NULL,
    from_id TEXT NOT NULL REFERENCES entities (id),
    to_id TEXT NOT NULL REFERENCES entities (id),
    key TEXT NOT NULL,
    since TEXT,
    until TEXT,
    record TEXT NOT NULL
);
CREATE UNIQUE INDEX relationships_identity ON relationships (type, from_id, to_id, key);
-- Both ends with the other: a walk's ``among`` filter is answered from the index.
CREATE INDEX relationships_from ON relationships (from_id, to_id);
CREATE INDEX relationships_to ON relationships (to_id, from_id);
CREATE INDEX relationships_since ON relationships (since) WHERE since IS NOT NULL;
CREATE INDEX relationships_until ON relationships (until) WHERE until IS NOT NULL;
-- The history (renmai.graph.history): one row per change, kept in the write's
-- transaction, and the entities each concerns.
CREATE TABLE changes (id TEXT PRIMARY KEY, time TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX changes_by_time ON changes (time, id);
CREATE TABLE change_entities (
    entity TEXT NOT NULL,
    change TEXT NOT NULL REFERENCES changes (id),
    PRIMARY KEY (entity, change)
) WITHOUT ROWID;
"""

_ENTITY_UPSERT = (
    "INSERT INTO entities (id, kind, home, record) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, home = excluded.home, "
    "record = excluded.record"
)
_RELATIONSHIP_UPSERT = (
    "INSERT INTO relationships (type, from_id, to_id, key, since, until, record) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, from_id, to_id, key) DO UPDATE SET "
    "since = excluded.since, until = excluded.until, record = excluded.record"
)
#: Ids passed as one JSON array: any number of them, one parameter.
_IDS = "(SELECT value FROM json_each(?))"
_RELATIONSHIP_COLUMNS = "r.type, r.from_id, r.to_id, r.key, r.record"
#: Pairs (entity asked about, end in ``among``) that a filtered read looks up
#: one by one in the index of both ends at most. SQLite cannot tell how long
#: the two id lists are and probes every pair: 150 entities among a country's
#: 18,000 members were 2.7 million probes (0.4 s). Beyond this the entities'
#: relationships are read by one end and filtered by the other.
PAIR_PROBES = 50_000


def _initial_sql() -> str:
    """The tables of an empty store, and its ``meta`` rows."""
    return (
        f"BEGIN; {SCHEMA_SQL} {PINYIN_SQL} INSERT INTO meta VALUES "
        f"('format', '{FORMAT}'), ('version', {VERSION}), ('names', '{names_version()}'), "
        "('generation', 0); COMMIT;"
    )


@cache
def names_version() -> str:
    """What the stored name keys were made with: these folding rules, and the
    pypinyin whose readings the pinyin keys are (another release may read a
    character otherwise)."""
    return f"{NAMES_VERSION}/pypinyin-{metadata.version('pypinyin')}"


def _ids(values: Collection[str]) -> str:
    return orjson.dumps(list(values)).decode()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fuzzy_lengths(length: int) -> tuple[int, int]:
    """The key lengths that can score :data:`FUZZY_CUTOFF` against a key of ``length``.

    ``fuzz.ratio`` is ``100 * (1 - d / (a + b))`` for lengths ``a``, ``b`` and an
    edit distance ``d >= |a - b|``, so a score of 70 needs ``|a - b| <= 0.3 (a + b)``:
    ``b`` between ``7a/13`` and ``13a/7`` (rounded outwards, to be safe).
    """
    return (length * 7) // 13, -(-(length * 13) // 7)


class SqliteStore(OneAtATime):
    """A store in one local SQLite file. See the module docstring for its guarantees."""

    def __init__(self, path: Path | str, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        self.lock_timeout = lock_timeout
        #: The JSON store this one was migrated from when it was opened, if it was
        #: (set by :func:`renmai.graph.migration.open_file_store`).
        self.migrated_from: Path | None = None
        if self.path.is_dir():
            raise StoreError(f"store path {self.path} is a directory, not a file")
        if not self.path.parent.is_dir():
            raise StoreError(f"store directory {self.path.parent} does not exist")
        self._generation: int | None = None
        self._entities: dict[str, Entity] = {}
        self._relationships: dict[tuple[str, str, str, str], Relationship] = {}
        #: All the neighbours of an entity, as :meth:`neighbors` returns them,
        #: kept until the graph changes: walks ask for the same hubs every query.
        self._around: dict[str, list[Neighbor]] = {}
        self._homes: list[Entity] | None = None
        #: (:meth:`newest_date`,) once asked for after a change, else None.
        self._newest: tuple[str | None] | None = None
        #: Until the file exists (the first write makes it), reads see an empty
        #: graph in memory: a command that only reads, or a load that fails,
        #: leaves no file behind.
        self._db = self._empty() if not self.path.exists() else self._connect()

    def _empty(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        db.executescript(_initial_sql())
        self._on_disk = False
        return db

    def _connect(self) -> sqlite3.Connection:
        self._check_file()
        try:
            self._db = self._configured(sqlite3.connect(self.path, **self._options()))
            self._on_disk = True
            self._check_meta()
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        return self._db

    def _options(self) -> dict[str, Any]:
        return {"timeout": self.lock_timeout, "isolation_level": None, "check_same_thread": False}

    @staticmethod
    def _configured(db: sqlite3.Connection) -> sqlite3.Connection:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages
        return db

    def _on_file(self) -> None:
        """Move from the empty graph in memory to the file once another process made it."""
        if not self._on_disk and self.path.exists():
            self._db.close()
            self._forget()
            self._connect()

    # -- the file ----------------------------------------------------------------
    def _first_write(self, write: Callable[[], T]) -> T:
        """Run ``write`` into a new database beside :attr:`path`, linked into place
        once committed: no process ever opens a half-made store, and a write
        that fails or changes nothing leaves no file. If another process made
        the store meanwhile, that one is the store, and ``write`` runs again on it."""
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=self.path.name + ".", suffix=".new", dir=self.path.parent
            )
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"cannot create store {self.path}: {exc.strerror or exc}") from None
        memory, linked = self._db, False
        try:
            db = sqlite3.connect(tmp, **self._options())
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_initial_sql())
            created = db.total_changes
            self._db = self._configured(db)
            self._on_disk = True
            try:
                result = write()
                changed = db.total_changes > created
            finally:
                db.close()  # the last connection: its log is written into the file
            if changed:
                with open(tmp, "rb") as fh:
                    os.fsync(fh.fileno())
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, self.path)
                    linked = True
        except OSError as exc:
            raise StoreError(f"cannot create store {self.path}: {exc.strerror or exc}") from None
        finally:
            self._db, self._on_disk = memory, False
            self._forget()
            for leftover in ("", "-wal", "-shm"):
                Path(tmp + leftover).unlink(missing_ok=True)
        self._on_file()
        return result if linked or not self._on_disk else write()

    def _check_file(self) -> None:
        """Refuse a file that is not a whole SQLite database before SQLite opens it
        (it would take an empty file for a new database, and a truncated one
        fails only when a missing page is read — perhaps after a write)."""
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as fh:
                header = fh.read(100)
        except PermissionError:
            raise StoreError(f"cannot read store {self.path}: permission denied") from None
        except OSError as exc:
            raise StoreError(f"cannot read store {self.path}: {exc.strerror or exc}") from None
        if not header.startswith(_HEADER):
            if header.lstrip().startswith(b"{"):
                raise StoreError(
                    f"store {self.path} is a JSON store of an earlier renmai version; "
                    f"give its name ending in .json (mv '{self.path}' '{self.path}.json') "
                    "and renmai converts it on first use"
                )
            what = "empty (0 bytes)" if size == 0 else "not an SQLite database"
            raise StoreError(
                f"store {self.path} is {what}; nothing was changed. " + self._way_out()
            )
        wal = Path(f"{self.path}-wal")
        if len(header) == 100 and not (wal.exists() and wal.stat().st_size > 0):
            # With no write-ahead log to recover from, the header's page count is
            # what the file must hold (it is valid when offsets 24 and 92 agree).
            page_size = int.from_bytes(header[16:18], "big")
            page_size = 65536 if page_size == 1 else page_size
            pages = int.from_bytes(header[28:32], "big")
            if header[24:28] == header[92:96] and size < pages * page_size:
                raise StoreError(
                    f"store {self.path} is truncated ({size} of {pages * page_size} bytes); "
                    "nothing was changed. " + self._way_out()
                )

    def _check_meta(self) -> None:
        try:
            meta = dict(self._db.execute("SELECT name, value FROM meta"))
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            meta = {}
        if meta.get("format") != FORMAT:
            raise StoreError(f"{self.path} is not a renmai store file")
        if meta.get("version") != VERSION:
            raise StoreError(
                f"store {self.path} has version {meta.get('version')}, expected {VERSION}"
            )
        if meta.get("names") != names_version():
            self._recompute_keys()

    def _recompute_keys(self) -> None:
        """Name keys again for every entity (the folding rules or pypinyin changed)."""
        with self._writing():
            self._db.execute(PINYIN_SQL)
            self._db.execute("DELETE FROM name_keys")
            self._db.execute("DELETE FROM pinyin")
            for (record,) in self._db.execute("SELECT record FROM entities").fetchall():
                self._put_keys([self._entity(record)])
            self._db.execute("UPDATE meta SET value = ? WHERE name = 'names'", (names_version(),))

    def _way_out(self) -> str:
        """What to do about a store file that cannot be read."""
        return (
            f"Copy a backup over it (renmai backup makes one: cp BACKUP '{self.path}'), "
            f"try SQLite's recovery (sqlite3 '{self.path}' .recover), or move the broken "
            "file away to start with an empty store"
        )

    def _damaged(self, exc: sqlite3.DatabaseError) -> Exception:
        """A :class:`StoreError` for what SQLite said about the file; an error of
        any other kind (a mistake in renmai's SQL) unchanged."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"store {self.path} is being written by another process; "
                f"gave up after {self.lock_timeout:.0f} s"
            )
        if name.startswith(
            ("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_PERM")
        ):
            return StoreError(f"cannot write store {self.path}: {exc}")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or (
            not name and type(exc) is sqlite3.DatabaseError
        ):
            return StoreError(
                f"store {self.path} is damaged ({exc}); nothing was changed. " + self._way_out()
            )
        return exc

    def _invalid(self, record: str, error: ValidationError) -> StoreError:
        """One line for a record of the file that the schema refuses."""
        problems = "; ".join(f"{p.field}: {p.message}" for p in problems_of(error))
        return StoreError(
            f"store {self.path} holds an invalid record {record} ({problems}). " + self._way_out()
        )

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every statement in it sees the same committed
        state; what was kept from an earlier state is dropped first."""
        if self._db.in_transaction:  # a write's own reads
            yield self._db
            return
        self._on_file()
        try:
            self._db.execute("BEGIN")
            try:
                self._sync()
                yield self._db
            finally:
                self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed whole or rolled back whole."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        try:
            self._sync()
            before = self._db.total_changes
            yield self._db
            changed = self._db.total_changes != before
            if changed:
                # What tells every process (this one too) that the graph changed.
                self._db.execute("UPDATE meta SET value = value + 1 WHERE name = 'generation'")
            self._db.execute("COMMIT")
        except BaseException as exc:
            if self._db.in_transaction:
                self._db.rollback()
            self._forget()
            if isinstance(exc, sqlite3.DatabaseError):
                raise self._damaged(exc) from None
            raise
        if changed:
            self._forget()

    def _sync(self) -> None:
        """Drop what was derived from an earlier state of the graph."""
        (generation,) = self._db.execute(
            "SELECT value FROM meta WHERE name = 'generation'"
        ).fetchone()
        if generation != self._generation:
            self._forget()
            self._generation = generation

    def _forget(self) -> None:
        self._generation = None
        self._entities = {}
        self._relationships = {}
        self._around = {}
        self._homes = None
        self._newest = None

    @property
    def version(self) -> int:
        """Changes whenever the graph does, here or in another process (:class:`Versioned`)."""
        with self._reading():
            assert self._generation is not None
            return self._generation

    # -- records -----------------------------------------------------------------
    def _entity(self, record: str) -> Entity:
        try:
            return Entity.model_validate_json(record)
        except ValidationError as exc:
            raise self._invalid(self._record_name(record, "id"), exc) from None

    def _relationship(self, record: str) -> Relationship:
        try:
            return Relationship.model_validate_json(record)
        except ValidationError as exc:
            raise self._invalid(self._record_name(record, "from"), exc) from None

    @staticmethod
    def _record_name(record: str, field: str) -> str:
        try:
            doc = orjson.loads(record)
        except orjson.JSONDecodeError:
            return "(not JSON)"
        if field == "from":
            return f"{doc.get('from')}-[{doc.get('type')}]->{doc.get('to')}"
        return str(doc.get(field))

    def _rows_to_relationship(self, row: tuple[str, str, str, str, str]) -> Relationship:
        identity = row[:4]
        rel = self._relationships.get(identity)
        if rel is None:
            rel = self._relationships[identity] = self._relationship(row[4])
        return rel

    def _fetch_entities(self, db: sqlite3.Connection, ids: Collection[str]) -> dict[str, Entity]:
        """Entities by id, kept ones first, the rest in one query."""
        kept = self._entities
        missing = [i for i in ids if i not in kept]
        if missing:
            rows = db.execute(
                f"SELECT id, record FROM entities WHERE id IN {_IDS}", (_ids(missing),)
            )
            for entity_id, record in rows:
                kept[entity_id] = self._entity(record)
        return {i: kept[i] for i in ids if i in kept}

    # -- protocol: writes --------------------------------------------------------
    def write(
        self,
        entities: Sequence[Entity],
        relationships: Sequence[Relationship],
        *,
        progress: Progress | None = None,
        change: Change | None = None,
        replace: bool = False,
        deletions: Deletions | None = None,
    ) -> WriteSummary:
        self._on_file()
        if not self._on_disk:
            return self._first_write(
                lambda: self.write(
                    entities,
                    relationships,
                    progress=progress,
                    change=change,
                    replace=replace,
                    deletions=deletions,
                )
            )
        with self._writing() as db, paused_gc():
            plan = plan_for(
                self, entities, relationships, replace=replace, deletions=deletions, change=change
            )
            if not plan.summary.changed:
                return plan.summary
            self._delete(db, plan)
            if progress and (
                deleted := len(plan.deleted_relationships) + len(plan.deleted_entities)
            ):
                progress(deleted)
            for chunk in _chunks(plan.entities, WRITE_CHUNK):
                db.executemany(
                    _ENTITY_UPSERT,
                    [
                        (e.id, e.kind, e.home, e.model_dump_json(exclude_defaults=True))
                        for e in chunk
                    ],
                )
                self._put_keys(chunk)
                if progress:
                    progress(len(chunk))
            for rchunk in _chunks(plan.relationships, WRITE_CHUNK):
                db.executemany(
                    _RELATIONSHIP_UPSERT,
                    [
                        (
                            r.type,
                            r.from_id,
                            r.to_id,
                            r.key,
                            r.since,
                            r.until,
                            r.model_dump_json(exclude_defaults=True, by_alias=True),
                        )
                        for r in rchunk
                    ],
                )
                if progress:
                    progress(len(rchunk))
            if plan.record is not None:
                self._keep(db, plan.record)
            return plan.summary

    def _delete(self, db: sqlite3.Connection, plan: WritePlan) -> None:
        """What the plan deletes: relationships first, then their entities."""
        db.executemany(
            "DELETE FROM relationships WHERE type = ? AND from_id = ? AND to_id = ? AND key = ?",
            [tuple(r.identity) for r in plan.deleted_relationships],
        )
        gone = [(e.id,) for e in plan.deleted_entities]
        db.executemany("DELETE FROM name_keys WHERE entity = ?", gone)
        db.executemany("DELETE FROM entities WHERE id = ?", gone)

    def _keep(self, db: sqlite3.Connection, record: ChangeRecord) -> None:
        """A change's history record, in the write's transaction, indexed by the
        entities it concerns (``history X`` reads only those)."""
        db.execute(
            "INSERT INTO changes (id, time, record) VALUES (?, ?, ?)",
            (record.id, record.time, orjson.dumps(record.to_dict()).decode()),
        )
        db.executemany(
            "INSERT OR IGNORE INTO change_entities (entity, change) VALUES (?, ?)",
            [(entity_id, record.id) for entity_id in record.entities],
        )

    def keep_history(self, records: Sequence[ChangeRecord]) -> None:
        """Add change records kept elsewhere (the history of a JSON store this
        store was converted from), in one transaction."""
        self._on_file()
        if not self._on_disk:
            return self._first_write(lambda: self.keep_history(records))
        with self._writing() as db:
            for record in records:
                self._keep(db, record)

    def history(
        self, entity_id: str | None = None, *, since: str | None = None
    ) -> list[ChangeRecord]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT record FROM changes WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL "
                "OR id IN (SELECT change FROM change_entities WHERE entity = ?2)) "
                "ORDER BY time, id",
                (since, entity_id),
            ).fetchall()
        records = (ChangeRecord.from_dict(orjson.loads(record)) for (record,) in rows)
        return select(records, entity_id, since)

    def _put_keys(self, entities: Sequence[Entity]) -> None:
        self._db.executemany("DELETE FROM name_keys WHERE entity = ?", [(e.id,) for e in entities])
        self._db.executemany(
            "INSERT OR IGNORE INTO name_keys (key, entity) VALUES (?, ?)",
            [(key, e.id) for e in entities for key in e.keys],
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO pinyin (text, key) VALUES (?, ?)",
            [(name, pinyin_key(name)) for e in entities for name in e.all_names if has_han(name)],
        )

    @staticmethod
    def _kept_pinyin(db: sqlite3.Connection, texts: Collection[str]) -> None:
        """Hand the pinyin keys the store holds for ``texts`` to :func:`keep_pinyin`."""
        wanted = [t for t in texts if has_han(t)]
        if wanted:
            rows = db.execute(f"SELECT text, key FROM pinyin WHERE text IN {_IDS}", (_ids(wanted),))
            keep_pinyin(rows)

    # -- protocol: reads ---------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        return self.get_many([entity_id]).get(entity_id)

    def get_many(self, entity_ids: Collection[str]) -> dict[str, Entity]:
        with self._reading() as db:
            return self._fetch_entities(db, entity_ids)

    def kinds(self, entity_ids: Collection[str]) -> dict[str, str]:
        with self._reading() as db:
            rows = db.execute(
                f"SELECT id, kind FROM entities WHERE id IN {_IDS}", (_ids(set(entity_ids)),)
            ).fetchall()
        return dict(rows)

    def find(self, name: str, kind: str | None = None) -> list[Entity]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT entity FROM name_keys WHERE key = ? ORDER BY entity", (name_key(name),)
            )
            found = self._fetch_entities(db, [i for (i,) in rows])
            # A resolver asks for the name's pinyin next (graph.resolve._by_key).
            self._kept_pinyin(db, [name])
        return [e for e in found.values() if kind is None or e.kind == kind]

    def holders(self, names: Collection[str]) -> dict[str, dict[str, str]]:
        keys = {name: name_key(name) for name in names}
        with self._reading() as db:
            rows = db.execute(
                "SELECT k.key, e.id, e.kind FROM name_keys AS k JOIN entities AS e "
                f"ON e.id = k.entity WHERE k.key IN {_IDS} ORDER BY k.key, e.id",
                (_ids(set(keys.values())),),
            ).fetchall()
        held: dict[str, dict[str, str]] = {}
        for key, entity_id, kind in rows:
            held.setdefault(key, {})[entity_id] = kind
        return {name: dict(held.get(key, {})) for name, key in keys.items()}

    def search_candidates(
        self, text: str, kind: str | None = None, limit: int = 50
    ) -> list[Entity]:
        with self._reading() as db:
            self._kept_pinyin(db, [text])
            wanted = name_keys([text])
            ids: set[str] = set()
            for w in wanted:
                # A key that holds the text, or that the text holds.
                rows = db.execute(
                    "SELECT entity FROM name_keys WHERE instr(key, ?1) OR instr(?1, key)", (w,)
                )
                ids.update(i for (i,) in rows)
            if len(ids) < limit:
                for key in self._fuzzy_keys(db, wanted, limit):
                    rows = db.execute("SELECT entity FROM name_keys WHERE key = ?", (key,))
                    ids.update(i for (i,) in rows)
            found = self._fetch_entities(db, sorted(ids))
            # The caller scores these by their names' pinyin (queries.search.match).
            self._kept_pinyin(db, {n for e in found.values() for n in e.all_names})
        return [e for e in found.values() if kind is None or e.kind == kind]

    @staticmethod
    def _fuzzy_keys(db: sqlite3.Connection, wanted: list[str], limit: int) -> list[str]:
        """Keys within a small edit distance of a wanted key (typos): the best
        ``limit`` by ``fuzz.ratio`` from :data:`FUZZY_CUTOFF`, among the keys whose
        length can reach it (the others cannot; they are not read)."""
        from rapidfuzz import fuzz, process

        close = []
        for w in wanted:
            shortest, longest = _fuzzy_lengths(len(w))
            keys = [
                key
                for (key,) in db.execute(
                    "SELECT DISTINCT key FROM name_keys WHERE length(key) BETWEEN ? AND ?",
                    (shortest, longest),
                )
            ]
            close += [
                key
                for key, _, _ in process.extract(
                    w, keys, scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
                )
            ]
        return close

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
        among: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]:
        with self._reading() as db:
            around = self._around
            asked = list(dict.fromkeys(entity_ids))
            present = self._fetch_entities(db, asked)
            wanted = None if among is None else set(among)
            if _whole(direction, types, among):
                # A walk's expansion: whole lists are built and kept. A filtered
                # read (``among``, a few types, one direction: a hub's posts, not
                # its 30,000 other ties) reads only what it asks for, and uses
                # a kept list when at hand.
                missing = [i for i in asked if i in present and i not in around]
                if missing:
                    with paused_gc():  # kept for the life of the graph
                        around.update(self._read_neighbors(db, missing, "both", None, None))
            else:
                unkept = [i for i in asked if i in present and i not in around]
                read = self._read_neighbors(db, unkept, direction, types, wanted)
            found = {}
            for i in asked:
                if i not in present:
                    continue
                full = around.get(i)
                found[i] = (
                    _filtered(full, direction, types, wanted) if full is not None else read[i]
                )
            return found

    def _read_neighbors(
        self,
        db: sqlite3.Connection,
        entity_ids: list[str],
        direction: Direction,
        types: Collection[str] | None,
        among: set[str] | None,
    ) -> dict[str, list[Neighbor]]:
        """The neighbours of existing entities, read from the database, sorted by
        relationship identity (outgoing first)."""
        if not entity_ids:
            return {}
        rows: list[tuple[str, bool, tuple[str, str, str, str, str]]] = []
        sides = []
        if direction in ("out", "both"):
            sides.append(("from_id", "to_id", True))
        if direction in ("in", "both"):
            sides.append(("to_id", "from_id", False))
        for here, there, outgoing in sides:
            query = f"SELECT {_RELATIONSHIP_COLUMNS} FROM relationships AS r WHERE {here} IN {_IDS}"
            params = [_ids(entity_ids)]
            if among is not None:
                # ``+`` keeps SQLite from probing the index for every pair.
                pairs = len(entity_ids) * len(among) <= PAIR_PROBES
                query += f" AND {'' if pairs else '+'}{there} IN {_IDS}"
                params.append(_ids(among))
            if types is not None:
                # ``+``: by the ends' index, not by type's (every relationship
                # of a type: 1M rows scanned for one office's posts at 1M).
                query += f" AND +type IN {_IDS}"
                params.append(_ids(types))
            for row in db.execute(query, params):
                rows.append((row[1] if outgoing else row[2], outgoing, row))
        ends = self._fetch_entities(db, {row[2] if out else row[1] for _, out, row in rows})
        found: dict[str, list[tuple[tuple[str, str, str, str], bool, Neighbor]]] = {
            i: [] for i in entity_ids
        }
        for entity_id, outgoing, row in rows:
            other = row[2] if outgoing else row[1]
            entity = ends.get(other)
            if entity is None:
                raise self._dangling(row[0], row[1], row[2], other)
            neighbor = Neighbor(self._rows_to_relationship(row), entity, outgoing)
            found[entity_id].append((row[:4], not outgoing, neighbor))
        return {
            i: [n for _, _, n in sorted(items, key=lambda item: (item[0], item[1]))]
            for i, items in found.items()
        }

    def _dangling(self, rtype: str, from_id: str, to_id: str, other: str) -> StoreError:
        return StoreError(
            f"store {self.path} holds a relationship {from_id}-[{rtype}]->{to_id} "
            f"that names {other!r}, which is no entity. " + self._way_out()
        )

    def sketch_inward(
        self, entity_ids: Collection[str], *, types: Collection[str]
    ) -> dict[str, list[Member]]:
        """See :class:`~renmai.graph.store.InwardSketches`: the identities and
        the entities' kind and home columns, and the properties of the kinds
        that date evidence; no record parsed or validated (a country's 20,000
        members as whole records were 2 s)."""
        # Tens of thousands of small objects and no cycle among them.
        with self._reading() as db, paused_gc():
            asked = _ids(entity_ids)
            present = db.execute(f"SELECT id FROM entities WHERE id IN {_IDS}", (asked,))
            found: dict[str, list[Member]] = {i: [] for (i,) in present}
            # ``+type``: found by the end asked about, never by scanning a type.
            rows = db.execute(
                "SELECT r.to_id, r.type, r.from_id, r.key, e.kind, e.home, "
                f"CASE WHEN e.kind IN {_IDS} THEN e.record ->> '$.properties' END "
                "FROM relationships AS r LEFT JOIN entities AS e ON e.id = r.from_id "
                f"WHERE r.to_id IN {_IDS} AND +r.type IN {_IDS} "
                "ORDER BY r.to_id, r.type, r.from_id, r.key",
                (_ids(DATED_KINDS), asked, _ids(types)),
            )
            # Runs once per member, 20,000 for a country.
            for to_id, rtype, from_id, key, kind, home, properties in rows:
                if kind is None:
                    raise self._dangling(rtype, from_id, to_id, from_id)
                values = ()
                if properties is not None:
                    dated = orjson.loads(properties)
                    values = tuple(dated.get(f) for f in EVIDENCE_FIELDS)
                entity = sketch_entity(from_id, kind, home, values)
                found[to_id].append(Member(RelationshipId(rtype, from_id, to_id, key), entity))
        return found

    def degrees(self, entity_ids: Collection[str]) -> dict[str, int]:
        with self._reading() as db:
            ids = _ids(entity_ids)
            found = {
                i: 0 for (i,) in db.execute(f"SELECT id FROM entities WHERE id IN {_IDS}", (ids,))
            }
            for side in ("from_id", "to_id"):
                rows = db.execute(
                    f"SELECT {side}, count(*) FROM relationships WHERE {side} IN {_IDS} "
                    f"GROUP BY {side}",
                    (ids,),
                )
                for entity_id, count in rows:
                    found[entity_id] += count
        return found

    def newest_date(self) -> str | None:
        """See :meth:`Store.newest_date`: the distinct dates, from the date indexes
        and the records of the kinds with evidence dates; kept until the graph changes."""
        with self._reading() as db:
            if self._newest is None:
                dates = {
                    d
                    for (d,) in db.execute(
                        "SELECT DISTINCT since FROM relationships WHERE since IS NOT NULL "
                        "UNION SELECT DISTINCT until FROM relationships WHERE until IS NOT NULL"
                    )
                }
                for kind in SCHEMA.entity_kinds:
                    for field in kind.evidence:
                        rows = db.execute(
                            "SELECT DISTINCT record ->> ? FROM entities WHERE kind = ?",
                            (f"$.properties.{field}", kind.name),
                        )
                        dates.update(str(d) for (d,) in rows if d)
                self._newest = (latest(dates),)
            return self._newest[0]

    def homes(self) -> list[Entity]:
        with self._reading() as db:
            if self._homes is None:
                ids = [i for (i,) in db.execute("SELECT id FROM entities WHERE home ORDER BY id")]
                self._homes = list(self._fetch_entities(db, ids).values())
            return list(self._homes)

    def get_relationships(
        self, ids: Collection[RelationshipId]
    ) -> dict[RelationshipId, Relationship]:
        if not ids:
            return {}
        found = {}
        with self._reading() as db:
            keys = orjson.dumps([list(i) for i in ids]).decode()
            rows = db.execute(
                f"SELECT {_RELATIONSHIP_COLUMNS} FROM json_each(?) AS asked "
                "JOIN relationships AS r ON r.type = asked.value ->> 0 "
                "AND r.from_id = asked.value ->> 1 AND r.to_id = asked.value ->> 2 "
                "AND r.key = asked.value ->> 3",
                (keys,),
            )
            for row in rows:
                found[RelationshipId(*row[:4])] = self._rows_to_relationship(row)
        return found

    def counts(self) -> Counts:
        with self._reading() as db:
            entities = dict(
                db.execute("SELECT kind, count(*) FROM entities GROUP BY kind ORDER BY kind")
            )
            rels = dict(
                db.execute("SELECT type, count(*) FROM relationships GROUP BY type ORDER BY type")
            )
        return Counts(entities, rels)

    def has_entities(self) -> bool:
        with self._reading() as db:
            return db.execute("SELECT 1 FROM entities LIMIT 1").fetchone() is not None

    def entities(self, kind: str | None = None) -> Iterator[Entity]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT record FROM entities WHERE ?1 IS NULL OR kind = ?1 ORDER BY id", (kind,)
            ).fetchall()
        return iter([self._entity(record) for (record,) in rows])

    def relationships(self, type: str | None = None) -> Iterator[Relationship]:
        with self._reading() as db:
            rows = db.execute(
                "SELECT record FROM relationships WHERE ?1 IS NULL OR type = ?1 "
                "ORDER BY type, from_id, to_id, key",
                (type,),
            ).fetchall()
        return iter([self._relationship(record) for (record,) in rows])

    def to_networkx(self) -> nx.MultiDiGraph:
        import networkx as nx

        graph = nx.MultiDiGraph()
        with self._reading() as db, paused_gc():
            for (record,) in db.execute("SELECT record FROM entities ORDER BY id"):
                entity = self._entity(record)
                graph.add_node(entity.id, entity=entity)
            for row in db.execute(
                f"SELECT {_RELATIONSHIP_COLUMNS} FROM relationships AS r "
                "ORDER BY type, from_id, to_id, key"
            ):
                rel = self._relationship(row[4])
                graph.add_edge(rel.from_id, rel.to_id, key=str(rel.identity), relationship=rel)
        return graph

    # -- facts about the file ----------------------------------------------------
    def note(self, name: str, value: str) -> None:
        """Record a fact about the file (not the graph) in its ``meta`` table."""
        try:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None

    def noted(self, name: str) -> str | None:
        """A fact recorded with :meth:`note`, or None."""
        with self._reading() as db:
            row = db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    # -- backups -----------------------------------------------------------------
    def backup(self, target: Path | str, *, overwrite: bool = False) -> Path:
        """Copy the store to ``target`` with SQLite's online backup, while others
        may read and write it: the copy is one committed state, a store of its
        own. It is written beside ``target`` and renamed into place, so a copy
        that fails midway leaves nothing; an existing ``target`` is replaced only
        with ``overwrite`` (else :class:`FileExistsError`)."""
        target = Path(target).expanduser()
        if target.exists() and target.resolve() == self.path.resolve():
            raise StoreError(f"backup target {target} is the store itself")
        if target.is_dir():
            raise StoreError(f"backup target {target} is a directory, not a file")
        if target.exists() and not overwrite:
            raise FileExistsError(f"backup target {target} exists")
        if not target.parent.is_dir():
            raise StoreError(f"backup directory {target.parent} does not exist")
        try:
            fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".new", dir=target.parent)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"cannot write backup {target}: {exc.strerror or exc}") from None
        try:
            copy = sqlite3.connect(tmp, isolation_level=None)
            try:
                self._db.backup(copy)
                copy.execute("PRAGMA journal_mode = WAL")
            finally:
                copy.close()
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        except OSError as exc:
            raise StoreError(f"cannot write backup {target}: {exc.strerror or exc}") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
        return target

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def _whole(direction: Direction, types: Collection[str] | None, among: object) -> bool:
    """Whether a neighbour read asks for whole neighbourhoods (no filter)."""
    return direction == "both" and types is None and among is None


def _filtered(
    neighbors: list[Neighbor],
    direction: Direction,
    types: Collection[str] | None,
    among: set[str] | None,
) -> list[Neighbor]:
    """The neighbours a filtered read returns, taken from the whole list."""
    if _whole(direction, types, among):
        return list(neighbors)
    outgoing = direction == "out"
    return [
        n
        for n in neighbors
        if (direction == "both" or n.outgoing == outgoing)
        and (types is None or n.relationship.type in types)
        and (among is None or n.entity.id in among)
    ]
