"""Walking the graph from origins to targets: bounded exploration and best paths.

Every path query (``connect``, ``path``) runs the same two phases:

1. :func:`explore` fetches the part of the graph that paths of at most
   ``max_hops`` can use, a level at a time from both ends (origins forward,
   targets backward), with one :meth:`~renmai.graph.store.Store.neighbors_many`
   round trip per level, expanding the cheaper side first — the frontier with
   fewer relationships (:meth:`~renmai.graph.store.Store.degrees`), the
   targets' on a tie — and keeping each frontier to its ``frontier_cap``
   best-scoring entities. The last level fetches only the relationships that
   meet the other side, and where the sides meet only degrees are fetched (the
   hub factor). It fills a :class:`LocalGraph`.
2. :func:`best_paths` enumerates simple paths on that local graph best first
   (A* with an exact upper bound per remaining hop count), optionally grouped,
   e.g. by the first contact we would call.

Walking rules (:meth:`LocalGraph.allowed`): relationships are walked in either
direction; a path never passes through an origin or a target (it starts at
the one and stops at the other); geographic containment — ``LOCATED_IN`` or
``PART_OF`` into a country or city — is walked only

* upward as the last step into a place target (it is *how* a place is reached), or
* downward as the first step from an origin into a place (our own towns and districts);

never in the middle: two organizations are not connected because both are in
the United States.

>>> from renmai.graph.embedded import EmbeddedStore
>>> import tempfile, pathlib
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "g.json")
>>> from renmai.graph.model import Entity, Relationship
>>> _ = store.write(
...     [Entity(id="a", kind="Person", name="甲"), Entity(id="b", kind="Person", name="乙"),
...      Entity(id="c", kind="Person", name="丙")],
...     [Relationship(type="KNOWS", from_id="a", to_id="b"),
...      Relationship(type="KNOWS", from_id="b", to_id="c")])
>>> from renmai.queries.ranking import ranker_for
>>> graph = LocalGraph(ranker_for(store), store.get_many(["a"]), store.get_many(["c"]))
>>> explore(store, graph, max_hops=4)
>>> [path_text(p) for g in best_paths(graph, max_hops=4) for p in g.paths]
['甲 —认识— 乙 —认识— 丙']
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Neighbor, Store
from renmai.queries.arrows import path_text, step_arrow
from renmai.queries.kinds import is_geographic, is_place
from renmai.queries.ranking import Ranker

#: Entities kept per frontier level on each side: enough for every path worth
#: reading, few enough that one level is one quick round trip at 100k entities.
FRONTIER_CAP = 150
#: Relationships fetched at most before the exploration stops going deeper: a
#: guard against levels full of hubs with thousands of members each.
EDGE_BUDGET = 200_000
#: Partial paths popped at most by :func:`best_paths` before it settles for
#: what it has (only reached on very dense neighbourhoods).
PATH_BUDGET = 50_000


@dataclass(frozen=True)
class Link:
    """One relationship of a step, seen in the step's direction."""

    relationship: Relationship
    #: True when the relationship points from the step's source to its target.
    forward: bool
    strength: float


@dataclass(frozen=True)
class Step:
    """One hop of a path: the relationships that join two entities there."""

    source: Entity
    target: Entity
    #: The relationships that may be walked here, strongest first.
    links: tuple[Link, ...]
    #: Their combined strength (:meth:`Ranker.combine`).
    strength: float
    #: What the step contributes to the path's score: strength × hop penalty ×
    #: the hub factor of its source.
    factor: float = 1.0

    @property
    def relationship(self) -> Relationship:
        """The strongest relationship, the one a path is written with."""
        return self.links[0].relationship

    @property
    def forward(self) -> bool:
        return self.links[0].forward


