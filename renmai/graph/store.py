"""The store protocol: what every store (embedded file, Neo4j) offers.

Queries, loaders and views talk to a :class:`Store`; they never know which
one. Both implementations pass the same contract tests (``tests/test_store_contract.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeVar, runtime_checkable

from renmai.errors import RenmaiError
from renmai.graph.history import Change, ChangeRecord, Deletions
from renmai.graph.model import Entity, Problem, Relationship, RelationshipId
from renmai.graph.schema import SCHEMA

if TYPE_CHECKING:  # networkx is imported by what builds a graph, not by every command
    import networkx as nx

Direction = Literal["out", "in", "both"]
Outcome = Literal["created", "updated", "unchanged", "deleted"]
Progress = Callable[[int], None]


class StoreError(RenmaiError):
    """A store cannot be opened, read or written: one line for the user."""


class ConnectionLost(StoreError):
    """The store's server cannot be reached, or stopped answering."""

    def __init__(self, message: str, *, reason: str = "", during_commit: bool = False) -> None:
        super().__init__(message)
        #: What the driver said, e.g. "[Errno 111] Connection refused".
        self.reason = reason
        #: It broke while a transaction was committing: that one may be written.
        self.during_commit = during_commit


class InterruptedWrite(StoreError):
    """A write that stopped part way, after some of its batches were committed.

    What was committed stays; the same write run again completes it (writes are
    upserts, so nothing is duplicated and nothing already written is lost).
    """

    def __init__(self, what: str, *, written: int, total: int, reason: str = "") -> None:
        #: What stopped it: "connection to Neo4j at … lost".
        self.what = what
        self.written = written
        self.total = total
        #: What the driver or server said, if anything.
        self.reason = reason
        super().__init__(self.describe("write"))

    def describe(self, action: str) -> str:
        """One line for the user; ``action`` is what to run again ("load", "merge")."""
        reason = f" ({self.reason})" if self.reason else ""
        return (
            f"{self.what} after writing {self.written} of {self.total} records{reason}; "
            f"run the same {action} again to complete it"
        )


class ReadOnlyRefused(StoreError):
    """A query to be run read-only does more than read; nothing ran."""


class IntegrityError(StoreError):
    """A write was refused before anything was written (dangling ends, wrong kinds)."""

    def __init__(self, problems: Sequence[tuple[str, Problem]]) -> None:
        #: (record, problem) pairs; record names the entity or relationship.
        self.problems = list(problems)
        lines = [f"{record}: {p.field}: {p.message}" for record, p in self.problems]
        super().__init__(f"{len(lines)} problem(s), nothing written:\n" + "\n".join(lines))


class Neighbor(NamedTuple):
    """One relationship seen from an entity, and the entity at its other end."""

    relationship: Relationship
    entity: Entity
    #: True when the relationship points away from the entity asked about.
    outgoing: bool


@dataclass
class WriteSummary:
    """What a write did, per entity kind and relationship type."""

    entities: dict[str, Counter[Outcome]] = field(default_factory=dict)
    relationships: dict[str, Counter[Outcome]] = field(default_factory=dict)

    def count(
        self, section: Literal["entities", "relationships"], kind: str, outcome: Outcome
    ) -> None:
        counters = getattr(self, section)
        counter = counters.get(kind)
        if counter is None:  # not setdefault: that builds a Counter per call
            counter = counters[kind] = Counter()
        counter[outcome] += 1

    def total(self, outcome: Outcome) -> int:
        return sum(c[outcome] for c in [*self.entities.values(), *self.relationships.values()])

    @property
    def changed(self) -> bool:
        return bool(self.total("created") or self.total("updated") or self.total("deleted"))


@dataclass(frozen=True)
class Counts:
    """Entities by kind and relationships by type."""

    entities: dict[str, int]
    relationships: dict[str, int]

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"entities": dict(self.entities), "relationships": dict(self.relationships)}


@runtime_checkable
class Versioned(Protocol):
    """A store that can tell when its graph changed (an optional capability
    beyond :class:`Store`): ``version`` is equal between two reads only if
    nothing changed in between, so what a caller derived from the graph — a
    ranker and the strengths of relationships it worked out — can be kept."""

    @property
    def version(self) -> int: ...


@dataclass
class Sketch:
    """Neighbourhoods as a walk weighs them (:meth:`Sketches.sketch_neighbors`)."""

    #: By entity asked about, its relationships and the entities at their other
    #: ends, as :meth:`Store.neighbors_many` gives them — or their sketches.
    neighbors: dict[str, list[Neighbor]]
    #: The degree of entities at the other ends, where the store gave it on the
    #: way (a walk asks for the degree of its next frontier).
    degrees: dict[str, int] = field(default_factory=dict)


