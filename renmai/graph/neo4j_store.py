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

import contextlib
import itertools
import json
import re
import uuid
from collections import ChainMap
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, TypeVar

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node

from renmai.graph.bulk import freeze_kept, paused_gc
from renmai.graph.credentials import SCHEMES, redact, split_uri
from renmai.graph.dates import latest
from renmai.graph.driver_text import one_line
from renmai.graph.history import CHANGE_LABEL, Change, ChangeRecord, Deletions
from renmai.graph.model import Entity, Relationship, RelationshipId, Source
from renmai.graph.names import name_key, name_keys
from renmai.graph.plan import WritePlan, plan_write
from renmai.graph.schema import SCHEMA
from renmai.graph.store import (
    DATED_KINDS,
    EVIDENCE_FIELDS,
    ConnectionLost,
    Counts,
    Direction,
    InterruptedWrite,
    Member,
    Neighbor,
    OneAtATime,
    Progress,
    ReadOnlyRefused,
    Sketch,
    StoreError,
    WriteSummary,
    sketch_entity,
    unchecked,
)

T = TypeVar("T")
#: A Cypher statement and the rows its ``$rows`` unwinds.
Statement = tuple[str, Sequence[dict[str, Any]]]
#: The element ids of the nodes a write has upserted, by entity id.
Made = dict[str, str]

#: Rows per transaction: large enough to amortise the round trip and the
#: commit (the fulltext index commits once per transaction), small enough to
#: keep the server's transaction state modest. Measured on the 2-core test
#: machine: 20k nodes in batches of 2,000 took 8.0 s, of 5,000 4.5 s, of
#: 10,000 3.3 s.
BATCH_SIZE = 10_000
FULLTEXT_INDEX = "renmai_names"
#: The index :meth:`Neo4jStore.find` asks: every name key as one exact term
#: (Lucene's keyword analyzer over a list property). Without it, a name lookup
#: scanned every node (``$key IN n._keys`` has no index), which made a load
#: into a large graph check each new entity against all of it.
KEYS_INDEX = "renmai_keys"
#: Characters of a key that make its index term. Lucene refuses a term over
#: 32,766 bytes, and Neo4j then stops the database; a prefix of this many
#: characters (at most 4 bytes each) never is. Keys sharing a prefix share a
#: term, and the query checks the whole key.
TERM_CHARS = 64
#: The label of the node on which the database keeps the graph's version token
#: and what renmai derived from the whole graph (the newest date): every renmai
#: write deletes it in its transaction (:meth:`Neo4jStore.version`); not an
#: entity, never returned.
_CACHE = "RenmaiCache"
#: The column of the element ids a node statement returns.
_MADE = "made"
#: A sketched neighbourhood is kept between questions, for the version of the
#: graph it was read at, when its entity has at least this many relationships:
#: the hubs walks expand again and again (the home office's 5,000 at 100k
#: entities; 53 entities with 86,000 relationships there), not the long tail
#: each question reads once.
KEPT_DEGREE = 500
#: Relationships kept at most in those neighbourhoods (the least recently
#: used dropped first), about 1 KB each: at 1M entities (366 hubs, 958,000
#: relationships) 100,000 kept let every question read its hubs again, and
#: 20 questions touch ~260,000; 300,000 keep a 1M question process under 1 GB.
KEPT_RELATIONSHIPS = 300_000
#: How long a managed transaction is retried after a retryable failure, in
#: seconds (the driver's default).
MAX_RETRY_TIME = 30.0
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Properties of a node that are renmai's own bookkeeping, not entity fields.
_KEYS = "_keys"
_SEARCH = "_search"
_TERMS = "_terms"
_CORE_SCALARS = ("id", "kind", "name", "name_en", "description", "home")
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')
_RATE_LIMITED = "Neo.ClientError.Security.AuthenticationRateLimit"
_SOURCES_ENCODER = json.JSONEncoder(ensure_ascii=False)
#: The label of change records: a constant of renmai's, never input.
_CHANGE = f"`{CHANGE_LABEL}`"


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
    # Computed once: the keys are the names' pinyin and folded forms (about
    # 35 µs an entity; asking twice cost 3.5 s of a 100k load).
    keys = entity.keys
    props: dict[str, Any] = {
        "id": entity.id,
        "kind": entity.kind,
        "name": entity.name,
        "aliases": entity.aliases,
        "tags": entity.tags,
        "home": entity.home,
        "sources": _dump_sources(entity.sources),
        _KEYS: keys,
        _TERMS: key_terms(keys),
        # One text for the fulltext index: every name and its pinyin.
        _SEARCH: "\n".join([*entity.all_names, *keys]),
        **entity.properties,
    }
    if entity.name_en:
        props["name_en"] = entity.name_en
    if entity.description:
        props["description"] = entity.description
    return props


def key_terms(keys: Sequence[str]) -> list[str]:
    """The index terms of name keys (see :data:`TERM_CHARS`); the same as
    Cypher's ``left(key, TERM_CHARS)``, which backfills older databases."""
    return list(dict.fromkeys(k[:TERM_CHARS] for k in keys))


def _term_query(key: str) -> str:
    """A Lucene query for exactly one keyword term."""
    term = key[:TERM_CHARS].replace("\\", "\\\\").replace('"', '\\"')
    return f'"{term}"'


def _dump_sources(sources: Sequence[Source]) -> str:
    if not sources:
        return "[]"  # relationships without sources: no encoding per row
    # One encoder for every row (json.dumps builds one per call); same text.
    return _SOURCES_ENCODER.encode([s.model_dump(exclude_none=True) for s in sources])


def _load_sources(raw: Any) -> list[Source]:
    return [Source.model_validate(s) for s in json.loads(raw)] if raw else []


def entity_from_node(props: dict[str, Any]) -> Entity:
    """Rebuild an entity from its node's properties."""
    props = dict(props)
    props.pop(_KEYS, None)
    props.pop(_SEARCH, None)
    props.pop(_TERMS, None)
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


def _record_statement(record: ChangeRecord) -> Statement:
    """The statement that keeps a change record (:mod:`renmai.graph.history`)."""
    row = {
        "id": record.id,
        "time": record.time,
        "command": record.command,
        "arguments": record.arguments,
        "note": record.note,
        "items": record.items_json(),
        "counts": json.dumps(record.counts),
        # What ``history X`` looks X up in.
        "entities": record.entities,
    }
    return (f"UNWIND $rows AS row CREATE (c:{_CHANGE}) SET c = row", [row])


