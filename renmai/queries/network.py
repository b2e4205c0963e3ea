"""Questions about the whole network: brokers, coverage and stale relationships.

These read the whole graph once (:meth:`Store.to_networkx`) and answer in memory.

* :func:`brokers`: the entities whose loss would cut us off from most of the
  network — betweenness centrality and articulation points of the undirected
  projection without geographic containment, and for each articulation point
  how many entities reachable from home would become unreachable.
* :func:`coverage`: each country or region (SARs included) by the contacts and
  relationships we have there — everything in it, representing it or rooted in
  it — how many of those are live, and where we have none or only stale ones.
* :func:`stale`: relationships with no evidence of contact since a date (结交新朋友、
  不忘老朋友: the friends we are about to lose).

>>> # [row.entity.name for row in brokers(store)[:3]]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from renmai.graph.dates import year_of, year_start
from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Direction, Neighbor, Store
from renmai.queries.arrows import relationship_label
from renmai.queries.kinds import is_agent, is_geographic
from renmai.queries.ranking import Ranker, last_evidence, ranker_for
from renmai.queries.targets import place_members
from renmai.queries.walk import entity_summary
from renmai.queries.weights import RankingWeights

if TYPE_CHECKING:  # imported by the whole-graph questions only, not by every command
    import networkx as nx

#: Above this many entities betweenness is estimated from this many sampled
#: sources (seeded, so the answer is the same every time and on every store).
BETWEENNESS_EXACT_LIMIT = 2000
BETWEENNESS_SAMPLES = 500


class GraphView:
    """A graph held in memory (from :meth:`Store.to_networkx`) that answers
    ``get_many`` and ``neighbors_many`` like a store."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph

    def entity(self, entity_id: str) -> Entity:
        entity: Entity = self.graph.nodes[entity_id]["entity"]
        return entity

    def entities(self, kind: str | None = None) -> list[Entity]:
        return [
            e
            for e in (self.entity(i) for i in sorted(self.graph.nodes))
            if kind is None or e.kind == kind
        ]

    def relationships(self) -> list[Relationship]:
        rels = [d["relationship"] for _, _, d in self.graph.edges(data=True)]
        return sorted(rels, key=lambda r: r.identity)

    def get_many(self, entity_ids: Collection[str]) -> dict[str, Entity]:
        return {i: self.entity(i) for i in entity_ids if i in self.graph}

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]:
        found: dict[str, list[Neighbor]] = {}
        for entity_id in entity_ids:
            if entity_id not in self.graph:
                continue
            edges: list[tuple[Relationship, bool]] = []
            if direction in ("out", "both"):
                edges += [
                    (d["relationship"], True)
                    for *_, d in self.graph.out_edges(entity_id, data=True)
                ]
            if direction in ("in", "both"):
                edges += [
                    (d["relationship"], False)
                    for *_, d in self.graph.in_edges(entity_id, data=True)
                ]
            found[entity_id] = sorted(
                (
                    Neighbor(rel, self.entity(rel.other(entity_id)), out)
                    for rel, out in edges
                    if types is None or rel.type in types
                ),
                key=lambda n: (n.relationship.identity, not n.outgoing),
            )
        return found