@runtime_checkable
class Sketches(Protocol):
    """A store that can send a walk sketches instead of whole records (an
    optional capability beyond :class:`Store`).

    A sketched entity carries its ``id``, ``kind``, ``home`` and the
    properties its kind dates evidence with (``EntityKind.evidence``); a
    sketched relationship its identity, ``since``, ``until`` and as many
    ``sources`` entries as it has sources. That is all a walk reads to weigh
    and follow them, and a sketch costs a server a few values instead of every
    field, and the client no validation; the records of the paths a walk
    settles on are then read whole (:meth:`Store.get_many`,
    :meth:`Store.get_relationships`). A store that holds its records in memory
    gives them whole instead: :func:`sketch_neighbors`.
    """

    def sketch_neighbors(
        self, entity_ids: Collection[str], *, among: Collection[str] | None = None
    ) -> Sketch: ...


def sketch_neighbors(
    store: Store, entity_ids: Collection[str], *, among: Collection[str] | None = None
) -> Sketch:
    """:meth:`Sketches.sketch_neighbors` of ``store``, else its whole neighbours
    (every record is a sketch of itself): one round trip either way."""
    if isinstance(store, Sketches):
        return store.sketch_neighbors(entity_ids, among=among)
    return Sketch(store.neighbors_many(entity_ids, among=among))


#: Every property that dates evidence on some kind: a sketched entity carries
#: those of its kind (:class:`Sketches`).
EVIDENCE_FIELDS = tuple(sorted({f for k in SCHEMA.entity_kinds for f in k.evidence}))
#: The kinds that have such properties.
DATED_KINDS = tuple(sorted(k.name for k in SCHEMA.entity_kinds if k.evidence))

M = TypeVar("M", Entity, Relationship)


def unchecked(model: type[M], values: dict[str, Any]) -> M:
    """A model holding ``values``, unchecked: what ``model_construct`` makes,
    without its pass over every field's default (a tenth of a question's time
    at 100k entities). For sketches only, whose values the store checked when
    it wrote them."""
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", set(values))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


def sketch_entity(entity_id: str, kind: str, home: Any, values: Sequence[Any] = ()) -> Entity:
    """An entity as a walk weighs it (see :class:`Sketches`) from its id, kind,
    home flag and the values of :data:`EVIDENCE_FIELDS` (None where it has
    none; no values: none at all); its other fields are not set, so reading
    one fails loudly."""
    properties = {}
    if values:
        evidence = SCHEMA.entity_kind(kind).evidence
        properties = {
            name: value
            for name, value in zip(EVIDENCE_FIELDS, values, strict=True)
            if value is not None and name in evidence
        }
    return unchecked(
        Entity, {"id": entity_id, "kind": kind, "home": bool(home), "properties": properties}
    )


class Member(NamedTuple):
    """An entity that one relationship takes into another (:class:`InwardSketches`)."""

    #: The relationship's identity; it points from :attr:`entity` to the one asked about.
    relationship: RelationshipId
    #: The entity at its start, sketched (:class:`Sketches`).
    entity: Entity


@runtime_checkable
class InwardSketches(Protocol):
    """A store that can send what points into entities as a few values each
    (an optional capability beyond :class:`Store`): what a place's thousands
    of members are gathered by, a level of containment at a time.

    Per relationship its identity, per entity at its start a sketch (as
    :class:`Sketches` gives them); the records the answer shows are read
    whole afterwards (:meth:`Store.get_many`, :meth:`Store.get_relationships`).
    Without it, :meth:`Store.neighbors_many` gives the same whole.
    """

    def sketch_inward(
        self, entity_ids: Collection[str], *, types: Collection[str]
    ) -> dict[str, list[Member]]:
        """By entity asked about that exists, the relationships of ``types``
        that point into it, sorted by identity: one round trip."""
        ...


class _ReadsFrontiers(Protocol):
    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
        among: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]: ...


