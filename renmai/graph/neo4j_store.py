"""The Neo4j store: the same protocol on a Neo4j 5 server, through the official driver.

Every node carries the label ``Entity`` and the label of its kind; every
relationship the type of its kind. Labels and types are taken from the schema
and checked to be plain identifiers before they are put into Cypher text;
every value goes in as a parameter. Writes are batched (``UNWIND`` + ``MERGE``,
thousands of rows per managed write transaction); reads run in read
transactions, so a ``neo4j://`` routing URI to a cluster or Aura works
unchanged. The driver's managed transactions retry transient errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any, TypeVar

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node

from renmai.graph.model import Entity, Relationship, RelationshipId, Source
from renmai.graph.names import name_key, name_keys
from renmai.graph.plan import plan_write
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Counts, Direction, Neighbor, Progress, StoreError, WriteSummary

T = TypeVar("T")

#: Rows per write transaction: large enough to amortise the round trip, small
#: enough to keep the server's transaction state modest.
BATCH_SIZE = 2000
FULLTEXT_INDEX = "renmai_names"
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Properties of a node that are renmai's own bookkeeping, not entity fields.
_KEYS = "_keys"
_SEARCH = "_search"
_CORE_SCALARS = ("id", "kind", "name", "name_en", "description", "home")
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')


def label(kind: str) -> str:
    """The Neo4j label of an entity kind, backtick-quoted; only schema kinds pass."""
    if not SCHEMA.has_entity_kind(kind) or not _IDENTIFIER.match(kind):
        raise ValueError(f"not a schema entity kind: {kind!r}")
    return f"`{kind}`"


def rel_type(name: str) -> str:
    """The Neo4j type of a relationship kind, backtick-quoted; only schema kinds pass."""
    if not SCHEMA.has_relationship_kind(name) or not _IDENTIFIER.match(name):
        raise ValueError(f"not a schema relationship kind: {name!r}")
    return f"`{name}`"


def _chunks(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def node_properties(entity: Entity) -> dict[str, Any]:
    """The properties of an entity's node, as stored."""
    props: dict[str, Any] = {
        "id": entity.id,
        "kind": entity.kind,
        "name": entity.name,
        "aliases": entity.aliases,
        "tags": entity.tags,
        "home": entity.home,
        "sources": _dump_sources(entity.sources),
        _KEYS: entity.keys,
        # One text for the fulltext index: every name and its pinyin.
        _SEARCH: "\n".join([*entity.all_names, *entity.keys]),
        **entity.properties,
    }
    if entity.name_en:
        props["name_en"] = entity.name_en
    if entity.description:
        props["description"] = entity.description
    return props


def _dump_sources(sources: Sequence[Source]) -> str:
    return json.dumps([s.model_dump(exclude_none=True) for s in sources], ensure_ascii=False)


def _load_sources(raw: Any) -> list[Source]:
    return [Source.model_validate(s) for s in json.loads(raw)] if raw else []


def entity_from_node(props: dict[str, Any]) -> Entity:
    """Rebuild an entity from its node's properties."""
    props = dict(props)
    props.pop(_KEYS, None)
    props.pop(_SEARCH, None)
    core = {k: props.pop(k) for k in _CORE_SCALARS if k in props}
    return Entity(
        **core,
        aliases=list(props.pop("aliases", [])),
        tags=list(props.pop("tags", [])),
        sources=_load_sources(props.pop("sources", None)),
        properties=props,
    )


def relationship_properties(rel: Relationship) -> dict[str, Any]:
    props: dict[str, Any] = {
        "key": rel.key,
        "sources": _dump_sources(rel.sources),
        **rel.properties,
    }
    if rel.since:
        props["since"] = rel.since
    if rel.until:
        props["until"] = rel.until
    return props


def relationship_from_row(
    rtype: str, from_id: str, to_id: str, props: dict[str, Any]
) -> Relationship:
    props = dict(props)
    return Relationship(
        type=rtype,
        from_id=from_id,
        to_id=to_id,
        key=props.pop("key", ""),
        since=props.pop("since", None),
        until=props.pop("until", None),
        sources=_load_sources(props.pop("sources", None)),
        properties=props,
    )