def projection(view: GraphView) -> nx.Graph:
    """The undirected simple graph of every relationship but geographic
    containment, nodes and edges added in id order (so that seeded sampling
    picks the same sources whatever the store)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(view.graph.nodes))
    edges = set()
    for rel in view.relationships():
        if not is_geographic(rel, view.entity(rel.to_id)):
            edges.add(tuple(sorted(rel.ends)))
    graph.add_edges_from(sorted(edges))
    return graph


def cut_losses(graph: nx.Graph, homes: Collection[str]) -> tuple[set[str], dict[str, int]]:
    """The entities reachable from ``homes``, and for each entity whose removal
    would disconnect some of them from every home, how many.

    One depth-first search per home component (Tarjan's low-link, iterative):
    removing ``v`` cuts off each DFS child subtree ``c`` with ``low[c] ≥ disc[v]``;
    it is lost unless it holds a home itself.
    """
    home_set = set(homes)
    disc: dict[str, int] = {}
    low: dict[str, int] = {}
    size: dict[str, int] = {}
    held: dict[str, int] = {}
    losses: dict[str, int] = defaultdict(int)
    reached: set[str] = set()
    for root in sorted(home_set):
        if root in disc or root not in graph:
            continue
        order = len(disc)
        disc[root] = low[root] = order
        size[root], held[root] = 1, 1
        stack: list[tuple[str, str | None, Iterable[str]]] = [
            (root, None, iter(sorted(graph[root])))
        ]
        while stack:
            v, parent, rest = stack[-1]
            for w in rest:
                if w == parent:
                    continue
                if w in disc:
                    low[v] = min(low[v], disc[w])
                    continue
                disc[w] = low[w] = len(disc)
                size[w], held[w] = 1, int(w in home_set)
                stack.append((w, v, iter(sorted(graph[w]))))
                break
            else:
                stack.pop()
                reached.add(v)
                if parent is not None:
                    low[parent] = min(low[parent], low[v])
                    size[parent] += size[v]
                    held[parent] += held[v]
                    if low[v] >= disc[parent] and held[v] == 0:
                        losses[parent] += size[v]
    return reached, {v: n for v, n in losses.items() if v not in home_set}


@dataclass(frozen=True)
class Broker:
    """An entity the network hangs on."""

    entity: Entity
    betweenness: float
    articulation: bool
    #: Entities reachable from home that its loss would make unreachable.
    lost: int
    #: ``lost`` as a share of everything reachable from home.
    share: float

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.entity.id,
            "name": self.entity.name,
            "kind": self.entity.kind,
            "betweenness": round(self.betweenness, 4),
            "articulation": self.articulation,
            "lost": self.lost,
            "share": round(self.share, 4),
        }


def brokers(
    store: Store, *, homes: Collection[Entity] | None = None, limit: int | None = 20
) -> list[Broker]:
    """The entities most of our network hangs on, most critical first: those
    whose removal cuts off the most entities reachable from home, then by
    betweenness centrality. Home entities themselves are not listed.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> [(broker.entity.name, broker.lost) for broker in brokers(store)]
    [('加拿大中山同乡会', 1), ('中以科技创新周', 1)]
    """
    import networkx as nx

    view = GraphView(store.to_networkx())
    home_ids = sorted(e.id for e in homes) if homes else [e.id for e in view.entities() if e.home]
    graph = projection(view)
    if graph.number_of_nodes() > BETWEENNESS_EXACT_LIMIT:
        centrality = nx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLES, seed=0)
    else:
        centrality = nx.betweenness_centrality(graph)
    articulation = set(nx.articulation_points(graph))
    reached, losses = cut_losses(graph, home_ids)
    total = max(1, len(reached) - len(set(home_ids) & reached))
    found = [
        Broker(
            view.entity(v),
            float(centrality.get(v, 0.0)),
            v in articulation,
            losses.get(v, 0),
            losses.get(v, 0) / total,
        )
        for v in graph.nodes
        if v not in home_ids and (losses.get(v) or centrality.get(v))
    ]
    found.sort(key=lambda b: (-b.lost, -round(b.betweenness, 9), b.entity.name, b.entity.id))
    return found if limit is None else found[:limit]


# -- coverage -------------------------------------------------------------------------

Status = Literal["home", "live", "stale", "undated", "none"]


@dataclass(frozen=True)
class CoverageRow:
    """What we have in one country (or region, when aggregated)."""

    name: str
    region: str | None
    #: The country, or None for a region's total.
    entity: Entity | None
    #: Entities there (itself, what is inside, consulates, people rooted there).
    members: int
    #: Those that can act (people, organizations, associations, consulates, cities).
    contacts: int
    live_contacts: int
    relationships: int
    live: int
    stale: int
    undated: int
    last: str | None
    status: Status

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.entity.id if self.entity else None,
            "name": self.name,
            "region": self.region,
            "members": self.members,
            "contacts": self.contacts,
            "live_contacts": self.live_contacts,
            "relationships": self.relationships,
            "live": self.live,
            "stale": self.stale,
            "undated": self.undated,
            "last": self.last,
            "status": self.status,
        }


@dataclass
class Coverage:
    """The answer of :func:`coverage`."""

    since: str
    reference_date: str | None
    by: Literal["country", "region"]
    rows: list[CoverageRow]

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "reference_date": self.reference_date,
            "by": self.by,
            "rows": [r.as_row() for r in self.rows],
        }


def default_since(ranker: Ranker) -> str:
    """The reference date less ``stale_after_years``, as a year (or this year's
    start when the graph has no date)."""
    reference = ranker.reference
    if reference is None:
        return "0001"
    return f"{int(reference - ranker.weights.stale_after_years):04d}"


def _status(live: int, stale: int, undated: int) -> Status:
    if live:
        return "live"
    if stale:
        return "stale"
    return "undated" if undated else "none"


def coverage(
    store: Store,
    *,
    since: str | None = None,
    by: Literal["country", "region"] = "country",
    weights: RankingWeights | None = None,
) -> Coverage:
    """Countries (or regions) by the live contacts and relationships we have
    there; a relationship is live when its last evidence is on or after
    ``since`` (default: the reference date less ``stale_after_years``).
    The country of a home entity is marked ``home``. Sorted by live contacts,
    then relationships, then name, so the gaps come last.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> answer = coverage(store, since="2015")
    >>> [(row.name, row.status, row.live_contacts, row.contacts) for row in answer.rows]
    [('中国', 'home', 2, 3), ('加拿大', 'live', 1, 3), ('以色列', 'live', 1, 1)]
    """
    ranker = ranker_for(store, weights)
    since = since or default_since(ranker)
    bound = year_start(since)
    view = GraphView(store.to_networkx())
    contact = SCHEMA.contact_kinds
    rows = []
    for country in view.entities(SCHEMA.country_kind):
        members = place_members(view, country).members
        rels: dict[RelationshipId, Relationship] = {}
        for found in view.neighbors_many(list(members)).values():
            rels.update(
                (n.relationship.identity, n.relationship)
                for n in found
                if n.relationship.type in contact
            )
        lasts = {
            rid: last_evidence(r, view.entity(r.from_id), view.entity(r.to_id))
            for rid, r in rels.items()
        }
        live = {rid for rid, d in lasts.items() if d and year_of(d) >= bound}
        stale_n = sum(1 for d in lasts.values() if d and year_of(d) < bound)
        undated = sum(1 for d in lasts.values() if d is None)
        agents = [m for m in members.values() if m.id != country.id and is_agent(m)]
        live_contacts = sum(1 for m in agents if any(m.id in rels[rid].ends for rid in live))
        dated = [d for d in lasts.values() if d]
        home = any(m.home for m in members.values())
        rows.append(
            CoverageRow(
                country.name,
                _region(country),
                country,
                len(members),
                len(agents),
                live_contacts,
                len(rels),
                len(live),
                stale_n,
                undated,
                max(dated, key=year_of) if dated else None,
                "home" if home else _status(len(live), stale_n, undated),
            )
        )
    if by == "region":
        rows = _by_region(rows)
    rows.sort(key=lambda r: (-r.live_contacts, -r.live, -r.relationships, r.name))
    return Coverage(since, ranker.reference_date, by, rows)


def _region(country: Entity) -> str | None:
    region = country.properties.get("region")
    return str(region) if region else None


def _by_region(rows: list[CoverageRow]) -> list[CoverageRow]:
    """Countries summed by region; our own country stays a row of its own."""
    grouped: dict[str, list[CoverageRow]] = defaultdict(list)
    totals = [row for row in rows if row.status == "home"]
    for row in rows:
        if row.status != "home":
            grouped[row.region or "—"].append(row)
    for region, members in grouped.items():
        lasts = [r.last for r in members if r.last]
        live = sum(r.live for r in members)
        stale_n = sum(r.stale for r in members)
        undated = sum(r.undated for r in members)
        totals.append(
            CoverageRow(
                region,
                region,
                None,
                sum(r.members for r in members),
                sum(r.contacts for r in members),
                sum(r.live_contacts for r in members),
                sum(r.relationships for r in members),
                live,
                stale_n,
                undated,
                max(lasts, key=year_of) if lasts else None,
                _status(live, stale_n, undated),
            )
        )
    return totals


# -- stale ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleRow:
    """A relationship with no evidence of contact since the date asked about."""

    relationship: Relationship
    source: Entity
    target: Entity
    #: The last evidence of contact between the two (any of their relationships).
    last: str | None

    @property
    def ours(self) -> bool:
        """Whether one end is a home entity: our own friend."""
        return self.source.home or self.target.home

    def as_row(self) -> dict[str, Any]:
        rel = self.relationship
        return {
            "from": self.source.name,
            "relationship": relationship_label(rel),
            "to": self.target.name,
            "type": rel.type,
            "since": rel.since,
            "until": rel.until,
            "last": self.last,
            "ours": self.ours,
            "from_id": self.source.id,
            "to_id": self.target.id,
            "sources": len(rel.sources),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.as_row(),
            "from": entity_summary(self.source),
            "to": entity_summary(self.target),
            "relationship": self.relationship.model_dump(
                mode="json", by_alias=True, exclude_defaults=True
            ),
        }


def stale(
    store: Store, since: str, *, include_undated: bool = False, ours: bool = False
) -> list[StaleRow]:
    """Relationships of contact (not where things are) whose two ends show no
    evidence of contact on or after ``since`` — through this relationship or
    any other between them. Most recently lapsed first; undated ones (no
    evidence at all) only with ``include_undated``, last; only those with a
    home entity at one end with ``ours``.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> [(row.source.name, row.target.name, row.last) for row in stale(store, "2015", ours=True)]
    [('中山市', '中山市与本拿比市友好城市协议', '2012-06'), ('本拿比市', '中山市', '2012-06')]
    """
    bound = year_start(since)
    view = GraphView(store.to_networkx())
    contact = SCHEMA.contact_kinds
    rels = [r for r in view.relationships() if r.type in contact]
    pair_last: dict[tuple[str, str], str | None] = {}
    for rel in rels:
        pair = (min(rel.ends), max(rel.ends))
        last = last_evidence(rel, view.entity(rel.from_id), view.entity(rel.to_id))
        previous = pair_last.get(pair)
        if previous is None or (last is not None and year_of(last) > year_of(previous)):
            pair_last[pair] = last
    rows = []
    for rel in rels:
        last = pair_last[(min(rel.ends), max(rel.ends))]
        if last is None and not include_undated:
            continue
        if last is not None and year_of(last) >= bound:
            continue
        row = StaleRow(rel, view.entity(rel.from_id), view.entity(rel.to_id), last)
        if ours and not row.ours:
            continue
        rows.append(row)
    rows.sort(
        key=lambda r: (
            *_lapsed_order(r.last),
            r.source.name,
            r.target.name,
            r.relationship.identity,
        )
    )
    return rows


def _lapsed_order(last: str | None) -> tuple[bool, float]:
    """Most recently lapsed first, undated last."""
    return (last is None, -year_of(last) if last else 0.0)


@dataclass(frozen=True)
class LastContact:
    """An entity and our last contact with it: the date, and what it was."""

    entity: Entity
    #: The latest evidence of any of its ties of contact; None when undated.
    last: str | None
    #: The relationship that shows it, and the entity at its other end (the
    #: event met at, the office liaised with …); None when it has no tie dated.
    relationship: Relationship | None
    other: Entity | None

    def what(self) -> str:
        """What the last contact was: ``参加 会见巴西总领事``."""
        if self.relationship is None or self.other is None:
            return ""
        return f"{relationship_label(self.relationship)} {self.other.name}"

    def as_row(self) -> dict[str, Any]:
        return {
            "name": self.entity.name,
            "kind": self.entity.kind,
            "last": self.last,
            "what": self.what(),
            "id": self.entity.id,
        }

    def to_dict(self) -> dict[str, Any]:
        rel = self.relationship
        return {
            **self.as_row(),
            "entity": entity_summary(self.entity),
            "via": entity_summary(self.other) if self.other else None,
            "relationship": rel.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            if rel
            else None,
        }


def last_contacts(store: Store, *, ours: bool = False) -> list[LastContact]:
    """Every entity that can act — people, organizations, associations,
    consulates, cities; not countries, not us — with its last contact: the
    latest evidence of any of its ties of contact (an event it took part in
    is dated by the event: a logged meeting is contact on its day). With
    ``ours``, only those with a direct tie of contact to a home entity."""
    view = GraphView(store.to_networkx())
    contact = SCHEMA.contact_kinds
    found = []
    for entity in view.entities():
        if entity.home or entity.kind == SCHEMA.country_kind or not is_agent(entity):
            continue
        ties = [
            n for n in view.neighbors_many([entity.id])[entity.id] if n.relationship.type in contact
        ]
        if not ties or (ours and not any(n.entity.home for n in ties)):
            continue
        best: tuple[float, str, Neighbor] | None = None
        for n in ties:
            last = last_evidence(n.relationship, entity, n.entity)
            if last is not None and (best is None or year_of(last) > best[0]):
                best = (year_of(last), last, n)
        if best is None:
            found.append(LastContact(entity, None, None, None))
        else:
            found.append(LastContact(entity, best[1], best[2].relationship, best[2].entity))
    return found


def stale_contacts(
    store: Store, since: str, *, include_undated: bool = False, ours: bool = False
) -> list[LastContact]:
    """The entities we have had no contact with on or after ``since``
    (:func:`last_contacts`), most recently lapsed first; undated ones only
    with ``include_undated``, last.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> [(row.entity.name, row.last) for row in stale_contacts(store, "2015")]
    [('本拿比市', '2012-06'), ('黄红星', '2010')]
    >>> stale_contacts(store, "2015")[0].what()
    '签署 中山市与本拿比市友好城市协议'
    """
    bound = year_start(since)
    rows = [
        row
        for row in last_contacts(store, ours=ours)
        if (row.last is None and include_undated)
        or (row.last is not None and year_of(row.last) < bound)
    ]
    rows.sort(key=lambda r: (*_lapsed_order(r.last), r.entity.name, r.entity.id))
    return rows