class OneAtATime:
    """:meth:`Store.neighbors` as one entity's :meth:`Store.neighbors_many`,
    for stores that read a whole frontier at once and one entity the same way."""

    def neighbors(
        self: _ReadsFrontiers,
        entity_id: str,
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> list[Neighbor]:
        return self.neighbors_many([entity_id], direction=direction, types=types).get(entity_id, [])


class Store(Protocol):
    """A graph of entities and relationships that can be read and written."""

    #: Short description for messages, e.g. the file path or the Neo4j URI.
    location: str

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
        """Upsert entities and relationships (see :mod:`renmai.graph.plan`).

        Every relationship's ends must exist, in the store or in ``entities``,
        with kinds its type may join; otherwise :class:`IntegrityError` is raised
        and nothing is written. Writing the same data twice changes nothing.
        With ``replace`` the records given replace the stored ones instead of
        being merged into them; ``deletions`` are deleted in the same write (an
        entity only with all its relationships). The history record of what the
        write changed, as ``change`` describes it, is kept in the same
        transaction (:mod:`renmai.graph.history`); a write that changes nothing
        keeps none.
        """
        ...

    def history(
        self, entity_id: str | None = None, *, since: str | None = None
    ) -> list[ChangeRecord]:
        """The kept change records that concern ``entity_id`` (every one without
        it), written on or after ``since`` (ISO date or time), oldest first —
        :func:`renmai.graph.history.select` of them all."""
        ...

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        ...

    def get_many(self, entity_ids: Collection[str]) -> dict[str, Entity]:
        """The entities with these ids that exist, by id."""
        ...

    def kinds(self, entity_ids: Collection[str]) -> dict[str, str]:
        """The kinds of the entities with these ids that exist (``{id: kind}``),
        without reading their records: a loader tells which of a part's
        references are stored ids this way, in one call for the whole part."""
        ...

    def find(self, name: str, kind: str | None = None) -> list[Entity]:
        """Entities whose name, English name or an alias has the same key as ``name``."""
        ...

    def holders(self, names: Collection[str]) -> dict[str, dict[str, str]]:
        """For each name, the ids and kinds of the entities :meth:`find` gives
        for it (``{id: kind}``), for many names at once and without reading
        their records: a loader checks a whole part of a large load this way."""
        ...

    def neighbors(
        self,
        entity_id: str,
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> list[Neighbor]:
        """The relationships of an entity, with the entities at their other ends."""
        ...

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
        among: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]:
        """:meth:`neighbors` of many entities in one round trip, by id (graph walks
        expand a whole frontier at once this way); with ``among``, only the
        relationships whose other end is one of those ids (where a walk's two
        sides can meet: a hub's other thousands are never read)."""
        ...

    def degrees(self, entity_ids: Collection[str]) -> dict[str, int]:
        """How many relationships each entity has, either way (``len(neighbors(id))``),
        by id, for those that exist: one round trip, no relationship read (graph
        walks need only the degree of where their two sides meet)."""
        ...

    def homes(self) -> list[Entity]:
        """The home entities ("us"), where queries start by default."""
        ...

    def newest_date(self) -> str | None:
        """The newest evidence date in the graph, or None when it holds none: the
        :func:`~renmai.graph.dates.latest` of every relationship's ``since`` and
        ``until`` and of every entity's :attr:`~renmai.graph.schema.EntityKind.evidence`
        fields (an archive's "now", from which rankings measure recency). Every
        query asks: a store keeps the answer until its graph changes."""
        ...

    def search_candidates(
        self, text: str, kind: str | None = None, limit: int = 50
    ) -> list[Entity]:
        """Entities whose names may match ``text`` (a superset, unranked): the
        embedded store scans name keys, Neo4j asks its fulltext index. Ranking is
        the query layer's job, so both stores rank alike."""
        ...

    def get_relationships(
        self, ids: Collection[RelationshipId]
    ) -> dict[RelationshipId, Relationship]:
        """The relationships with these identities that exist."""
        ...

    def counts(self) -> Counts:
        """Entities by kind and relationships by type."""
        ...

    def has_entities(self) -> bool:
        """Whether the store holds any entity; cheaper than counts() on a large store."""
        ...

    def entities(self, kind: str | None = None) -> Iterator[Entity]:
        """Every entity (of one kind), in id order."""
        ...

    def relationships(self, type: str | None = None) -> Iterator[Relationship]:
        """Every relationship (of one type), in identity order."""
        ...

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph: nodes keyed by id with ``entity`` data, edges keyed by
        ``str(identity)`` with ``relationship`` data."""
        ...

    def close(self) -> None:
        """Release connections and locks."""
        ...


def delete_entity(store: Store, entity_id: str) -> bool:
    """Delete an entity and its relationships in one write that keeps its
    history; False when there was none."""
    if store.get(entity_id) is None:
        return False
    rels = [n.relationship.identity for n in store.neighbors(entity_id)]
    deletions = Deletions(entities=[entity_id], relationships=rels)
    store.write([], [], deletions=deletions, change=Change("delete", entity_id))
    return True


def delete_relationship(store: Store, rel_id: RelationshipId) -> bool:
    """Delete one relationship in a write that keeps its history; False when
    there was none."""
    if not store.get_relationships([rel_id]):
        return False
    deletions = Deletions(relationships=[rel_id])
    store.write([], [], deletions=deletions, change=Change("delete", str(rel_id)))
    return True