@dataclass(frozen=True)
class Path:
    """A path from an origin to a target, with its score."""

    steps: tuple[Step, ...]
    score: float

    @property
    def nodes(self) -> tuple[Entity, ...]:
        return (self.steps[0].source, *(s.target for s in self.steps))

    @property
    def hops(self) -> int:
        return len(self.steps)

    @property
    def relationships(self) -> list[Relationship]:
        return [link.relationship for s in self.steps for link in s.links]

    def to_dict(self) -> dict[str, Any]:
        """The path as JSON data (the shape is documented in ``docs/queries.md``)."""
        return {
            "score": round(self.score, 6),
            "hops": self.hops,
            "text": path_text(self),
            "nodes": [entity_summary(e) for e in self.nodes],
            "steps": [
                {
                    "from": step.source.id,
                    "to": step.target.id,
                    "arrow": step_arrow(step),
                    "strength": round(step.strength, 6),
                    "factor": round(step.factor, 6),
                    "relationships": [
                        {
                            **link.relationship.model_dump(
                                mode="json", by_alias=True, exclude_defaults=True
                            ),
                            "label": SCHEMA.relationship_kind(link.relationship.type).label_zh,
                            "forward": link.forward,
                            "strength": round(link.strength, 6),
                        }
                        for link in step.links
                    ],
                }
                for step in self.steps
            ],
        }


def entity_summary(entity: Entity) -> dict[str, Any]:
    """The fields that identify an entity in an answer (never contact details)."""
    return {"id": entity.id, "name": entity.name, "name_en": entity.name_en, "kind": entity.kind}