def _lucene_query(text: str) -> str:
    """A fulltext query for ``text``: every term, Latin terms also fuzzily."""
    terms = [t for t in _LUCENE_SPECIAL.sub(" ", text).split() if t]
    parts = []
    for term in terms:
        parts.append(term)
        if term.isascii() and len(term) > 3:
            parts.append(f"{term}~1")
    return " OR ".join(parts)


class Neo4jStore:
    """The store protocol on a Neo4j server. See the module docstring."""

    def __init__(
        self,
        uri: str,
        *,
        username: str = "neo4j",
        password: str = "",
        database: str | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.uri = uri
        self.location = uri
        self.database = database
        self.batch_size = batch_size
        try:
            self._driver: Driver = GraphDatabase.driver(uri, auth=(username, password))
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"not a usable Neo4j URI {uri!r}: {exc}") from None
        try:
            self._call(self._driver.verify_connectivity)
            self.ensure_schema()
        except StoreError:
            self._driver.close()
            raise

    # -- plumbing --------------------------------------------------------------
    def _call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a driver call, turning driver failures into one-line StoreErrors.

        Messages never include credentials: only the URI and the server's words.
        """
        try:
            return func(*args, **kwargs)
        except neo4j_errors.AuthError:
            raise StoreError(
                f"Neo4j at {self.uri} refused the credentials "
                "(check NEO4J_USERNAME and NEO4J_PASSWORD)"
            ) from None
        except neo4j_errors.ServiceUnavailable as exc:
            raise StoreError(f"cannot reach Neo4j at {self.uri}: {exc}") from None
        except neo4j_errors.SessionExpired as exc:
            raise StoreError(f"lost the connection to Neo4j at {self.uri}: {exc}") from None
        except neo4j_errors.Neo4jError as exc:
            raise StoreError(f"Neo4j at {self.uri}: {exc.code}: {exc.message}") from None
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error for {self.uri}: {exc}") from None

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        def run() -> T:
            with self._driver.session(database=self.database) as session:
                return session.execute_read(work)

        return self._call(run)

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        def run() -> T:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work)

        return self._call(run)

    def _read_rows(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(cypher, params)]

        return self._read(work)

    def _write_rows(self, cypher: str, rows: Sequence[dict[str, Any]]) -> None:
        def work(tx: ManagedTransaction) -> None:
            tx.run(cypher, {"rows": list(rows)}).consume()

        self._write(work)

    def ensure_schema(self) -> None:
        """Uniqueness of ids per kind label and on ``Entity``, and the fulltext index."""
        statements = [
            "CREATE CONSTRAINT renmai_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE"
        ]
        for kind in SCHEMA.entity_kind_names:
            statements.append(
                f"CREATE CONSTRAINT renmai_{kind.lower()}_id IF NOT EXISTS "
                f"FOR (n:{label(kind)}) REQUIRE n.id IS UNIQUE"
            )
        labels = "|".join(label(k) for k in SCHEMA.entity_kind_names)
        statements.append(
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
            f"ON EACH [n.name, n.name_en, n.{_SEARCH}] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
        )
        for statement in statements:
            # Schema commands cannot share a transaction with each other.
            self._call(self._driver.execute_query, statement, database_=self.database)
        self._call(self._driver.execute_query, "CALL db.awaitIndexes(300)", database_=self.database)

    # -- protocol: writes ------------------------------------------------------
    def write(
        self,
        entities: Sequence[Entity],
        relationships: Sequence[Relationship],
        *,
        progress: Progress | None = None,
    ) -> WriteSummary:
        plan = plan_write(entities, relationships, self.get_many, self.get_relationships)
        by_kind = sorted(plan.entities, key=lambda e: e.kind)
        for kind, group in groupby(by_kind, key=lambda e: e.kind):
            rows = [{"id": e.id, "props": node_properties(e)} for e in group]
            query = (
                "UNWIND $rows AS row MERGE (n:Entity {id: row.id}) "
                f"SET n = row.props, n:{label(kind)}"
            )
            for chunk in _chunks(rows, self.batch_size):
                self._write_rows(query, chunk)
                if progress:
                    progress(len(chunk))
        by_type = sorted(plan.relationships, key=lambda r: r.type)
        for rtype, rgroup in groupby(by_type, key=lambda r: r.type):
            rel_rows = [
                {
                    "from": r.from_id,
                    "to": r.to_id,
                    "key": r.key,
                    "props": relationship_properties(r),
                }
                for r in rgroup
            ]
            query = (
                "UNWIND $rows AS row "
                "MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) "
                f"MERGE (a)-[r:{rel_type(rtype)} {{key: row.key}}]->(b) SET r = row.props"
            )
            for chunk in _chunks(rel_rows, self.batch_size):
                self._write_rows(query, chunk)
                if progress:
                    progress(len(chunk))
        return plan.summary

    def delete_entity(self, entity_id: str) -> bool:
        def work(tx: ManagedTransaction) -> int:
            result = tx.run("MATCH (n:Entity {id: $id}) DETACH DELETE n", id=entity_id)
            return result.consume().counters.nodes_deleted

        return self._write(work) > 0

    def delete_relationship(self, rel_id: RelationshipId) -> bool:
        query = (
            f"MATCH (:Entity {{id: $from}})-[r:{rel_type(rel_id.type)} {{key: $key}}]->"
            "(:Entity {id: $to}) DELETE r"
        )

        def work(tx: ManagedTransaction) -> int:
            params = {"from": rel_id.from_id, "to": rel_id.to_id, "key": rel_id.key}
            result = tx.run(query, params)
            return result.consume().counters.relationships_deleted

        return self._write(work) > 0

    # -- protocol: reads -------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        return self.get_many([entity_id]).get(entity_id)

    def get_many(self, entity_ids: Collection[str]) -> dict[str, Entity]:
        found: dict[str, Entity] = {}
        ids = sorted(set(entity_ids))
        for chunk in _chunks(ids, self.batch_size):
            rows = self._read_rows(
                "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN properties(n) AS n", ids=chunk
            )
            for row in rows:
                entity = entity_from_node(row["n"])
                found[entity.id] = entity
        return found

    def find(self, name: str, kind: str | None = None) -> list[Entity]:
        rows = self._read_rows(
            f"MATCH (n:Entity) WHERE $key IN n.{_KEYS} "
            "AND ($kind IS NULL OR n.kind = $kind) RETURN properties(n) AS n ORDER BY n.id",
            key=name_key(name),
            kind=kind,
        )
        return [entity_from_node(r["n"]) for r in rows]

    def homes(self) -> list[Entity]:
        rows = self._read_rows(
            "MATCH (n:Entity {home: true}) RETURN properties(n) AS n ORDER BY n.id"
        )
        return [entity_from_node(r["n"]) for r in rows]

    def search_candidates(
        self, text: str, kind: str | None = None, limit: int = 50
    ) -> list[Entity]:
        found: dict[str, Entity] = {}
        lucene = _lucene_query(text)
        if lucene:
            rows = self._read_rows(
                "CALL db.index.fulltext.queryNodes($index, $query, {limit: $limit}) "
                "YIELD node WHERE $kind IS NULL OR node.kind = $kind "
                "RETURN properties(node) AS n",
                index=FULLTEXT_INDEX,
                query=lucene,
                limit=limit,
                kind=kind,
            )
            found.update((e.id, e) for e in (entity_from_node(r["n"]) for r in rows))
        # Exact and pinyin keys catch what the analyzer splits differently.
        for key in name_keys([text]):
            rows = self._read_rows(
                f"MATCH (n:Entity) WHERE any(k IN n.{_KEYS} WHERE k CONTAINS $key) "
                "AND ($kind IS NULL OR n.kind = $kind) RETURN properties(n) AS n LIMIT $limit",
                key=key,
                kind=kind,
                limit=limit,
            )
            found.update((e.id, e) for e in (entity_from_node(r["n"]) for r in rows))
        return [found[i] for i in sorted(found)]

    def neighbors(
        self,
        entity_id: str,
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> list[Neighbor]:
        return self.neighbors_many([entity_id], direction=direction, types=types).get(entity_id, [])

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]:
        pattern = {"out": "-[r]->", "in": "<-[r]-", "both": "-[r]-"}[direction]
        type_list = None if types is None else [rel_type(t).strip("`") for t in types]
        found: dict[str, list[Neighbor]] = {}
        for chunk in _chunks(sorted(set(entity_ids)), self.batch_size):
            rows = self._read_rows(
                "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
                f"OPTIONAL MATCH (n){pattern}(m:Entity) "
                "WHERE $types IS NULL OR type(r) IN $types "
                "RETURN id, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, "
                "properties(r) AS r, properties(m) AS m",
                ids=chunk,
                types=type_list,
            )
            for row in rows:
                neighbors = found.setdefault(row["id"], [])
                if row["type"] is None:
                    continue
                rel = relationship_from_row(row["type"], row["from"], row["to"], row["r"])
                neighbors.append(
                    Neighbor(rel, entity_from_node(row["m"]), row["from"] == row["id"])
                )
        return {
            i: sorted(ns, key=lambda n: (n.relationship.identity, not n.outgoing))
            for i, ns in found.items()
        }

    def get_relationships(
        self, ids: Collection[RelationshipId]
    ) -> dict[RelationshipId, Relationship]:
        found: dict[RelationshipId, Relationship] = {}
        wanted = [{"type": i.type, "from": i.from_id, "to": i.to_id, "key": i.key} for i in ids]
        for chunk in _chunks(wanted, self.batch_size):
            rows = self._read_rows(
                "UNWIND $rows AS row MATCH (a:Entity {id: row.from})-[r]->(b:Entity {id: row.to}) "
                "WHERE type(r) = row.type AND r.key = row.key "
                "RETURN row.type AS type, row.from AS from, row.to AS to, properties(r) AS r",
                rows=chunk,
            )
            for row in rows:
                rel = relationship_from_row(row["type"], row["from"], row["to"], row["r"])
                found[rel.identity] = rel
        return found

    def counts(self) -> Counts:
        entity_rows = self._read_rows(
            "MATCH (n:Entity) RETURN n.kind AS kind, count(*) AS n ORDER BY kind"
        )
        rel_rows = self._read_rows(
            "MATCH (:Entity)-[r]->(:Entity) RETURN type(r) AS type, count(*) AS n ORDER BY type"
        )
        return Counts(
            {r["kind"]: r["n"] for r in entity_rows}, {r["type"]: r["n"] for r in rel_rows}
        )

    def entities(self, kind: str | None = None) -> Iterator[Entity]:
        rows = self._read_rows(
            "MATCH (n:Entity) WHERE $kind IS NULL OR n.kind = $kind "
            "RETURN properties(n) AS n ORDER BY n.id",
            kind=kind,
        )
        return (entity_from_node(r["n"]) for r in rows)

    def relationships(self, type: str | None = None) -> Iterator[Relationship]:
        rows = self._read_rows(
            "MATCH (a:Entity)-[r]->(b:Entity) WHERE $type IS NULL OR type(r) = $type "
            "RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS r",
            type=type,
        )
        rels = [relationship_from_row(r["type"], r["from"], r["to"], r["r"]) for r in rows]
        return iter(sorted(rels, key=lambda r: r.identity))

    def to_networkx(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        for entity in self.entities():
            graph.add_node(entity.id, entity=entity)
        for rel in self.relationships():
            graph.add_edge(rel.from_id, rel.to_id, key=str(rel.identity), relationship=rel)
        return graph

    # -- beyond the protocol ---------------------------------------------------
    def run_cypher(
        self, query: str, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a user's Cypher; in a read transaction unless ``write``.

        The server itself refuses writes in a read transaction, so read-only
        does not depend on recognising write clauses in the text.
        """

        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(query, params or {})
            keys = list(result.keys())
            return keys, [[_plain(v) for v in record.values()] for record in result]

        return self._write(work) if write else self._read(work)

    def clear(self) -> None:
        """Delete every entity and relationship, a batch per transaction (tests, resets)."""

        def work(tx: ManagedTransaction) -> int:
            result = tx.run("MATCH (n:Entity) WITH n LIMIT $n DETACH DELETE n", n=self.batch_size)
            return result.consume().counters.nodes_deleted

        while self._write(work):
            pass

    def close(self) -> None:
        self._driver.close()


def _plain(value: Any) -> Any:
    """A Cypher result value as plain data for tables and JSON."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **dict(value.items())}
    if hasattr(value, "type") and hasattr(value, "start_node"):
        return {"type": value.type, **dict(value.items())}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return [_plain(v) for v in value]
    return value