def _change_from_node(props: dict[str, Any]) -> ChangeRecord:
    data = dict(props)
    data["counts"] = json.loads(data.get("counts") or "{}")
    return ChangeRecord.from_dict(data)


# The graph's version as one row: the token of the kept node, if the entity and
# relationship counts it was made at still hold (both read off the count store:
# no scan), with the newest date kept beside it, if gathered.
_VERSION_PART = (
    "CALL { MATCH (n:Entity) RETURN count(n) AS nodes } "
    "CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
    f"CALL {{ OPTIONAL MATCH (c:{_CACHE}) RETURN c ORDER BY c.token LIMIT 1 }} "
    "WITH *, c.nodes = nodes AND c.rels = rels AS holds "
)
_VERSION_QUERY = (
    _VERSION_PART + "RETURN CASE WHEN holds THEN c.token END AS token, "
    "CASE WHEN holds THEN c.gathered END AS gathered, c.newest AS newest"
)
# The relationships of each entity asked about, and each entity at their other
# ends once, with its degree (read off the node's counts: no relationship is
# loaded for it); then the graph's version, read in the same transaction.
_SKETCH_QUERY = (
    "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
    "OPTIONAL MATCH (n)-[r]-(m:Entity) WHERE $among IS NULL OR m.id IN $among "
    "WITH collect([id, type(r), startNode(r) = n, m.id, r.key, r.since, r.until, r.sources]) "
    "AS rows, collect(DISTINCT m) AS ms "
    + _VERSION_PART
    + "RETURN rows, [m IN ms | [m.id, m.kind, m.home, [f IN $fields | m[f]], "
    "COUNT { (m)--() }]] AS ends, CASE WHEN holds THEN c.token END AS token"
)


