"""The embedded store: a networkx MultiDiGraph kept in one JSON file.

No server, no pickle. The file is JSON with one record per line, sorted, so
that the same graph is always the same bytes and a diff of two versions reads
well. Writes take an exclusive lock file, re-read the store if another process
changed it, and replace the file atomically (temporary file, fsync, rename):
a crash mid-write leaves the previous file intact, and two writers never lose
each other's updates.

Every read first checks the file's identity (inode, size, mtime) and re-reads
it when another process replaced it. What reads derive from the graph — the
home entities, neighbour lists, the newest date — is dropped, and the
:attr:`~EmbeddedStore.version` that lets queries keep their rankers moves on,
whenever the graph changes, here or through the file.
"""

from __future__ import annotations

import glob
import json
import os
import re
import tempfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import networkx as nx
import orjson
from filelock import FileLock, Timeout
from pydantic import ValidationError
from rapidfuzz import fuzz, process

from renmai.graph.bulk import paused_gc
from renmai.graph.dates import latest
from renmai.graph.history import Change, ChangeRecord, Deletions, select
from renmai.graph.model import Entity, Relationship, RelationshipId, problems_of
from renmai.graph.names import name_key, name_keys
from renmai.graph.plan import plan_for
from renmai.graph.schema import SCHEMA
from renmai.graph.store import (
    Counts,
    Direction,
    Neighbor,
    Progress,
    StoreError,
    WriteSummary,
)