class LocalGraph:
    """The part of the graph a query has fetched, with its origins and targets.

    Adjacency is complete for *expanded* entities (all their relationships were
    fetched) and partial for the rest. Only entities whose degree — the hub
    factor — is known can be the middle of a path: the expanded ones, origins,
    and those whose degree was noted alone (:meth:`note_degrees`: where the two
    sides of a walk met, whose relationships to both sides are known already).
    """

    def __init__(
        self,
        ranker: Ranker,
        origins: Mapping[str, Entity],
        targets: Mapping[str, Entity],
        *,
        places_asked: Collection[str] | None = None,
    ) -> None:
        self.ranker = ranker
        self.origins = frozenset(origins)
        self.targets = frozenset(targets) - self.origins
        #: The places the question is about, which containment may lead into as
        #: the last step (None: any target).
        self.places_asked = self.targets if places_asked is None else frozenset(places_asked)
        self.entities: dict[str, Entity] = {**targets, **origins}
        #: Known degrees: of every expanded entity and of those noted alone.
        self.degree: dict[str, int] = {}
        self._expanded: set[str] = set()
        #: Relationships fetched so far (each counted at every end expanded).
        self.fetched = 0
        self._adj: dict[str, dict[str, dict[RelationshipId, tuple[Relationship, bool]]]] = {}
        self._steps: dict[tuple[str, str], Step | None] = {}
        self._strengths: dict[tuple[str, str], float] = {}
        self._sorted: dict[str, list[str]] = {}

    # -- filling -------------------------------------------------------------------
    def absorb(
        self, entity_id: str, neighbors: Sequence[Neighbor], *, complete: bool = True
    ) -> None:
        """Record relationships of ``entity_id``: all of them (it becomes
        expanded), or with ``complete=False`` some (its degree is noted apart)."""
        if complete:
            self.degree[entity_id] = len(neighbors)
            self._expanded.add(entity_id)
        self.fetched += len(neighbors)
        adj, entities, sorted_ = self._adj, self.entities, self._sorted
        mine = adj.setdefault(entity_id, {})
        sorted_.pop(entity_id, None)
        # Runs once per relationship fetched, tens of thousands a query.
        for rel, entity, outgoing in neighbors:
            other = entity.id
            if other not in entities:
                entities[other] = entity
            rid = rel.identity
            between = mine.get(other)
            if between is None:
                between = mine[other] = {}
            else:
                # Steps are cached only between entities already joined here.
                self._forget(entity_id, other)
            between[rid] = (rel, outgoing)
            theirs = adj.get(other)
            if theirs is None:
                theirs = adj[other] = {}
            back = theirs.get(entity_id)
            if back is None:
                back = theirs[entity_id] = {}
            back[rid] = (rel, not outgoing)
            sorted_.pop(other, None)

    def _forget(self, u: str, v: str) -> None:
        for pair in ((u, v), (v, u)):
            self._steps.pop(pair, None)
            self._strengths.pop(pair, None)

    def note_degrees(self, degrees: Mapping[str, int]) -> None:
        """Record the degree of entities not expanded (so they may be middles)."""
        for entity_id, degree in degrees.items():
            self.degree.setdefault(entity_id, degree)

    def cost(self, store: Store, entity_ids: Collection[str]) -> int:
        """How many relationships expanding ``entity_ids`` would fetch (the
        degrees not yet known are asked for: one round trip)."""
        waiting = [i for i in entity_ids if i not in self._expanded]
        unknown = [i for i in waiting if i not in self.degree]
        if unknown:
            self.note_degrees(store.degrees(unknown))
        return sum(self.degree.get(i, 0) for i in waiting)

    def expand(
        self, store: Store, entity_ids: Collection[str], among: Collection[str] | None = None
    ) -> None:
        """Fetch and absorb the entities not yet expanded: one round trip. With
        ``among``, only their relationships to those entities (they stay not
        expanded: their degree must be noted apart)."""
        wanted = sorted(i for i in entity_ids if i not in self._expanded)
        if not wanted:
            return
        found = store.neighbors_many(wanted, among=among)
        for entity_id in wanted:
            self.absorb(entity_id, found.get(entity_id, []), complete=among is None)

    # -- reading -------------------------------------------------------------------
    def expanded(self, entity_id: str) -> bool:
        return entity_id in self._expanded

    def neighbors(self, entity_id: str) -> list[str]:
        """The entities joined to ``entity_id`` that are known, in id order."""
        found = self._sorted.get(entity_id)
        if found is None:
            found = self._sorted[entity_id] = sorted(self._adj.get(entity_id, {}))
        return found

    def hub(self, entity_id: str) -> float | None:
        """The hub factor of passing through ``entity_id`` (1 at an origin); None
        when its degree is unknown, so it cannot be the middle of a path."""
        if entity_id in self.origins:
            return 1.0
        degree = self.degree.get(entity_id)
        return None if degree is None else self.ranker.hub(degree)

    def allowed(self, rel: Relationship, u: str, v: str) -> bool:
        """Whether ``rel`` may be walked from ``u`` to ``v`` (see the module doc)."""
        if not is_geographic(rel, self.entities.get(rel.to_id)):
            return True
        if rel.from_id == u and v in self.targets and v in self.places_asked:
            return True  # upward into the place asked about: the last step
        if rel.to_id == u and u in self.origins:
            return is_place(self.entities.get(v))  # downward into our own towns
        return False

    def step(self, u: str, v: str) -> Step | None:
        """The step from ``u`` to ``v``, or None when nothing joins them there."""
        key = (u, v)
        if key in self._steps:
            return self._steps[key]
        found = []
        a, b = self.entities[u], self.entities[v]
        for rid, (rel, outgoing) in self._adj.get(u, {}).get(v, {}).items():
            if self.allowed(rel, u, v):
                strength = self.ranker.strength(rel, a, b, key=rid)
                found.append((-strength, rid, Link(rel, outgoing, strength)))
        step = None
        if found:
            found.sort(key=lambda item: (item[0], item[1]))
            links = tuple(link for *_, link in found)
            step = Step(a, b, links, self.ranker.combine(link.strength for link in links))
        self._steps[key] = step
        return step

    def strength(self, u: str, v: str) -> float:
        """The combined strength of the step ``u``→``v`` (0: not walkable); the
        same number as ``step(u, v).strength``, without building the step."""
        key = (u, v)
        cached = self._strengths.get(key)
        if cached is None:
            a, b = self.entities[u], self.entities[v]
            ranker = self.ranker
            best, count = 0.0, 0
            for rid, (rel, _) in self._adj.get(u, {}).get(v, {}).items():
                if self.allowed(rel, u, v):
                    best = max(best, ranker.strength(rel, a, b, key=rid))
                    count += 1
            cached = self._strengths[key] = ranker.combine_best(best, count) if count else 0.0
        return cached

    def factor(self, u: str, v: str) -> float:
        """What the step ``u``→``v`` multiplies a path's score by (0: not walkable)."""
        hub = self.hub(u)
        if hub is None:
            return 0.0
        return self.strength(u, v) * self.ranker.weights.hop_penalty * hub

    def path(self, nodes: Sequence[str]) -> Path:
        """The :class:`Path` through ``nodes`` (each step must be walkable)."""
        steps = []
        score = 1.0
        for u, v in itertools.pairwise(nodes):
            step = self.step(u, v)
            assert step is not None
            f = self.factor(u, v)
            score *= f
            steps.append(Step(step.source, step.target, step.links, step.strength, f))
        return Path(tuple(steps), score)