def _sketch_relationship(
    identity: tuple[str, str, str, str], since: Any, until: Any, sources: Any
) -> Relationship:
    """A relationship as a walk weighs it: its identity, dates and how many sources."""
    rtype, from_id, to_id, key = identity
    counted = json.loads(sources) if sources and sources != "[]" else []
    return unchecked(
        Relationship,
        {
            "type": rtype,
            "from_id": from_id,
            "to_id": to_id,
            "key": key,
            "since": since,
            "until": until,
            "sources": counted,
            "properties": {},
        },
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


class Neo4jStore(OneAtATime):
    """The store protocol on a Neo4j server. See the module docstring."""

    def __init__(
        self,
        uri: str,
        *,
        username: str = "neo4j",
        password: str = "",
        database: str | None = None,
        batch_size: int = BATCH_SIZE,
        max_retry_time: float | None = None,
    ) -> None:
        # Credentials in the URI are used, and never shown (see credentials.py).
        split = split_uri(uri)
        if split.password is not None:
            username, password = split.username or username, split.password
        #: The URI as messages show it: any password in it masked.
        self.uri = split.shown
        self.location = split.shown
        self._secrets = (password,)
        self.database = database
        self.batch_size = batch_size
        #: (:meth:`newest_date`,) once asked for after this store last wrote
        #: (where the database keeps no version token: a user who may only read).
        self._newest: tuple[str | None] | None = None
        #: (version token, :meth:`newest_date`) of the last version it was asked at.
        self._dated: tuple[str, str | None] | None = None
        #: Sketched neighbourhoods of hubs, by id (:data:`KEPT_DEGREE`), with
        #: the degrees of their far ends, valid for the version token ``_kept_at``.
        self._kept: dict[str, tuple[list[Neighbor], dict[str, int]]] = {}
        self._kept_at: str | None = None
        self._kept_size = 0
        #: The versions handed out where the database keeps no token: each one new.
        self._unversioned = itertools.count(-1, -1)
        scheme = split.uri.partition("://")[0].lower()
        if scheme not in SCHEMES:
            raise StoreError(
                f"not a Neo4j URI: {self.uri} (use {', '.join(f'{s}://' for s in SCHEMES)})"
            )
        try:
            # Notifications off: the server's hints ("property key does not exist"
            # on an empty database) would be logged as warnings on every query.
            # Managed transactions retry what is retryable (a lost connection, a
            # lock timeout, a deadlock) for up to max_retry_time seconds
            # (default MAX_RETRY_TIME).
            self._driver: Driver = GraphDatabase.driver(
                split.uri,
                auth=(username, password),
                notifications_min_severity="OFF",
                max_transaction_retry_time=(
                    MAX_RETRY_TIME if max_retry_time is None else max_retry_time
                ),
            )
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreError(f"not a usable Neo4j URI {self.uri}: {self._words(exc)}") from None
        try:
            # The schema's check is the first round trip: it also proves the
            # server reachable and the credentials good.
            self.ensure_schema()
        except StoreError:
            self._driver.close()
            raise

    # -- plumbing --------------------------------------------------------------
    def _call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a driver call, turning driver failures into one-line StoreErrors.

        Messages never include credentials: only the masked URI and the
        server's or driver's words, with any password scrubbed from them.
        Connection failures are one line; a server error keeps its own lines
        (a Cypher syntax error points at the spot).
        """
        try:
            return func(*args, **kwargs)
        except neo4j_errors.AuthError:
            raise StoreError(
                f"Neo4j at {self.uri} refused the credentials "
                "(check NEO4J_USERNAME and NEO4J_PASSWORD, or --ask-password)"
            ) from None
        except neo4j_errors.IncompleteCommit:
            reason = "it broke during a commit, so the batch being committed may be written too"
            raise ConnectionLost(
                f"lost the connection to Neo4j at {self.uri}: {reason}",
                reason=reason,
                during_commit=True,
            ) from None
        except neo4j_errors.ServiceUnavailable as exc:
            reason = self._words(exc)
            raise ConnectionLost(
                f"cannot reach Neo4j at {self.uri}: {reason}", reason=reason
            ) from None
        except neo4j_errors.SessionExpired as exc:
            reason = self._words(exc)
            raise ConnectionLost(
                f"lost the connection to Neo4j at {self.uri}: {reason}", reason=reason
            ) from None
        except neo4j_errors.Neo4jError as exc:
            if exc.code == _RATE_LIMITED:
                raise StoreError(
                    f"Neo4j at {self.uri} refused the credentials too many times in a row; "
                    "wait a few seconds, then check NEO4J_USERNAME and NEO4J_PASSWORD"
                ) from None
            message = redact(str(exc.message), self._secrets)
            raise StoreError(f"Neo4j at {self.uri}: {exc.code}: {message}") from None
        except neo4j_errors.DriverError as exc:
            raise StoreError(f"Neo4j driver error for {self.uri}: {self._words(exc)}") from None

    def _words(self, exc: BaseException) -> str:
        """A driver exception as one line: the reason it gives, if it gives one."""
        return redact(one_line(exc), self._secrets)

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        def run() -> T:
            with self._driver.session(database=self.database) as session:
                return session.execute_read(work)

        return self._call(run)

    def _write(
        self,
        work: Callable[[ManagedTransaction], T],
        *,
        passing: tuple[type[Exception], ...] = (),
    ) -> T:
        """Run ``work`` in a write transaction; the driver's ``passing``
        exceptions are raised as they are, every other failure as a StoreError."""
        self._newest = None  # every write goes through here: forget what it may change
        passed: list[Exception] = []

        def run() -> T | None:
            with self._driver.session(database=self.database) as session:
                try:
                    return session.execute_write(self._forgetting(work))
                except passing as exc:
                    passed.append(exc)
                    return None

        result = self._call(run)
        if passed:
            raise passed[0]
        return result  # type: ignore[return-value]

    def _forgetting(self, work: Callable[[ManagedTransaction], T]) -> Callable[..., T]:
        """``work``, in a transaction that also forgets what the database keeps
        derived from the graph (:meth:`newest_date`): every write goes through here."""
        self._newest = None

        def forgetting(tx: ManagedTransaction) -> T:
            tx.run(f"MATCH (m:{_CACHE}) DELETE m").consume()
            return work(tx)

        return forgetting

    def _read_rows(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
            # dict(record), not record.data(): every query here returns plain
            # values and maps, which data() would copy through its exporter
            # again (40% of the decoding time of a large neighbourhood).
            return [dict(record) for record in tx.run(cypher, params)]

        return self._read(work)

    def ensure_schema(self) -> None:
        """Uniqueness of ids per kind label and on ``Entity``, an index on ``home``,
        and the fulltext index: created where missing, then waited for.

        The database is asked once which indexes it has (a constraint's index
        bears its name); a database set up before costs one round trip, not
        the ~20 schema commands it took on every open.
        """
        statements = self._schema_statements()
        rows = self._call(
            self._driver.execute_query,
            "SHOW INDEXES YIELD name, state RETURN name, state",
            database_=self.database,
        ).records
        online = {row["name"] for row in rows if row["state"] == "ONLINE"}
        missing = [statement for name, statement in statements.items() if name not in online]
        if statements[KEYS_INDEX] in missing:
            self._add_terms()
        for statement in missing:
            # Schema commands cannot share a transaction with each other.
            self._call(self._driver.execute_query, statement, database_=self.database)
        if missing:
            self._call(
                self._driver.execute_query, "CALL db.awaitIndexes(300)", database_=self.database
            )

    @staticmethod
    def _schema_statements() -> dict[str, str]:
        """The schema commands, by the name of the index each one makes."""
        statements = {
            "renmai_entity_id": "CREATE CONSTRAINT renmai_entity_id IF NOT EXISTS "
            "FOR (n:Entity) REQUIRE n.id IS UNIQUE",
            "renmai_change_id": f"CREATE CONSTRAINT renmai_change_id IF NOT EXISTS "
            f"FOR (c:{_CHANGE}) REQUIRE c.id IS UNIQUE",
        }
        for kind in SCHEMA.entity_kind_names:
            name = f"renmai_{kind.lower()}_id"
            statements[name] = (
                f"CREATE CONSTRAINT {name} IF NOT EXISTS "
                f"FOR (n:{label(kind)}) REQUIRE n.id IS UNIQUE"
            )
        # Every connect starts from the home entities: without an index, finding
        # them scanned every node (110 ms at 100k entities).
        statements["renmai_entity_home"] = (
            "CREATE INDEX renmai_entity_home IF NOT EXISTS FOR (n:Entity) ON (n.home)"
        )
        labels = "|".join(label(k) for k in SCHEMA.entity_kind_names)
        statements[FULLTEXT_INDEX] = (
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
            f"ON EACH [n.name, n.name_en, n.{_SEARCH}] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
        )
        statements[KEYS_INDEX] = (
            f"CREATE FULLTEXT INDEX {KEYS_INDEX} IF NOT EXISTS FOR (n:{labels}) "
            f"ON EACH [n.{_TERMS}] OPTIONS {{indexConfig: {{`fulltext.analyzer`: 'keyword'}}}}"
        )
        return statements

    def _add_terms(self) -> None:
        """Give nodes written before :data:`KEYS_INDEX` existed their index terms."""
        while True:
            rows = self._read_rows(
                f"MATCH (n:Entity) WHERE n.{_TERMS} IS NULL "
                f"RETURN n.id AS id, n.{_KEYS} AS keys LIMIT $limit",
                limit=self.batch_size,
            )
            if not rows:
                return
            terms = [{"id": r["id"], "terms": key_terms(r["keys"] or [])} for r in rows]
            self._run_statements(
                [
                    (
                        f"UNWIND $rows AS row MATCH (n:Entity {{id: row.id}}) "
                        f"SET n.{_TERMS} = row.terms",
                        terms,
                    )
                ]
            )

    # -- protocol: writes ------------------------------------------------------
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
        """See :meth:`Store.write`. A write of at most ``batch_size`` records (every
        edit) is one transaction, its history record included. A larger one is a
        transaction per batch: the history record commits with the first, the
        deletions with the last, so a write that fails part way (the server
        stopped) keeps the batches committed before it — never one without its
        record — and raises :class:`InterruptedWrite` saying how far it got; the
        same write again completes it."""
        tally = _Tally(progress)
        # Nothing is kept from a write: its driver's garbage cycles are left
        # for the collector, not frozen.
        with paused_gc(freeze=False):
            try:
                stored: set[str] = set()

                def fetch(ids: Collection[str]) -> dict[str, Entity]:
                    found = self.get_many(ids)
                    stored.update(found)
                    return found

                # plan_for's plan, noting which entities were stored.
                plan = plan_write(
                    entities,
                    relationships,
                    fetch,
                    self.get_relationships,
                    self.kinds,
                    replace=replace,
                    deletions=deletions,
                    fetch_degrees=self.degrees,
                    change=change,
                )
                tally.total = plan.size
                self._write_plan(plan, stored, tally)
                return plan.summary
            except StoreError as exc:
                # A batch whose commit the failure cut off may be written: the
                # write is then interrupted even before a batch was confirmed.
                maybe_written = isinstance(exc, ConnectionLost) and exc.during_commit
                if tally.total is None or not (tally.written or maybe_written):
                    raise  # failed while planning or in the first batch: nothing written
                if isinstance(exc, ConnectionLost):
                    what, reason = f"connection to Neo4j at {self.uri} lost", exc.reason
                else:
                    what, reason = str(exc), ""
                raise InterruptedWrite(
                    what, written=tally.written, total=tally.total, reason=reason
                ) from None

    def _write_plan(self, plan: WritePlan, stored: Collection[str], progress: Progress) -> None:
        batches = list(_batches(plan, stored, self.batch_size))
        deletes = self._deletes(plan)
        record = [] if plan.record is None else [_record_statement(plan.record)]
        made: Made = {}
        if plan.size <= self.batch_size:
            self._commit(_Transaction.of(batches, record, deletes), made)
            progress(plan.size)
            return
        self._commit_in_turn(_transactions(batches, record, deletes), made, progress)

    def _commit_in_turn(
        self, transactions: Iterator[_Transaction], made: Made, progress: Progress
    ) -> None:
        """Commit each transaction after the one before it, in one writer thread.

        The next transaction's statements are built here (a batch's rows and
        properties: a fifth of a load's client time) while the server runs the
        one before; a transaction is sent only once the one before it has
        committed, so the order, and what a failure leaves written, are those
        of a plain loop.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="renmai-write") as writer:
            running: tuple[Future[None], int] | None = None
            for transaction in transactions:  # built while ``running`` runs
                if running is not None:
                    running[0].result()
                    progress(running[1])
                running = (writer.submit(self._commit, transaction, made), transaction.size)
            if running is not None:
                running[0].result()
                progress(running[1])

    def _commit(self, transaction: _Transaction, made: Made) -> None:
        """One transaction of a write. New entities are created, with the
        relationships that one of them proves new: a concurrent load that
        created the same entity first makes the creation fail (the uniqueness
        constraint), and then the transaction merges instead, as it always
        does for stored entities. ``made`` gains the element ids of the nodes
        it upserted once it has committed."""
        before, after = transaction.before, transaction.after
        if transaction.creating is not None and self._run_statements(
            [*before, *transaction.creating, *after], constraint_ok=True, made=made
        ):
            return
        batches = transaction.batches
        merging = [s for b in batches for s in _batch_statements(b, create=False)]
        self._run_statements([*before, *merging, *after], made=made)

    def _deletes(self, plan: WritePlan) -> list[Statement]:
        """The plan's deletions, relationships first. An entity is deleted with
        plain ``DELETE``: one that still has a relationship (another writer added
        it since the plan) fails the transaction instead of losing it unrecorded."""
        steps: list[Statement] = []
        by_type = sorted(plan.deleted_relationships, key=lambda r: r.type)
        for rtype, rgroup in groupby(by_type, key=lambda r: r.type):
            rows = [{"from": r.from_id, "to": r.to_id, "key": r.key} for r in rgroup]
            query = (
                f"UNWIND $rows AS row MATCH (:Entity {{id: row.from}})-[r:{rel_type(rtype)} "
                "{key: row.key}]->(:Entity {id: row.to}) DELETE r"
            )
            steps += [(query, chunk) for chunk in _chunks(rows, self.batch_size)]
        ids = [{"id": e.id} for e in plan.deleted_entities]
        query = "UNWIND $rows AS row MATCH (n:Entity {id: row.id}) DELETE n"
        steps += [(query, chunk) for chunk in _chunks(ids, self.batch_size)]
        return steps

    def _run_statements(
        self,
        statements: Sequence[Statement | _NewRelationships],
        *,
        constraint_ok: bool = False,
        made: Made | None = None,
    ) -> bool:
        """Run statements in one write transaction; with ``constraint_ok``, a
        transaction that breaks a uniqueness constraint writes nothing and
        returns False (the caller merges instead).

        A node creation returns the element ids of its nodes (``made``), by
        which the new relationships of the same write find their ends. They
        join ``made`` only once the transaction has committed: a transaction
        that was retried or rolled back leaves none of its ids behind."""
        known: Made = {} if made is None else made

        def work(tx: ManagedTransaction) -> Made:
            upserted: Made = {}
            ends = ChainMap(upserted, known)
            for statement in statements:
                queries = (
                    statement.statements(ends)
                    if isinstance(statement, _NewRelationships)
                    else [statement]
                )
                for query, rows in queries:
                    for record in tx.run(query, {"rows": list(rows)}):
                        upserted.update(record[_MADE])
            return upserted

        try:
            upserted = self._write(
                work, passing=(neo4j_errors.ConstraintError,) if constraint_ok else ()
            )
        except neo4j_errors.ConstraintError:
            return False
        known.update(upserted)
        return True

    def history(
        self, entity_id: str | None = None, *, since: str | None = None
    ) -> list[ChangeRecord]:
        rows = self._read_rows(
            f"MATCH (c:{_CHANGE}) WHERE ($id IS NULL OR $id IN c.entities) "
            "AND ($since IS NULL OR c.time >= $since) "
            "RETURN properties(c) AS c ORDER BY c.time, c.id",
            id=entity_id,
            since=since,
        )
        return [_change_from_node(r["c"]) for r in rows]

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

    def kinds(self, entity_ids: Collection[str]) -> dict[str, str]:
        """See :meth:`Store.kinds`: one round trip per :attr:`batch_size` ids."""
        found: dict[str, str] = {}
        for chunk in _chunks(sorted(set(entity_ids)), self.batch_size):
            # One record of two lists: the driver decodes a record apiece
            # four times slower (2.6 s against 0.6 s for 100,000 ids).
            (row,) = self._read_rows(
                "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
                "RETURN collect(n.id) AS ids, collect(n.kind) AS kinds",
                ids=chunk,
            )
            found.update(zip(row["ids"], row["kinds"], strict=True))
        return found

    def find(self, name: str, kind: str | None = None) -> list[Entity]:
        rows = self._by_keys([name], "properties(node) AS n")
        return [e for e in (entity_from_node(r["n"]) for r in rows) if kind in (None, e.kind)]

    def holders(self, names: Collection[str]) -> dict[str, dict[str, str]]:
        """See :meth:`Store.holders`: one round trip per :attr:`batch_size` names."""
        held: dict[str, dict[str, str]] = {}
        for row in self._by_keys(names, "node.id AS id, node.kind AS kind"):
            held.setdefault(row["key"], {})[row["id"]] = row["kind"]
        return {name: dict(held.get(name_key(name), {})) for name in names}

    def _by_keys(self, names: Collection[str], returned: str) -> list[dict[str, Any]]:
        """Rows of ``returned`` (a constant of this module's, of ``node``) for
        the nodes holding each name's key, by key and id: :data:`KEYS_INDEX`
        asked once per key, the whole key checked."""
        keys = sorted({k for k in map(name_key, names) if k})
        rows: list[dict[str, Any]] = []
        for chunk in _chunks([{"key": k, "query": _term_query(k)} for k in keys], self.batch_size):
            rows += self._read_rows(
                "UNWIND $rows AS row "
                "CALL db.index.fulltext.queryNodes($index, row.query) YIELD node "
                f"WITH row, node WHERE row.key IN node.{_KEYS} "
                f"RETURN row.key AS key, {returned} ORDER BY key, node.id",
                rows=list(chunk),
                index=KEYS_INDEX,
            )
        return rows

    @property
    def version(self) -> int:
        """See :class:`~renmai.graph.store.Versioned`: one query, the count
        store's and one node's values, no scan.

        The database keeps a random token on a node of its own, with the
        numbers of entities and relationships it was made at; every renmai
        write deletes the node in its own transaction, and the first reader
        after it makes a new one (in a transaction of its own, before it reads
        anything it keeps under the token). The version is the token while
        those counts hold: records added or deleted past renmai (Neo4j
        Browser) change it too. What it cannot see is a property edited past
        renmai that changes no count: that is seen at the next renmai write.
        A user who may only read, on a database that keeps no token yet, gets
        a new version every time (nothing is kept)."""
        token = self._token()
        return next(self._unversioned) if token is None else uuid.UUID(token).int

    def _token(self, row: dict[str, Any] | None = None) -> str | None:
        """The version token (``row``: the version query's, if read already);
        None where none is kept and none can be made."""
        if row is None:
            row = self._read_rows(_VERSION_QUERY)[0]
        if row["token"] is not None:
            return str(row["token"])

        def make(tx: ManagedTransaction) -> str:
            record = tx.run(
                f"MATCH (c:{_CACHE}) DELETE c WITH count(*) AS gone "
                "CALL { MATCH (n:Entity) RETURN count(n) AS nodes } "
                "CALL { MATCH ()-[r]->() RETURN count(r) AS rels } "
                f"CREATE (c:{_CACHE} {{token: randomUUID(), nodes: nodes, rels: rels}}) "
                "RETURN c.token AS token"
            ).single()
            assert record is not None
            return str(record["token"])

        # Not through _write: making the token changes no entity.
        with contextlib.suppress(StoreError):

            def run() -> str:
                with self._driver.session(database=self.database) as session:
                    return session.execute_write(make)

            return self._call(run)
        return None

    def newest_date(self) -> str | None:
        """See :meth:`Store.newest_date`: distinct dates gathered on the server
        (fetching every relationship took 150 s at 500k), kept for the
        graph's :attr:`version`.

        The database keeps the answer too, beside the version token, so that
        the scan (seconds at 500k relationships) is paid once per change of
        the graph, not by every process. A date edited by hand outside renmai
        is not noticed until the next write through renmai (or pin
        ``reference_date`` in the weights). Where the database keeps no token
        (a user who may only read), the answer is kept until this store
        writes; a write by another client is then not seen."""
        row = self._read_rows(_VERSION_QUERY)[0]
        token = self._token(row)
        if token is None:
            if self._newest is None:
                self._newest = (self._gather_dates(),)
            return self._newest[0]
        if self._dated is not None and self._dated[0] == token:
            return self._dated[1]
        if row["token"] == token and row["gathered"]:
            newest = None if row["newest"] is None else str(row["newest"])
        else:
            # Gathered after the token was made: a write since then deleted it.
            newest = self._gather_dates()

            def keep(tx: ManagedTransaction) -> None:
                tx.run(
                    f"MATCH (c:{_CACHE} {{token: $token}}) "
                    "SET c.newest = $newest, c.gathered = true",
                    token=token,
                    newest=newest,
                ).consume()

            # Only a convenience: a user who may only read still gets the answer.
            with contextlib.suppress(StoreError):

                def run() -> None:
                    with self._driver.session(database=self.database) as session:
                        session.execute_write(keep)

                self._call(run)
        self._dated = (token, newest)
        return newest

    def _gather_dates(self) -> str | None:
        rows = self._read_rows(
            "MATCH (:Entity)-[r]->(:Entity) "
            "RETURN collect(DISTINCT r.since) + collect(DISTINCT r.until) AS dates"
        )
        dates = {str(d) for row in rows for d in row["dates"] if d}
        for kind in SCHEMA.entity_kinds:
            if not kind.evidence:
                continue
            rows = self._read_rows(
                f"MATCH (n:{label(kind.name)}) UNWIND $fields AS f WITH n[f] AS d "
                "WHERE d IS NOT NULL RETURN collect(DISTINCT d) AS dates",
                fields=list(kind.evidence),
            )
            dates.update(str(d) for row in rows for d in row["dates"] if d)
        return latest(dates)

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

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
        among: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]:
        pattern = {"out": "-[r]->", "in": "<-[r]-", "both": "-[r]-"}[direction]
        type_list = None if types is None else [rel_type(t).strip("`") for t in types]
        found: dict[str, list[Neighbor]] = {}
        # Each entity at the other end comes once per round trip (a hub's
        # neighbours are shared by much of a frontier), without its search
        # text; each relationship is rebuilt once even when both ends were asked.
        query = (
            "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
            f"OPTIONAL MATCH (n){pattern}(m:Entity) "
            "WHERE ($types IS NULL OR type(r) IN $types) AND ($among IS NULL OR m.id IN $among) "
            "WITH collect({id: id, type: type(r), from: startNode(r).id, to: endNode(r).id, "
            "r: properties(r), m: m.id}) AS rows, collect(DISTINCT m) AS ends "
            f"RETURN rows, [m IN ends | m {{.*, {_SEARCH}: null, {_KEYS}: null}}] AS ends"
        )
        for chunk in _chunks(sorted(set(entity_ids)), self.batch_size):
            result = self._read_rows(
                query, ids=chunk, types=type_list, among=None if among is None else list(among)
            )
            if not result:
                continue
            ends = {props["id"]: props for props in result[0]["ends"]}
            entities: dict[str, Entity] = {}
            rels: dict[tuple[str, str, str, str], Relationship] = {}
            for row in result[0]["rows"]:
                neighbors = found.setdefault(row["id"], [])
                if row["type"] is None:
                    continue
                rkey = (row["type"], row["from"], row["to"], row["r"].get("key", ""))
                rel = rels.get(rkey)
                if rel is None:
                    rel = rels[rkey] = relationship_from_row(
                        row["type"], row["from"], row["to"], row["r"]
                    )
                entity = entities.get(row["m"])
                if entity is None:
                    entity = entities[row["m"]] = entity_from_node(ends[row["m"]])
                neighbors.append(Neighbor(rel, entity, row["from"] == row["id"]))
        return {
            i: sorted(ns, key=lambda n: (n.relationship.identity, not n.outgoing))
            for i, ns in found.items()
        }

    def sketch_neighbors(
        self, entity_ids: Collection[str], *, among: Collection[str] | None = None
    ) -> Sketch:
        """See :class:`~renmai.graph.store.Sketches`: a few values per
        relationship and per entity at the other end, with that entity's
        degree, in one round trip. (Whole records cost the client ~100 µs
        each to decode and validate: three quarters of a question's time.)

        The whole neighbourhoods of hubs (:data:`KEPT_DEGREE`) are kept for
        the graph's :attr:`version`, which the same query reads: while the
        graph is unchanged, a walk that expands the home office again reads
        none of its thousands of relationships. (Nothing is kept while the
        graph has no version token: reading :attr:`version`, as every
        question does first, makes one.) The lists given are shared with what
        is kept: not to be changed."""
        ids = sorted(set(entity_ids))
        # Taken out and put back last when used: the least recently used go first.
        kept = {} if among is not None else {i: self._kept.pop(i) for i in ids if i in self._kept}
        self._kept.update(kept)
        found, degrees, tokens = self._sketches([i for i in ids if i not in kept], among)
        if tokens[-1] is None or tokens[-1] != self._kept_at:
            self._forget_kept(tokens[-1])
            if kept:  # kept for an earlier version of the graph: read again
                more, more_degrees, more_tokens = self._sketches(list(kept), among)
                found.update(more)
                degrees.update(more_degrees)
                tokens += more_tokens
                kept = {}
                self._forget_kept(tokens[-1])
        for entity_id, (neighbors, far) in kept.items():
            found[entity_id] = neighbors
            degrees.update(far)
        if among is None and tokens[-1] is not None and len(set(tokens)) == 1:
            self._keep({i: ns for i, ns in found.items() if i not in kept}, degrees)
        return Sketch({i: found[i] for i in ids if i in found}, degrees)

    def _sketches(
        self, ids: Sequence[str], among: Collection[str] | None
    ) -> tuple[dict[str, list[Neighbor]], dict[str, int], list[str | None]]:
        """The sketched neighbourhoods of ``ids``, the far ends' degrees, and
        the version token each round trip read (one, with no ids)."""
        found: dict[str, list[Neighbor]] = {}
        degrees: dict[str, int] = {}
        tokens: list[str | None] = []
        for chunk in _chunks(ids, self.batch_size) if ids else [ids]:
            result = self._read_rows(
                _SKETCH_QUERY,
                ids=list(chunk),
                among=None if among is None else list(among),
                fields=list(EVIDENCE_FIELDS),
            )
            tokens.append(result[0]["token"])
            ends: dict[str, Entity] = {}
            for end_id, kind, home, values, degree in result[0]["ends"]:
                ends[end_id] = sketch_entity(end_id, kind, home, values)
                degrees[end_id] = degree
            rels: dict[tuple[str, str, str, str], Relationship] = {}
            for entity_id, rtype, outgoing, other, key, since, until, sources in result[0]["rows"]:
                neighbors = found.setdefault(entity_id, [])
                if rtype is None:
                    continue
                from_id, to_id = (entity_id, other) if outgoing else (other, entity_id)
                rkey = (rtype, from_id, to_id, key or "")
                rel = rels.get(rkey)
                if rel is None:
                    rel = rels[rkey] = _sketch_relationship(rkey, since, until, sources)
                neighbors.append(Neighbor(rel, ends[other], outgoing))
        neighbors_of = {
            i: sorted(ns, key=lambda n: (n.relationship.identity, not n.outgoing))
            for i, ns in found.items()
        }
        return neighbors_of, degrees, tokens

    def _forget_kept(self, token: str | None) -> None:
        """Drop the kept neighbourhoods unless they are of version ``token``."""
        if token is None or token != self._kept_at:
            self._kept, self._kept_size = {}, 0
            self._kept_at = token

    def _keep(self, found: dict[str, list[Neighbor]], degrees: dict[str, int]) -> None:
        """Keep the neighbourhoods of hubs among ``found`` (read at ``_kept_at``),
        dropping the least recently used beyond :data:`KEPT_RELATIONSHIPS`."""
        hubs = {i: ns for i, ns in found.items() if KEPT_DEGREE <= len(ns) <= KEPT_RELATIONSHIPS}
        for entity_id, neighbors in hubs.items():
            far = {n.entity.id: degrees[n.entity.id] for n in neighbors}
            self._kept[entity_id] = (neighbors, far)
            self._kept_size += len(neighbors)
            while self._kept_size > KEPT_RELATIONSHIPS:
                oldest = next(iter(self._kept))
                self._kept_size -= len(self._kept.pop(oldest)[0])
        if hubs:
            freeze_kept()

    def sketch_inward(
        self, entity_ids: Collection[str], *, types: Collection[str]
    ) -> dict[str, list[Member]]:
        """See :class:`~renmai.graph.store.InwardSketches`: a country's level of
        20,000 members is a few values each (as whole records, ~150 µs each
        to decode and validate, it was 3 s of the client's time)."""
        found: dict[str, list[Member]] = {}
        if not types:  # nothing can point in: the entities that exist, each with none
            return {i: [] for i in self.degrees(entity_ids)}
        # Typed, so that a dense node's other relationships are never touched.
        pattern = "|".join(rel_type(t) for t in sorted(types))
        # The evidence fields only for the kinds that have them: most members
        # are people and organizations, and every value costs its decoding.
        query = (
            "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
            f"OPTIONAL MATCH (n)<-[r:{pattern}]-(m:Entity) "
            "RETURN collect([id, type(r), m.id, r.key, m.kind, m.home, "
            "CASE WHEN m.kind IN $dated THEN [f IN $fields | m[f]] END]) AS rows"
        )
        for chunk in _chunks(sorted(set(entity_ids)), self.batch_size):
            rows = self._read_rows(
                query, ids=chunk, dated=list(DATED_KINDS), fields=list(EVIDENCE_FIELDS)
            )
            for entity_id, rtype, other, key, kind, home, values in rows[0]["rows"]:
                members = found.setdefault(entity_id, [])
                if rtype is not None:
                    identity = RelationshipId(rtype, other, entity_id, key or "")
                    entity = sketch_entity(other, kind, home, values or ())
                    members.append(Member(identity, entity))
        for members in found.values():
            members.sort(key=lambda m: m.relationship)
        return found

    def degrees(self, entity_ids: Collection[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        # COUNT of a pattern from one node is read off the node's degree
        # counts: no relationship is loaded.
        for chunk in _chunks(sorted(set(entity_ids)), self.batch_size):
            rows = self._read_rows(
                "UNWIND $ids AS id MATCH (n:Entity {id: id}) "
                "RETURN id, COUNT { (n)-[]-() } AS degree",
                ids=chunk,
            )
            found.update((row["id"], row["degree"]) for row in rows)
        return found

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

    def has_entities(self) -> bool:
        rows = self._read_rows("MATCH (n:Entity) RETURN n.id AS id LIMIT 1")
        return bool(rows)

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
        self,
        query: str,
        params: dict[str, Any] | None = None,
        *,
        write: bool = False,
        show_contacts: bool = True,
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a user's Cypher; read-only unless ``write``.

        Read-only has two lines of defence. First the server plans the query
        (``EXPLAIN``, nothing runs) and :class:`ReadOnlyRefused` is raised
        unless the plan only reads and uses no operator that reaches outside
        the graph (:meth:`check_read_only`). Then the query runs in a read
        transaction, in which the server itself refuses any write. Neither
        depends on recognising clauses in the text.

        Without ``show_contacts``, nodes come back without personal fields.
        """
        if not write:
            self.check_read_only(query, params)

        def work(tx: ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            result = tx.run(query, params or {})
            keys = list(result.keys())
            return keys, [[_plain(v, show_contacts) for v in record.values()] for record in result]

        return self._write(work) if write else self._read(work)

    def check_read_only(self, query: str, params: dict[str, Any] | None = None) -> None:
        """Raise :class:`ReadOnlyRefused` unless the server's plan of ``query``
        only reads: its query type is ``r`` (not ``w``/``rw``, nor ``s`` for
        schema and administration) and it uses none of :data:`READ_ONLY_REFUSED`."""

        def explain(text: str) -> Any:
            def work(tx: ManagedTransaction) -> Any:
                return tx.run(f"EXPLAIN {text}", params or {}).consume()

            return self._read(work)

        try:
            summary = explain(query)
        except StoreError as exc:
            # PROFILE runs the query: plan it without running it instead.
            if _EXECUTION_MODE not in str(exc) or not _PROFILE.search(query):
                raise
            try:
                summary = explain(_PROFILE.sub(" ", query, count=1))
            except StoreError:
                raise ReadOnlyRefused(
                    "cannot tell whether this PROFILE query only reads; use EXPLAIN, "
                    "or leave PROFILE out"
                ) from None
        kind = summary.query_type
        if kind != "r":
            what = _QUERY_TYPES.get(kind, f"is of query type {kind!r}")
            raise ReadOnlyRefused(f"the query {what}")
        for operator in _plan_operators(summary.plan):
            if operator in READ_ONLY_REFUSED:
                raise ReadOnlyRefused(READ_ONLY_REFUSED[operator])

    def clear(self) -> None:
        """Delete every entity, relationship and change record, a batch per
        transaction (tests, resets)."""

        def work(tx: ManagedTransaction) -> int:
            result = tx.run(
                f"MATCH (n) WHERE n:Entity OR n:{_CHANGE} WITH n LIMIT $n DETACH DELETE n",
                n=self.batch_size,
            )
            return result.consume().counters.nodes_deleted

        while self._write(work):
            pass

    def close(self) -> None:
        self._driver.close()


@dataclass
class _Batch:
    """The upserts of one write transaction."""

    #: True: the entities are new (not stored when planned) and each
    #: relationship has one of them as an end; False: merge them all.
    new: bool
    entities: list[Entity] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.entities) + len(self.relationships)


@dataclass
class _Transaction:
    """One write transaction: batches between the statements before and after them."""

    batches: Sequence[_Batch]
    before: Sequence[Statement]
    after: Sequence[Statement]
    #: The statements that create the new batches' records (merging the
    #: others); None when no batch is new. Built with the transaction, so
    #: that :meth:`Neo4jStore._commit_in_turn` builds them ahead.
    creating: list[Statement | _NewRelationships] | None

    @property
    def size(self) -> int:
        """Records it writes, for the write's progress."""
        return sum(b.size for b in self.batches) + sum(len(rows) for _, rows in self.after)

    @classmethod
    def of(
        cls, batches: Sequence[_Batch], before: Sequence[Statement], after: Sequence[Statement]
    ) -> _Transaction:
        creating = None
        if any(b.new for b in batches):
            creating = [s for b in batches for s in _batch_statements(b, create=b.new)]
        return cls(batches, before, after, creating)


def _transactions(
    batches: Sequence[_Batch], record: Sequence[Statement], deletes: Sequence[Statement]
) -> Iterator[_Transaction]:
    """A large write's transactions: a batch each, then a deletion step each; the
    change record commits with the first."""
    for batch in batches:
        yield _Transaction.of([batch], record, [])
        record = []
    for step in deletes:
        yield _Transaction.of([], record, [step])
        record = []


def _batches(plan: WritePlan, stored: Collection[str], size: int) -> Iterator[_Batch]:
    """A plan's upserts in transactions of about ``size`` records.

    A new entity is written with the relationships it is the later new end of
    (in the plan's order): creating the entity proves them new — no other load
    can have written a relationship to an entity that did not exist — and the
    other end is written by then. Stored entities, and the relationships
    between two of them, are merged, ``size`` records a batch.
    """
    new = [e for e in plan.entities if e.id not in stored]
    position = {e.id: i for i, e in enumerate(new)}
    proven: dict[int, list[Relationship]] = {}
    merged_rels: list[Relationship] = []
    for rel in plan.relationships:
        last = max(position.get(rel.from_id, -1), position.get(rel.to_id, -1))
        if last < 0:
            merged_rels.append(rel)
        else:
            proven.setdefault(last, []).append(rel)
    batch = _Batch(new=True)
    for i, entity in enumerate(new):
        batch.entities.append(entity)
        batch.relationships.extend(proven.get(i, ()))
        if batch.size >= size:
            yield batch
            batch = _Batch(new=True)
    if batch.size:
        yield batch
    merged = [e for e in plan.entities if e.id in stored]
    for chunk in _chunks(merged, size):
        yield _Batch(new=False, entities=list(chunk))
    for rchunk in _chunks(merged_rels, size):
        yield _Batch(new=False, relationships=list(rchunk))


def _batch_statements(batch: _Batch, *, create: bool) -> list[Statement | _NewRelationships]:
    """A batch's statements: ``CREATE`` for what it proves new, else ``MERGE``.

    A created node gets both labels at once (a label added after it cost the
    server a second change of the node), and its statement returns the new
    nodes' element ids for the relationships created later in the write (see
    :meth:`Neo4jStore._run_statements`); merged nodes' are never asked for:
    merged batches come after every new one."""
    statements: list[Statement | _NewRelationships] = []
    for kind, entities in _grouped(batch.entities, lambda e: e.kind):
        if create:
            node = (
                f"CREATE (n:Entity:{label(kind)}) SET n = row.props "
                f"RETURN collect([n.id, elementId(n)]) AS {_MADE}"
            )
        else:
            node = f"MERGE (n:Entity {{id: row.id}}) SET n = row.props, n:{label(kind)}"
        rows = [{"id": e.id, "props": node_properties(e)} for e in entities]
        statements.append((f"UNWIND $rows AS row {node}", rows))
    for rtype, rels in _grouped(batch.relationships, lambda r: r.type):
        rows = [_rel_row(r) for r in rels]
        if create:
            statements.append(_NewRelationships(rtype, rows))
        else:
            statements.append(
                (
                    f"UNWIND $rows AS row {_ENDS_BY_ID}MERGE (a)-[r:{rel_type(rtype)} "
                    "{key: row.key}]->(b) SET r = row.props",
                    rows,
                )
            )
    return statements


#: A relationship statement's ends, by entity id (a unique index seek, which
#: in a write locks the index entry) or by the element ids a write's node
#: statements returned. The id is checked with the element id: an element id
#: is reused once its node is deleted, and another client may have deleted
#: a node this write created in an earlier transaction.
_ENDS_BY_ID = "MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) "
_ENDS_BY_ELEMENT = (
    "MATCH (a) WHERE elementId(a) = row.a AND a.id = row.from "
    "MATCH (b) WHERE elementId(b) = row.b AND b.id = row.to "
)


@dataclass(frozen=True)
class _NewRelationships:
    """Relationships of one type that a batch proves new, created between ends
    found by element id where the write upserted both (no index seek: a tenth
    of the server's time in a 100k load), else by entity id."""

    rtype: str
    rows: list[dict[str, Any]]

    def statements(self, made: Mapping[str, str]) -> list[Statement]:
        by_element: list[dict[str, Any]] = []
        by_id: list[dict[str, Any]] = []
        for row in self.rows:
            a, b = made.get(row["from"]), made.get(row["to"])
            if a is None or b is None:
                by_id.append(row)
            else:
                by_element.append({**row, "a": a, "b": b})
        create = f"CREATE (a)-[r:{rel_type(self.rtype)}]->(b) SET r = row.props"
        return [
            (f"UNWIND $rows AS row {ends}{create}", rows)
            for ends, rows in ((_ENDS_BY_ELEMENT, by_element), (_ENDS_BY_ID, by_id))
            if rows
        ]


def _rel_row(rel: Relationship) -> dict[str, Any]:
    props = relationship_properties(rel)
    return {"from": rel.from_id, "to": rel.to_id, "key": rel.key, "props": props}


def _grouped(records: Sequence[T], key: Callable[[T], str]) -> Iterator[tuple[str, list[T]]]:
    for name, group in groupby(sorted(records, key=key), key=key):
        yield name, list(group)


class _Tally:
    """Counts the records of a write as its batches commit, passing the counts on."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        #: Records the write plan holds; None until it is planned.
        self.total: int | None = None
        self.written = 0

    def __call__(self, done: int) -> None:
        self.written += done
        if self.progress:
            self.progress(done)


#: Plan operators a read-only query may not use, though they write nothing to
#: the graph, and why.
READ_ONLY_REFUSED = {
    "LoadCSV": "the query uses LOAD CSV, which reads files on the server or fetches URLs",
    "TerminateTransactions": "the query uses TERMINATE TRANSACTIONS, which stops other users' work",
}
_QUERY_TYPES = {
    "w": "writes",
    "rw": "writes",
    "s": "changes the schema or runs an administration procedure or command",
}
#: The server's complaint about EXPLAIN in front of PROFILE.
_EXECUTION_MODE = "conflicting values for execution mode"
_PROFILE = re.compile(r"\bPROFILE\b", re.IGNORECASE)


def _plan_operators(plan: Any) -> Iterator[str]:
    """Every operator of a query plan, without its ``@database`` suffix."""
    if not isinstance(plan, dict):
        return
    yield str(plan.get("operatorType", "")).partition("@")[0]
    for child in plan.get("children", []):
        yield from _plan_operators(child)


def _plain(value: Any, show_contacts: bool = True) -> Any:
    """A Cypher result value as plain data for tables and JSON; nodes without
    their personal fields unless ``show_contacts``."""
    if isinstance(value, Node):
        props = dict(value.items())
        if not show_contacts:
            kinds = [k for k in value.labels if SCHEMA.has_entity_kind(k)]
            for kind in kinds:
                for name in SCHEMA.personal_fields[kind]:
                    props.pop(name, None)
        return {"labels": sorted(value.labels), **props}
    if hasattr(value, "type") and hasattr(value, "start_node"):
        return {"type": value.type, **dict(value.items())}
    if isinstance(value, list):
        return [_plain(v, show_contacts) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, show_contacts) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return [_plain(v, show_contacts) for v in value]
    return value