FORMAT = "renmai-graph"
VERSION = 1
#: Version of the name-key folding (renmai.graph.names) whose keys the file
#: caches; a file written with other keys has them computed again on open.
NAMES_VERSION = 1
#: How long a writer waits for another one to finish, in seconds.
LOCK_TIMEOUT = 60.0
#: One encoder for every record line (``json.dumps`` with options builds a new
#: one per call, a third of the cost of a small record).
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def default_store_path() -> Path:
    """``$RENMAI_STORE``, else ``renmai/graph.json`` under the user's data directory."""
    if env := os.environ.get("RENMAI_STORE"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "renmai" / "graph.json"


def _entity_record(entity: Entity) -> dict[str, Any]:
    return entity.model_dump(mode="json", exclude_defaults=True)


def _relationship_record(rel: Relationship) -> dict[str, Any]:
    return rel.model_dump(mode="json", exclude_defaults=True, by_alias=True)


def _edge_key(rel_id: RelationshipId) -> str:
    return str(rel_id)


def _record_identity(record: dict[str, Any]) -> RelationshipId:
    return RelationshipId(record["type"], record["from"], record["to"], record.get("key", ""))


def _joined(lines: Iterable[str], size: int = 2000) -> Iterator[str]:
    """``",\\n".join(lines)``, in pieces of ``size`` lines."""
    it = iter(lines)
    separator = ""
    while chunk := list(islice(it, size)):
        yield separator + ",\n".join(chunk)
        separator = ",\n"


def _record_order(record: dict[str, Any]) -> tuple[str, str, str, str]:
    """The order of :func:`_record_identity`, as a plain tuple (cheaper to sort by)."""
    return (record["type"], record["from"], record["to"], record.get("key", ""))


def _record_edge_key(record: dict[str, Any]) -> str:
    """``str(_record_identity(record))``, without building the tuple (once per edge on open)."""
    key = record.get("key", "")
    suffix = f"#{key}" if key else ""
    return f"{record['from']}-[{record['type']}{suffix}]->{record['to']}"


def _record_keys(record: dict[str, Any]) -> list[str]:
    return name_keys([record["name"], record.get("name_en") or "", *record.get("aliases", [])])


def _filtered(
    neighbors: list[Neighbor],
    direction: Direction,
    types: Collection[str] | None,
    among: set[str] | None,
) -> list[Neighbor]:
    """The neighbours a filtered read returns, taken from the whole list."""
    if direction == "both" and types is None and among is None:
        return list(neighbors)
    outgoing = direction == "out"
    return [
        n
        for n in neighbors
        if (direction == "both" or n.outgoing == outgoing)
        and (types is None or n.relationship.type in types)
        and (among is None or n.entity.id in among)
    ]


class EmbeddedStore:
    """A store in one local file. See the module docstring for its guarantees."""

    def __init__(self, path: Path | str, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=lock_timeout)
        self._stamp: tuple[int, int, int] | None = None
        self._graph = nx.MultiDiGraph()
        self._keys: dict[str, set[str]] = {}
        #: Ids of the home entities, sorted; None until asked for after a change.
        self._homes: list[str] | None = None
        #: All the neighbours of an entity, as :meth:`neighbors` returns them,
        #: kept until the graph changes: walks ask for the same hubs every query.
        self._around: dict[str, list[Neighbor]] = {}
        #: (:meth:`newest_date`,) once asked for after a change, else None.
        self._newest: tuple[str | None] | None = None
        #: The history (:mod:`renmai.graph.history`), as the file's plain records.
        self._changes: list[dict[str, Any]] = []
        self._version = 0
        if self.path.is_dir():
            raise StoreError(f"store path {self.path} is a directory, not a file")
        if not self.path.parent.is_dir():
            raise StoreError(f"store directory {self.path.parent} does not exist")
        self._refresh()

    # -- file ------------------------------------------------------------------
    def _file_stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _refresh(self) -> None:
        """Re-read the file if it is not the version this process holds.

        Records stay plain dicts until asked for: opening a large store costs
        the JSON parse and the graph, not a validated object per record.
        """
        stamp = self._file_stamp()
        if stamp == self._stamp and (stamp is not None or not self._graph):
            return
        graph = nx.MultiDiGraph()
        keys: dict[str, set[str]] = {}
        changes: list[dict[str, Any]] = []
        if stamp is not None:
            try:
                with paused_gc():
                    doc = self._read()
                    self._build(graph, keys, doc)
                    changes = list(doc.get("changes", []))
            except (KeyError, TypeError, AttributeError) as exc:
                raise StoreError(
                    f"store {self.path} holds a malformed record ({exc}); nothing was changed. "
                    + self._way_out()
                ) from None
        self._graph = graph
        self._keys = keys
        self._changes = changes
        self._changed()
        self._stamp = stamp

    def _read(self) -> dict[str, Any]:
        try:
            data = self.path.read_bytes()
            try:
                doc = orjson.loads(data)
            except orjson.JSONDecodeError:
                # Whatever orjson refuses, json decides: it reads what it
                # wrote, and its message locates the damage by line.
                doc = json.loads(data.decode("utf-8"))
        except PermissionError:
            raise StoreError(f"cannot read store {self.path}: permission denied") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(
                f"store {self.path} is corrupt or truncated ({exc}); nothing was changed. "
                + self._way_out()
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise StoreError(f"{self.path} is not a renmai store file")
        if doc.get("version") != VERSION:
            raise StoreError(
                f"store {self.path} has version {doc.get('version')}, expected {VERSION}"
            )
        return doc

    def _invalid(self, record: str, error: ValidationError) -> StoreError:
        """One line for a record of the file that the schema refuses."""
        problems = "; ".join(f"{p.field}: {p.message}" for p in problems_of(error))
        return StoreError(
            f"store {self.path} holds an invalid record {record} ({problems}). " + self._way_out()
        )

    def _way_out(self) -> str:
        """What to do about a store file that cannot be read."""
        backup = Path(str(self.path) + ".bak")
        if backup.is_file():
            return (
                f"The version before the last write is {backup}: copy it over the broken "
                f"file to go back to it (cp '{backup}' '{self.path}'), or move the broken "
                "file away to start with an empty store"
            )
        return "There is no earlier version (.bak); move the broken file away to start again"

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files of writers that died mid-write (SIGKILL, power
        loss). Called with the lock held: no live writer has one open then."""
        stale = re.compile(re.escape(self.path.name) + r"\.[A-Za-z0-9_]{8}\.tmp")
        for candidate in self.path.parent.glob(glob.escape(self.path.name) + ".*.tmp"):
            if stale.fullmatch(candidate.name):
                candidate.unlink(missing_ok=True)

    @staticmethod
    def _build(graph: nx.MultiDiGraph, keys: dict[str, set[str]], doc: dict[str, Any]) -> None:
        """Fill an empty graph and the name-key index from a file's records.

        The adjacency is filled directly, as ``MultiDiGraph.add_edge`` would
        fill it (one shared key dict per node pair in ``_succ`` and ``_pred``):
        at 500k relationships add_edge's per-call checks were half the open time.
        """
        fresh_keys = doc.get("names") == NAMES_VERSION
        nodes, succ, pred = graph._node, graph._succ, graph._pred
        for record in doc.get("entities", []):
            entity_id, _, _ = record["id"], record["name"], record["kind"]
            node_keys = record.pop("_keys", None) if fresh_keys else None
            if node_keys is None:
                record.pop("_keys", None)
                node_keys = _record_keys(record)
            if entity_id not in nodes:
                succ[entity_id], pred[entity_id] = {}, {}
            nodes[entity_id] = {"record": record, "keys": node_keys}
            for key in node_keys:
                keys.setdefault(key, set()).add(entity_id)
        for record in doc.get("relationships", []):
            u, v = record["from"], record["to"]
            # _record_edge_key, inline: this loop runs once per relationship.
            key = record.get("key")
            edge_key = (
                f"{u}-[{record['type']}#{key}]->{v}" if key else f"{u}-[{record['type']}]->{v}"
            )
            if u not in nodes or v not in nodes:
                # renmai never writes one: the file was edited or damaged.
                missing = u if u not in nodes else v
                raise KeyError(f"relationship {edge_key} names {missing!r}, which is no entity")
            adjacent = succ[u]
            keydict = adjacent.get(v)
            if keydict is None:
                keydict = adjacent[v] = pred[v][u] = {}
            keydict[edge_key] = {"record": record}

    def _entity(self, entity_id: str) -> Entity:
        """The entity of a node, validated from its record on first use."""
        data = self._graph._node[entity_id]
        entity: Entity | None = data.get("entity")
        if entity is None:
            try:
                entity = Entity.model_validate(data["record"])
            except ValidationError as exc:
                raise self._invalid(entity_id, exc) from None
            data["entity"] = entity
        return entity

    def _relationship(self, data: dict[str, Any]) -> Relationship:
        """The relationship of an edge, validated from its record on first use."""
        rel: Relationship | None = data.get("relationship")
        if rel is None:
            try:
                rel = Relationship.model_validate(data["record"])
            except ValidationError as exc:
                raise self._invalid(_record_edge_key(data["record"]), exc) from None
            data["relationship"] = rel
        return rel

    def _changed(self) -> None:
        """Forget what was derived from the graph (after any change to it)."""
        self._homes = None
        self._around = {}
        self._newest = None
        self._version += 1

    @property
    def version(self) -> int:
        """Changes whenever the graph does, here or in the file (:class:`Versioned`)."""
        self._refresh()
        return self._version

    def _put_entity(self, entity: Entity) -> None:
        self._changed()
        if entity.id in self._graph:
            self._unindex(entity.id)
        keys = entity.keys
        self._graph.add_node(entity.id, record=_entity_record(entity), keys=keys, entity=entity)
        for key in keys:
            self._keys.setdefault(key, set()).add(entity.id)

    def _put_relationship(self, rel: Relationship) -> None:
        self._changed()
        self._graph.add_edge(
            rel.from_id,
            rel.to_id,
            key=_edge_key(rel.identity),
            record=_relationship_record(rel),
            relationship=rel,
        )

    def _serialize(self) -> Iterator[str]:
        """The file's text, in pieces of a few thousand records: a large store is
        never held whole in memory as one string (and again as bytes)."""
        nodes = self._graph.nodes
        encode = _ENCODER.encode
        yield f'{{"format": "{FORMAT}", "version": {VERSION}, "names": {NAMES_VERSION},\n'
        yield '"entities": [\n'
        yield from _joined(
            encode({**nodes[i]["record"], "_keys": nodes[i]["keys"]}) for i in sorted(nodes)
        )
        yield '\n],\n"relationships": [\n'
        edge_records = sorted(
            (d["record"] for _, _, d in self._graph.edges(data=True)), key=_record_order
        )
        yield from _joined(encode(r) for r in edge_records)
        yield '\n],\n"changes": [\n'
        yield from _joined(encode(c) for c in self._changes)
        yield "\n]}\n"

    def _save(self) -> None:
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                try:
                    for piece in self._serialize():
                        fh.write(piece.encode("utf-8"))
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
                fh.flush()
                os.fsync(fh.fileno())
            if self.path.exists():
                backup = Path(str(self.path) + ".bak")
                backup.unlink(missing_ok=True)
                # A hard link keeps the previous version at no copying cost.
                os.link(self.path, backup)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise StoreError(f"cannot write store {self.path}: {exc.strerror or exc}") from None
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._stamp = self._file_stamp()

    def _transaction(self) -> _Transaction:
        return _Transaction(self)

    # -- indexes ---------------------------------------------------------------
    def _unindex(self, entity_id: str) -> None:
        for key in self._graph.nodes[entity_id]["keys"]:
            ids = self._keys.get(key)
            if ids:
                ids.discard(entity_id)

    def _iter_entities(self, kind: str | None = None) -> Iterator[Entity]:
        nodes = self._graph.nodes
        for node_id in sorted(nodes):
            if kind is None or nodes[node_id]["record"]["kind"] == kind:
                yield self._entity(node_id)

    def _iter_relationships(self, rtype: str | None = None) -> Iterator[Relationship]:
        edges = [
            d for _, _, d in self._graph.edges(data=True) if rtype in (None, d["record"]["type"])
        ]
        rels = [self._relationship(d) for d in edges]
        yield from sorted(rels, key=lambda r: r.identity)

    # -- protocol --------------------------------------------------------------
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
        with self._transaction(), paused_gc():
            plan = plan_for(
                self, entities, relationships, replace=replace, deletions=deletions, change=change
            )
            if not plan.summary.changed:
                return plan.summary
            for entity in plan.entities:
                self._put_entity(entity)
            for rel in plan.relationships:
                self._put_relationship(rel)
            for rel in plan.deleted_relationships:
                self._graph.remove_edge(rel.from_id, rel.to_id, key=_edge_key(rel.identity))
            for gone in plan.deleted_entities:
                self._unindex(gone.id)
                self._graph.remove_node(gone.id)
            if plan.deleted_relationships or plan.deleted_entities:
                self._changed()
            if plan.record is not None:
                self._changes.append(plan.record.to_dict())
            self._save()
            if progress:
                progress(plan.size)
            return plan.summary

    def history(
        self, entity_id: str | None = None, *, since: str | None = None
    ) -> list[ChangeRecord]:
        self._refresh()
        return select(map(ChangeRecord.from_dict, self._changes), entity_id, since)

    def get(self, entity_id: str) -> Entity | None:
        self._refresh()
        return self._entity(entity_id) if entity_id in self._graph else None

    def get_many(self, entity_ids: Collection[str]) -> dict[str, Entity]:
        self._refresh()
        nodes = self._graph.nodes
        return {i: self._entity(i) for i in entity_ids if i in nodes}

    def find(self, name: str, kind: str | None = None) -> list[Entity]:
        self._refresh()
        ids = sorted(self._keys.get(name_key(name), ()))
        found = [self._entity(i) for i in ids]
        return [e for e in found if kind is None or e.kind == kind]

    def neighbors(
        self,
        entity_id: str,
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> list[Neighbor]:
        self._refresh()
        return self._neighbors(entity_id, direction, types)

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
        among: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]:
        self._refresh()
        nodes, around = self._graph._node, self._around
        wanted = None if among is None else set(among)
        if wanted is None:
            # With ``among`` only a few of a hub's relationships are read: the
            # whole list is not built for that, only used when at hand.
            self._keep_neighbors([i for i in entity_ids if i not in around and i in nodes])
        found = {}
        for i in entity_ids:
            full = around.get(i)
            if full is not None:
                found[i] = _filtered(full, direction, types, wanted)
            elif i in nodes:
                found[i] = self._neighbors(i, direction, types, wanted)
        return found

    def _keep_neighbors(self, entity_ids: list[str]) -> None:
        """Build and keep the neighbour lists of entities (see ``_around``)."""
        if not entity_ids:
            return
        # Kept for the life of the graph: out of the cyclic collector's way
        # (its full passes over them were a tenth of a query's time).
        with paused_gc():
            for i in entity_ids:
                self._around[i] = self._neighbors(i, "both", None)

    def degrees(self, entity_ids: Collection[str]) -> dict[str, int]:
        self._refresh()
        graph = self._graph
        return {
            i: sum(map(len, graph._succ[i].values())) + sum(map(len, graph._pred[i].values()))
            for i in entity_ids
            if i in graph._node
        }

    def newest_date(self) -> str | None:
        """See :meth:`Store.newest_date`: kept until the graph changes."""
        self._refresh()
        if self._newest is None:
            self._newest = (self._scan_dates(),)
        return self._newest[0]

    def _scan_dates(self) -> str | None:
        """The newest evidence date, from the raw records (validating every
        relationship first took 15 s at 500k)."""
        dates: set[str] = set()
        for data in self._graph._node.values():
            record = data["record"]
            kind = record.get("kind")
            if not SCHEMA.has_entity_kind(kind):
                continue
            fields = SCHEMA.entity_kind(kind).evidence
            if fields:
                props = record.get("properties") or {}
                dates.update(str(props[f]) for f in fields if props.get(f))
        for _, _, data in self._graph.edges(data=True):
            record = data["record"]
            dates.update(str(record[f]) for f in ("since", "until") if record.get(f))
        return latest(dates)

    def homes(self) -> list[Entity]:
        self._refresh()
        if self._homes is None:
            # Every connect starts here: a scan of 100k records took 100 ms.
            nodes = self._graph._node
            self._homes = sorted(i for i, data in nodes.items() if data["record"].get("home"))
        return [self._entity(i) for i in self._homes]

    def search_candidates(
        self, text: str, kind: str | None = None, limit: int = 50
    ) -> list[Entity]:
        self._refresh()
        wanted = name_keys([text])
        ids: set[str] = set()
        for key, key_ids in self._keys.items():
            if any(w in key or key in w for w in wanted):
                ids |= key_ids
        if len(ids) < limit:
            ids |= {i for key, key_ids in self._fuzzy_keys(wanted, limit) for i in key_ids}
        found = [self._entity(i) for i in sorted(ids)]
        return [e for e in found if kind is None or e.kind == kind]

    def _fuzzy_keys(self, wanted: list[str], limit: int) -> list[tuple[str, set[str]]]:
        """Keys within a small edit distance of a wanted key (typos)."""
        close = []
        for w in wanted:
            for key, _, _ in process.extract(
                w, list(self._keys), scorer=fuzz.ratio, limit=limit, score_cutoff=70
            ):
                close.append((key, self._keys[key]))
        return close

    def _neighbors(
        self,
        entity_id: str,
        direction: Direction,
        types: Collection[str] | None,
        among: Collection[str] | None = None,
    ) -> list[Neighbor]:
        graph = self._graph
        if entity_id not in graph._node:
            return []
        # Straight from the adjacency dicts, sorted by the records' identity:
        # graph walks call this for tens of thousands of relationships a query.
        found: list[tuple[tuple[str, str, str, str], bool, Neighbor]] = []
        sides = []
        if direction in ("out", "both"):
            sides.append((graph._succ[entity_id], True))
        if direction in ("in", "both"):
            sides.append((graph._pred[entity_id], False))
        for adjacent, outgoing in sides:
            for other, keydict in adjacent.items():
                if among is not None and other not in among:
                    continue
                for data in keydict.values():
                    record = data["record"]
                    if types is not None and record["type"] not in types:
                        continue
                    neighbor = Neighbor(self._relationship(data), self._entity(other), outgoing)
                    found.append((_record_order(record), not outgoing, neighbor))
        found.sort(key=lambda item: (item[0], item[1]))
        return [item[2] for item in found]

    def get_relationships(
        self, ids: Collection[RelationshipId]
    ) -> dict[RelationshipId, Relationship]:
        self._refresh()
        found = {}
        for rel_id in ids:
            data = self._graph.get_edge_data(rel_id.from_id, rel_id.to_id, key=_edge_key(rel_id))
            if data:
                found[rel_id] = self._relationship(data)
        return found

    def counts(self) -> Counts:
        self._refresh()
        entities: dict[str, int] = {}
        for _, data in self._graph.nodes(data=True):
            kind = data["record"]["kind"]
            entities[kind] = entities.get(kind, 0) + 1
        rels: dict[str, int] = {}
        for _, _, data in self._graph.edges(data=True):
            rtype = data["record"]["type"]
            rels[rtype] = rels.get(rtype, 0) + 1
        return Counts(dict(sorted(entities.items())), dict(sorted(rels.items())))

    def entities(self, kind: str | None = None) -> Iterator[Entity]:
        self._refresh()
        return iter(list(self._iter_entities(kind)))

    def relationships(self, type: str | None = None) -> Iterator[Relationship]:
        self._refresh()
        return iter(list(self._iter_relationships(type)))

    def to_networkx(self) -> nx.MultiDiGraph:
        self._refresh()
        graph = nx.MultiDiGraph()
        for node_id in self._graph.nodes:
            graph.add_node(node_id, entity=self._entity(node_id))
        for a, b, key, data in self._graph.edges(keys=True, data=True):
            graph.add_edge(a, b, key=key, relationship=self._relationship(data))
        return graph

    def close(self) -> None:
        """Nothing to release: the lock is held only during a write."""


class _Transaction:
    """Exclusive lock for a read-modify-write; a failed write re-reads the file."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store

    def __enter__(self) -> None:
        try:
            self.store._lock.acquire()
        except Timeout:
            raise StoreError(
                f"store {self.store.path} is being written by another process; "
                f"gave up after {self.store._lock.timeout:.0f} s"
            ) from None
        except OSError as exc:
            raise StoreError(
                f"cannot lock store {self.store.path}: {exc.strerror or exc}"
            ) from None
        try:
            self.store._refresh()
            self.store._remove_stale_temporaries()
        except BaseException:
            self.store._lock.release()
            raise

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is not None:
                # Drop in-memory changes that did not reach the file.
                self.store._stamp = None
                self.store._graph = nx.MultiDiGraph()
                self.store._changes = []
                self.store._changed()
        finally:
            self.store._lock.release()