def _top(scores: Mapping[str, float], cap: int) -> list[str]:
    """The ``cap`` best-scoring ids, ties by id."""
    return [i for _, i in heapq.nsmallest(cap, [(-s, i) for i, s in scores.items()])]


def explore(
    store: Store,
    graph: LocalGraph,
    *,
    max_hops: int,
    frontier_cap: int = FRONTIER_CAP,
    expand_ends: Callable[[Entity], bool] | None = None,
    edge_budget: int = EDGE_BUDGET,
) -> None:
    """Fetch what paths of up to ``max_hops`` from the graph's origins to its
    targets can use: one round trip per level, cheaper side first, frontiers
    capped to their ``frontier_cap`` best entities, going no deeper once
    ``edge_budget`` relationships have been fetched. Finally, the targets
    reached that ``expand_ends`` accepts (where a path may go on to an
    introducer) are expanded, and the degrees of the entities where the two
    sides met are fetched: a round trip each."""
    lam = graph.ranker.weights.hop_penalty
    forward: dict[str, float] = dict.fromkeys(sorted(graph.origins), 1.0)
    backward: dict[str, float] = dict.fromkeys(sorted(graph.targets), 1.0)
    f_frontier = list(forward)[:frontier_cap]
    b_frontier = list(backward)[:frontier_cap]
    depth = 0
    while depth < max_hops and f_frontier and b_frontier:
        if graph.fetched > edge_budget:
            break
        depth += 1
        # Every path of up to max_hops is found whichever side each level
        # expands; the cost differs by orders of magnitude: our side starts
        # at the home office, with thousands of relationships. On the last
        # level only the relationships that meet the other side can still be
        # on a path, so only those are fetched.
        last = depth == max_hops
        if graph.cost(store, f_frontier) < graph.cost(store, b_frontier):
            graph.expand(store, f_frontier, among=list(backward) if last else None)
            found: dict[str, float] = {}
            for u in f_frontier:
                for v in graph.neighbors(u):
                    if v in forward or v in graph.origins:
                        continue
                    score = forward[u] * graph.factor(u, v)
                    if score > found.get(v, 0.0):
                        found[v] = score
            forward.update(found)
            f_frontier = _top(
                {v: s for v, s in found.items() if v not in graph.targets}, frontier_cap
            )
        else:
            graph.expand(store, b_frontier, among=list(forward) if last else None)
            found = {}
            for w in b_frontier:
                through = 1.0 if w in graph.targets else graph.hub(w)
                if through is None:
                    continue
                for u in graph.neighbors(w):
                    if u in backward or u in graph.targets:
                        continue
                    score = backward[w] * graph.strength(u, w) * lam * through
                    if score <= 0.0:
                        continue
                    if score > found.get(u, 0.0):
                        found[u] = score
            backward.update(found)
            b_frontier = _top(
                {u: s for u, s in found.items() if u not in graph.origins}, frontier_cap
            )
    if expand_ends is not None:
        ends = {
            t: forward[t]
            for t in graph.targets & forward.keys()
            if not graph.expanded(t) and expand_ends(graph.entities[t])
        }
        graph.expand(store, _top(ends, frontier_cap))
    # Where the two sides met without expanding, only the degree is missing:
    # the relationships to both sides are known. (Expanding them read as many
    # relationships as the rest of the walk: the home city's towns are there.)
    meeting = (forward.keys() & backward.keys()) - graph.origins - graph.targets
    unknown = sorted(i for i in meeting if i not in graph.degree)
    if unknown:
        graph.note_degrees(store.degrees(unknown))


def completion_bounds(graph: LocalGraph, max_hops: int) -> list[dict[str, float]]:
    """``bounds[k][v]``: the best score a walk of at most ``k`` hops from ``v``
    to a target can add (targets: 1). An upper bound for simple paths, which
    makes :func:`best_paths` exact best-first."""
    bounds: list[dict[str, float]] = [dict.fromkeys(graph.targets, 1.0)]
    middles = sorted(v for v in (graph.degree.keys() | graph.origins) if v not in graph.targets)
    # Only targets and other middles can lead on: skip the rest of each list.
    useful = (set(middles) | graph.targets) - graph.origins
    onward: dict[str, list[tuple[str, float]]] = {}
    for v in middles:
        steps = [(w, graph.factor(v, w)) for w in graph.neighbors(v) if w in useful]
        onward[v] = [(w, f) for w, f in steps if f > 0.0]
    for _ in range(max_hops):
        previous = bounds[-1]
        current = dict.fromkeys(graph.targets, 1.0)
        for v in middles:
            best = 0.0
            for w, f in onward[v]:
                value = f * previous.get(w, 0.0)
                if value > best:
                    best = value
            if best > 0.0:
                current[v] = best
        bounds.append(current)
    return bounds


