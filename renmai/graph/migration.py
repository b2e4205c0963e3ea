"""Opening the embedded store's file, and moving a JSON store of earlier versions into it.

Up to version 0.1 the embedded store was one JSON file (``graph.json``).
Since then it is an SQLite database (:mod:`renmai.graph.sqlite_store`),
``graph.db``. A JSON store is converted the first time it is opened: its
records are read with the old format's rules, written into a new database in
one write (the same checks as a load: nothing is converted unless all of it
is) after the history the file kept, and recorded in that history as the
change ``convert``; the JSON file is kept beside as ``graph.json.bak`` —
never lost, never silently ignored.

Which JSON file is converted (:func:`store_file`):

- a store path ending in ``.json`` names a store of the old kind: the
  database is the same path ending in ``.db``, and the JSON file is converted
  into it if that database does not exist yet (a ``RENMAI_STORE`` or
  ``--store`` set for an earlier version keeps working, and keeps naming the
  same graph);
- the default store ``graph.db`` converts the old default ``graph.json`` beside it.

A path ending otherwise names the database itself; a JSON file there is
refused with a message saying to give its name ending in ``.json``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TypeVar

import orjson
from filelock import FileLock, Timeout
from pydantic import ValidationError

from renmai.graph.history import Change, ChangeRecord
from renmai.graph.model import Entity, Relationship, problems_of
from renmai.graph.sqlite_store import LOCK_TIMEOUT, SqliteStore
from renmai.graph.store import IntegrityError, StoreError

#: The old JSON store's format name and version.
JSON_FORMAT = "renmai-graph"
JSON_VERSION = 1
BACKUP_SUFFIX = ".bak"
M = TypeVar("M", Entity, Relationship)
#: The ``meta`` row recording which JSON file (by SHA-256) a database came from.
MIGRATED_FROM = "migrated_from_sha256"


def store_file(path: Path, *, default: bool = False) -> tuple[Path, Path | None]:
    """The database a store path names, and the JSON store to convert into it
    (when it does not exist yet), if any; ``default`` for the default path."""
    if path.suffix == ".json":
        return path.with_suffix(".db"), path
    if default:
        return path, path.with_suffix(".json")
    return path, None


def open_file_store(
    path: Path | str, *, default: bool = False, lock_timeout: float = LOCK_TIMEOUT
) -> SqliteStore:
    """The embedded store at ``path`` (see :func:`store_file`), converting a JSON
    store of an earlier version first; :attr:`SqliteStore.migrated_from` says
    whether it did."""
    database, legacy = store_file(Path(path).expanduser(), default=default)
    migrated = None
    if legacy is not None and legacy.is_file():
        migrated = _migrate_once(legacy, database, lock_timeout)
    store = SqliteStore(database, lock_timeout=lock_timeout)
    store.migrated_from = migrated
    return store


def backup_path(legacy: Path) -> Path:
    """Where a converted JSON store is kept: ``graph.json.bak``."""
    return Path(str(legacy) + BACKUP_SUFFIX)


def _migrate_once(legacy: Path, database: Path, lock_timeout: float) -> Path | None:
    """Convert ``legacy`` into ``database`` unless that exists; the JSON file's
    path if it was converted now. The old store's lock file is held meanwhile,
    so neither a second renmai nor an earlier version's writer runs into it."""
    lock = FileLock(str(legacy) + ".lock", timeout=lock_timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"store {legacy} is being written by another process; "
            f"gave up after {lock_timeout:.0f} s"
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot lock store {legacy}: {exc.strerror or exc}") from None
    try:
        if not legacy.is_file():
            return None  # converted by another process meanwhile
        data = _read_bytes(legacy)
        digest = hashlib.sha256(data).hexdigest()
        if database.exists():
            # A conversion that stopped after the database was in place and
            # before the JSON file was renamed: finish it. Any other JSON file
            # beside an existing database is not the store's business.
            if _converted_from(database) == digest:
                os.replace(legacy, backup_path(legacy))
            return None
        _convert(legacy, data, digest, database)
        # The database is complete and in place before the JSON file is renamed:
        # a crash in between leaves both, which the branch above finishes.
        os.replace(legacy, backup_path(legacy))
        return legacy
    finally:
        lock.release()


def _read_bytes(legacy: Path) -> bytes:
    try:
        return legacy.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read store {legacy}: {exc.strerror or exc}") from None


def _converted_from(database: Path) -> str | None:
    store = SqliteStore(database)
    try:
        return store.noted(MIGRATED_FROM)
    finally:
        store.close()


def _convert(legacy: Path, data: bytes, digest: str, database: Path) -> None:
    """Write the JSON store's graph into a new database, renamed into place when whole."""
    entities, relationships, changes = read_json_store(legacy, data)
    building = database.with_name(database.name + ".migrating")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    store = SqliteStore(building)
    try:
        try:
            # Its own history first, then the conversion (recorded, as every write is).
            store.keep_history(changes)
            store.write(entities, relationships, change=Change("convert", str(legacy)))
        except IntegrityError as exc:
            raise StoreError(
                f"cannot convert store {legacy}: {exc}\nThe JSON file is unchanged."
            ) from None
        store.note(MIGRATED_FROM, digest)
    except BaseException:
        store.close()
        building.unlink(missing_ok=True)
        raise
    store.close()  # the last connection: the log is written into the file and removed
    with building.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(building, database)


def read_json_store(
    path: Path, data: bytes
) -> tuple[list[Entity], list[Relationship], list[ChangeRecord]]:
    """The entities, relationships and history of a JSON store file (the old
    format), checked against the schema; a :class:`StoreError` naming the
    first bad record."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise StoreError(
            f"cannot convert store {path}: it is corrupt or truncated ({exc}); "
            "the JSON file is unchanged"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT:
        raise StoreError(f"{path} is not a renmai store file")
    if doc.get("version") != JSON_VERSION:
        raise StoreError(f"store {path} has version {doc.get('version')}, expected {JSON_VERSION}")
    entities = [
        _record(path, Entity, {k: v for k, v in r.items() if k != "_keys"}, "id")
        for r in doc.get("entities", [])
    ]
    relationships = [_record(path, Relationship, r, "from") for r in doc.get("relationships", [])]
    try:
        changes = [ChangeRecord.from_dict(c) for c in doc.get("changes", [])]
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise StoreError(
            f"cannot convert store {path}: a malformed change record ({exc}); "
            "the JSON file is unchanged"
        ) from None
    return entities, relationships, changes


def _record(path: Path, model: type[M], record: object, name_field: str) -> M:
    try:
        return model.model_validate(record)
    except ValidationError as exc:
        problems = "; ".join(f"{p.field}: {p.message}" for p in problems_of(exc))
        name = record.get(name_field) if isinstance(record, dict) else record
        raise StoreError(
            f"cannot convert store {path}: invalid record {name} ({problems}); "
            "the JSON file is unchanged"
        ) from None