GroupKey = Callable[[LocalGraph, tuple[str, ...]], str | None]
Introducers = Callable[[LocalGraph, tuple[str, ...]], list[str]]


@dataclass
class PathGroup:
    """Paths that share a key (e.g. a first contact), best first."""

    key: str
    paths: list[Path]
    #: True when no path of the group had a key: the group is keyed by the
    #: target the paths end at (reached through no one else).
    fallback: bool = False


def best_paths(
    graph: LocalGraph,
    *,
    max_hops: int,
    group: GroupKey | None = None,
    groups: int = 1,
    per_group: int = 5,
    introduce: Introducers | None = None,
    budget: int = PATH_BUDGET,
) -> list[PathGroup]:
    """The best simple paths from the origins to the targets, best first.

    With ``group``, paths are grouped by the key it returns for a path's nodes
    (None while a partial path's key is not yet known): the first ``groups``
    groups to appear, each with up to ``per_group`` paths. A path that reaches
    a target with its key still unknown goes one step further to each entity
    ``introduce`` returns for it (the introducers: e.g. the company that took
    part in an event held in the target country), if there is a hop left and
    any; otherwise it falls back to a group keyed by its end (at most
    ``groups`` such groups, counted apart). Without ``group``, one group ``""``
    of ``per_group`` paths. Ties are broken by the entity ids along the path,
    so the answer does not depend on the store's order.
    """
    bounds = completion_bounds(graph, max_hops)
    # (−upper bound of any completion, nodes, score so far, complete already)
    heap: list[tuple[float, tuple[str, ...], float, bool]] = []
    for origin in sorted(graph.origins):
        bound = bounds[max_hops].get(origin, 0.0)
        if bound > 0.0:
            heap.append((-bound, (origin,), 1.0, False))
    heapq.heapify(heap)
    found: dict[str, PathGroup] = {}
    fallbacks: dict[str, PathGroup] = {}

    def key_of(nodes: tuple[str, ...]) -> str | None:
        return group(graph, nodes) if group else ""

    def closed(key: str | None, groups_of: dict[str, PathGroup]) -> bool:
        if key is None:
            return False
        if key in groups_of:
            return len(groups_of[key].paths) >= per_group
        return len(groups_of) >= groups

    def settled() -> bool:
        return len(found) >= groups and all(len(g.paths) >= per_group for g in found.values())

    pops = 0
    while heap and pops < budget and not settled():
        _, nodes, score, done = heapq.heappop(heap)
        pops += 1
        last = nodes[-1]
        key = key_of(nodes)
        if closed(key, found):
            continue
        if done or (len(nodes) > 1 and last in graph.targets):
            if key is None and not done and introduce and len(nodes) <= max_hops:
                onward = [(v, graph.factor(last, v)) for v in introduce(graph, nodes)]
                onward = [(v, f) for v, f in onward if f > 0.0 and v not in nodes]
                for v, f in onward:
                    heapq.heappush(heap, (-score * f, (*nodes, v), score * f, True))
                if onward:
                    continue
            groups_of, key = (found, key) if key is not None else (fallbacks, last)
            if closed(key, groups_of):
                continue
            groups_of.setdefault(key, PathGroup(key, [], groups_of is fallbacks))
            groups_of[key].paths.append(graph.path(nodes))
            continue
        left = max_hops - len(nodes)  # hops left after the next one
        for v in graph.neighbors(last):
            if v in nodes or v in graph.origins:
                continue
            f = graph.factor(last, v)
            if f <= 0.0:
                continue
            next_score = score * f
            if v in graph.targets:
                bound = next_score
            else:
                rest = bounds[left].get(v, 0.0) if left > 0 else 0.0
                if rest <= 0.0:
                    continue
                bound = next_score * rest
            heapq.heappush(heap, (-bound, (*nodes, v), next_score, False))
    return [*found.values(), *fallbacks.values()]
