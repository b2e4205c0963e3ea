"""Walking the graph from origins to targets: bounded exploration and best paths.

Every path query (``connect``, ``path``) runs the same two phases:

1. :func:`explore` fetches the part of the graph that paths of at most
   ``max_hops`` can use, a level at a time from both ends — two sides
   (:class:`Side`), the origins' walking forward and the targets' backward,
   advanced by one loop — with one :meth:`~renmai.graph.store.Store.neighbors_many`
   round trip per level, expanding the cheaper side first — the frontier with
   fewer relationships (:meth:`~renmai.graph.store.Store.degrees`), the
   targets' on a tie — and keeping each frontier to its ``frontier_cap``
   best-scoring entities. The last level fetches only the relationships that
   meet the other side, and where the sides meet only degrees are fetched (the
   hub factor). It fills a :class:`LocalGraph`.
2. :func:`best_first` yields the simple paths on that local graph best first
   (A* with an exact upper bound per remaining hop count); :func:`best_paths`
   consumes it into groups (:class:`PathGroup`), e.g. by the first contact we
   would call, and tells it which partial paths its full groups no longer want.

Walking rules: a :class:`LocalGraph` takes its rule as a function
(:data:`WalkRule`); the rule of paths, :func:`path_rule`, is the default.
Relationships are walked in either direction; a path never passes through an
origin or a target (it starts at the one and stops at the other); geographic
containment — ``LOCATED_IN`` or ``PART_OF`` into a country or city — is
walked only

* upward as the last step into a place target (it is *how* a place is reached), or
* downward as the first step from an origin into a place (our own towns and districts);

never in the middle: two organizations are not connected because both are in
the United States.

>>> from renmai.graph.sqlite_store import SqliteStore
>>> import tempfile, pathlib
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
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
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Neighbor, Sketches, Store, StoreError, sketch_neighbors
from renmai.queries.arrows import path_text, step_arrow
from renmai.queries.kinds import is_geographic, is_place
from renmai.queries.ranking import Ranker

#: Entities kept per frontier level on each side: enough for every path worth
#: reading, few enough that one level is one quick round trip at 100k entities.
FRONTIER_CAP = 150
#: Relationships fetched at most before the exploration stops going deeper: a
#: guard against levels full of hubs with thousands of members each.
EDGE_BUDGET = 200_000
#: Partial paths popped at most by :func:`best_first` before it settles for
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
        """Whether the strongest relationship points along the step."""
        return self.links[0].forward


@dataclass(frozen=True)
class Path:
    """A path from an origin to a target, with its score."""

    steps: tuple[Step, ...]
    score: float

    @property
    def nodes(self) -> tuple[Entity, ...]:
        """The entities along the path, origin first."""
        return (self.steps[0].source, *(s.target for s in self.steps))

    @property
    def hops(self) -> int:
        """How many steps the path takes."""
        return len(self.steps)

    @property
    def relationships(self) -> list[Relationship]:
        """Every relationship of every step (parallel ones included)."""
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


#: A walking rule: whether ``rel`` may be walked from ``u`` to ``v`` on the
#: local graph (which knows the origins, targets and entities fetched so far).
#: Called once per relationship a step could use, so it must be cheap.
WalkRule = Callable[["LocalGraph", Relationship, str, str], bool]


#: Kinds of relationship that may be geographic containment: any other kind is
#: walked without looking at its ends (most of them, thousands a question).
_CONTAINMENT = SCHEMA.containment_kinds


def path_rule(graph: LocalGraph, rel: Relationship, u: str, v: str) -> bool:
    """The walking rule of paths from origins to targets (see the module doc):
    anything but geographic containment, which only leads up into the place
    asked about as the last step, or down from an origin into its own places."""
    if rel.type not in _CONTAINMENT or not is_geographic(rel, graph.entities.get(rel.to_id)):
        return True
    if rel.from_id == u and v in graph.targets and v in graph.places_asked:
        return True  # upward into the place asked about: the last step
    if rel.to_id == u and u in graph.origins:
        return is_place(graph.entities.get(v))  # downward into our own towns
    return False


class LocalGraph:
    """The part of the graph a query has fetched, with its origins and targets.

    Adjacency is complete for *expanded* entities (all their relationships were
    fetched) and partial for the rest. Only entities whose degree — the hub
    factor — is known can be the middle of a path: the expanded ones, origins,
    and those whose degree was noted alone (:meth:`note_degrees`: where the two
    sides of a walk met, whose relationships to both sides are known already).

    Which relationships a step may use is the ``rule``'s to say: the rule of
    paths by default (:func:`path_rule`), another for another walk (the
    neighbourhood's, in :mod:`renmai.queries.neighborhood`).
    """

    def __init__(
        self,
        ranker: Ranker,
        origins: Mapping[str, Entity],
        targets: Mapping[str, Entity],
        *,
        places_asked: Collection[str] | None = None,
        rule: WalkRule = path_rule,
        sketched_by: Store | None = None,
    ) -> None:
        self.ranker = ranker
        self.rule = rule
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
        #: Degrees a store gave on the way (the far ends of an expansion): what
        #: :meth:`cost` and the meeting of the sides would otherwise ask for.
        self._given: dict[str, int] = {}
        #: The store that sent sketches (of the targets: ``sketched_by``; or
        #: :meth:`expand` with ``sketch``), to read the records of the paths
        #: whole from (:meth:`complete`).
        self._sketcher: Store | None = sketched_by
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
        adj, entities, sorted_, expanded = self._adj, self.entities, self._sorted, self._expanded
        mine = adj.setdefault(entity_id, {})
        sorted_.pop(entity_id, None)
        # Runs once per relationship fetched, tens of thousands a query.
        for rel, entity, outgoing in neighbors:
            other = entity.id
            if other in expanded and other != entity_id:
                continue  # absorbed with the other end, both ways
            if other not in entities:
                entities[other] = entity
            rid = rel.identity
            between = mine.get(other)
            if between is None:
                mine[other] = {rid: (rel, outgoing)}
            else:
                # Steps are cached only between entities already joined here.
                self._forget(entity_id, other)
                between[rid] = (rel, outgoing)
            theirs = adj.get(other)
            if theirs is None:
                adj[other] = {entity_id: {rid: (rel, not outgoing)}}
            else:
                back = theirs.get(entity_id)
                if back is None:
                    theirs[entity_id] = {rid: (rel, not outgoing)}
                else:
                    back[rid] = (rel, not outgoing)
            sorted_.pop(other, None)

    def _forget(self, u: str, v: str) -> None:
        """Drop the cached steps between ``u`` and ``v``: a relationship joined them."""
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
        self.ask_degrees(store, [i for i in waiting if i not in self.degree])
        return sum(self.degree.get(i, 0) for i in waiting)

    def ask_degrees(self, store: Store, entity_ids: Collection[str]) -> None:
        """Note the degrees of ``entity_ids``: those the store gave on the way,
        the rest asked for (one round trip, if any is left)."""
        given = {i: self._given[i] for i in entity_ids if i in self._given}
        self.note_degrees(given)
        unknown = [i for i in entity_ids if i not in given]
        if unknown:
            self.note_degrees(store.degrees(unknown))

    def expand(
        self,
        store: Store,
        entity_ids: Collection[str],
        among: Collection[str] | None = None,
        *,
        sketch: bool = False,
    ) -> None:
        """Fetch and absorb the entities not yet expanded: one round trip. With
        ``among``, only their relationships to those entities (they stay not
        expanded: their degree must be noted apart). With ``sketch``, what the
        store sends may be sketches (:class:`~renmai.graph.store.Sketches`):
        the paths built from them are made whole by :meth:`complete`."""
        wanted = sorted(i for i in entity_ids if i not in self._expanded)
        if not wanted:
            return
        if sketch:
            sketched = sketch_neighbors(store, wanted, among=among)
            found = sketched.neighbors
            self._given.update(sketched.degrees)
            if isinstance(store, Sketches):
                self._sketcher = store
        else:
            found = store.neighbors_many(wanted, among=among)
        for entity_id in wanted:
            self.absorb(entity_id, found.get(entity_id, []), complete=among is None)

    def complete(self, groups: list[PathGroup]) -> list[PathGroup]:
        """``groups`` with every entity and relationship of their paths read
        whole (two round trips) from the store that sent sketches, if one did;
        the whole entities replace the sketches in :attr:`entities` too."""
        store = self._sketcher
        if store is None:
            return groups
        paths = [p for g in groups for p in g.paths]
        ids = {e.id for p in paths for e in p.nodes}
        rel_ids = {link.relationship.identity for p in paths for s in p.steps for link in s.links}
        entities = store.get_many(ids)
        rels = store.get_relationships(rel_ids)
        if entities.keys() != ids or rels.keys() != rel_ids:
            raise StoreError("the graph changed while the question was being answered; ask again")
        self.entities.update(entities)

        def whole(path: Path) -> Path:
            steps = tuple(
                Step(
                    entities[s.source.id],
                    entities[s.target.id],
                    tuple(
                        Link(rels[k.relationship.identity], k.forward, k.strength) for k in s.links
                    ),
                    s.strength,
                    s.factor,
                )
                for s in path.steps
            )
            return Path(steps, path.score)

        return [PathGroup(g.key, [whole(p) for p in g.paths], g.fallback) for g in groups]

    # -- reading -------------------------------------------------------------------
    def expanded(self, entity_id: str) -> bool:
        """Whether all relationships of ``entity_id`` have been fetched."""
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

    def step(self, u: str, v: str) -> Step | None:
        """The step from ``u`` to ``v``, or None when nothing joins them there."""
        key = (u, v)
        if key in self._steps:
            return self._steps[key]
        found = []
        a, b = self.entities[u], self.entities[v]
        rule = self.rule
        for rid, (rel, outgoing) in self._adj.get(u, {}).get(v, {}).items():
            if rule(self, rel, u, v):
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
        if cached is not None:
            return cached
        between = self._adj.get(u, {}).get(v, {})
        ranker, rule = self.ranker, self.rule
        # Under the rule of paths, a pair joined by no kind that may be
        # containment is walked whatever the question: its strength is the
        # ranker's to keep (the same relationships while the graph is the
        # same, so their number tells a partial fetch from the whole).
        shared = (u, v, len(between)) if rule is path_rule else None
        if shared is not None:
            cached = ranker.steps.get(shared)
            if cached is not None:
                self._strengths[key] = cached
                return cached
        a, b = self.entities[u], self.entities[v]
        best, count, plain = 0.0, 0, True
        for rid, (rel, _) in between.items():
            if rel.type in _CONTAINMENT:
                plain = False
            if rule(self, rel, u, v):
                strength = ranker.strength(rel, a, b, key=rid)
                if strength > best:
                    best = strength
                count += 1
        cached = self._strengths[key] = ranker.combine_best(best, count) if count else 0.0
        if shared is not None and plain:
            ranker.steps[shared] = cached
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


#: How a side scores a step: ``extend(score, through, here, there)`` is the
#: score of reaching ``there`` from ``here``, which the side reached with
#: ``score`` and whose hub factor is ``through``; 0 when it cannot be walked.
Extend = Callable[[float, float, str, str], float]


@dataclass
class Side:
    """One end of the walk: the origins', walking forward along the paths, or
    the targets', walking back along them.

    :func:`explore` advances either side with the same code; what differs is
    only ``extend``, which reads each step in the paths' direction.
    """

    #: Where the side starts (score 1); the other side's frontier never holds them.
    ends: frozenset[str]
    #: The score of the best walk found from one of the ends to each entity reached.
    scores: dict[str, float]
    #: The entities the next level expands (at most the frontier cap, best first).
    frontier: list[str]
    #: How the side scores a step (:data:`Extend`).
    extend: Extend

    @classmethod
    def start(cls, ends: frozenset[str], extend: Extend, cap: int) -> Side:
        """A side at its ends, the first ``cap`` of them (by id) its frontier."""
        scores = dict.fromkeys(sorted(ends), 1.0)
        return cls(ends, scores, list(scores)[:cap], extend)


def sides(graph: LocalGraph, cap: int) -> tuple[Side, Side]:
    """The origins' side and the targets' side of a walk on ``graph``.

    Both score an entity by the best walk from their ends with the factors of
    :meth:`LocalGraph.factor`, each step read in the paths' direction. The
    products are multiplied in the order the walk has always used: the
    frontier caps keep the best scores, ties by id, so the last bit counts.
    """
    lam = graph.ranker.weights.hop_penalty

    def forward(score: float, through: float, u: str, v: str) -> float:
        return score * (graph.strength(u, v) * lam * through)

    def backward(score: float, through: float, w: str, u: str) -> float:
        return score * graph.strength(u, w) * lam * through

    return Side.start(graph.origins, forward, cap), Side.start(graph.targets, backward, cap)


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
    sides met are fetched: a round trip each, unless the store gave them on the
    way. A store that can (:class:`~renmai.graph.store.Sketches`) sends
    sketches: :func:`best_paths` reads the records of the paths it returns
    whole (:meth:`LocalGraph.complete`)."""
    ours, theirs = sides(graph, frontier_cap)
    for depth in range(1, max_hops + 1):
        if not (ours.frontier and theirs.frontier) or graph.fetched > edge_budget:
            break
        side, other = _cheaper(store, graph, ours, theirs)
        # On the last level only the relationships that meet the other side
        # can still be on a path, so only those are fetched.
        advance(store, graph, side, other, frontier_cap, last=depth == max_hops)
    if expand_ends is not None:
        _expand_ends(store, graph, ours, expand_ends, frontier_cap)
    _note_meeting_degrees(store, graph, ours, theirs)


def _cheaper(store: Store, graph: LocalGraph, ours: Side, theirs: Side) -> tuple[Side, Side]:
    """The side to expand next and the other one: the frontier with fewer
    relationships to fetch, the targets' on a tie.

    Every path of up to ``max_hops`` is found whichever side each level
    expands; the cost differs by orders of magnitude: our side starts at the
    home office, with thousands of relationships.
    """
    # The degrees neither side knows yet, in one round trip for both.
    waiting = [*ours.frontier, *theirs.frontier]
    unknown = [i for i in waiting if not graph.expanded(i) and i not in graph.degree]
    graph.ask_degrees(store, unknown)
    if graph.cost(store, ours.frontier) < graph.cost(store, theirs.frontier):
        return ours, theirs
    return theirs, ours


def advance(
    store: Store, graph: LocalGraph, side: Side, other: Side, cap: int, *, last: bool
) -> None:
    """One level of ``side``: fetch its frontier's relationships (with ``last``,
    only those to what the ``other`` side reached: one round trip), score what
    they reach, and make the ``cap`` best of the new entities its frontier."""
    graph.expand(store, side.frontier, among=list(other.scores) if last else None, sketch=True)
    found: dict[str, float] = {}
    for here in side.frontier:
        _reach(graph, side, here, found)
    side.scores.update(found)
    side.frontier = _top({v: s for v, s in found.items() if v not in other.ends}, cap)


def _reach(graph: LocalGraph, side: Side, here: str, found: dict[str, float]) -> None:
    """Score the entities ``side`` has not reached that ``here`` leads to,
    keeping in ``found`` the best score of each."""
    # An end passes on its score whole: a path starts or stops there.
    through = 1.0 if here in side.ends else graph.hub(here)
    if through is None:
        return
    scores, extend, score = side.scores, side.extend, side.scores[here]
    for there in graph.neighbors(here):
        if there in scores:
            continue
        reached = extend(score, through, here, there)
        if reached > found.get(there, 0.0):
            found[there] = reached


def _expand_ends(
    store: Store, graph: LocalGraph, ours: Side, accept: Callable[[Entity], bool], cap: int
) -> None:
    """Expand the ``cap`` best targets our side reached that ``accept`` takes
    (where a path may go on to an introducer): one round trip."""
    ends = {
        t: ours.scores[t]
        for t in graph.targets & ours.scores.keys()
        if not graph.expanded(t) and accept(graph.entities[t])
    }
    graph.expand(store, _top(ends, cap), sketch=True)


def _note_meeting_degrees(store: Store, graph: LocalGraph, ours: Side, theirs: Side) -> None:
    """Note the degrees of the entities where the two sides met (given on
    the way by a store that sketches, else asked for).

    Their relationships to both sides are known already; only the degree (the
    hub factor) is missing. Expanding them read as many relationships as the
    rest of the walk: the home city's towns are there.
    """
    meeting = (ours.scores.keys() & theirs.scores.keys()) - graph.origins - graph.targets
    graph.ask_degrees(store, sorted(i for i in meeting if i not in graph.degree))


def completion_bounds(graph: LocalGraph, max_hops: int) -> list[dict[str, float]]:
    """``bounds[k][v]``: the best score a walk of at most ``k`` hops from ``v``
    to a target can add (targets: 1). An upper bound for simple paths, which
    makes :func:`best_first` exact best-first."""
    # The middles of paths: entities whose hub factor is known.
    middles = sorted(v for v in (graph.degree.keys() | graph.origins) if v not in graph.targets)
    onward = _onward_steps(graph, middles)
    bounds: list[dict[str, float]] = [dict.fromkeys(graph.targets, 1.0)]
    for _ in range(max_hops):
        bounds.append(_one_hop_more(graph, middles, onward, bounds[-1]))
    return bounds


def _onward_steps(graph: LocalGraph, middles: list[str]) -> dict[str, list[tuple[str, float]]]:
    """The walkable steps from each middle to a target or another middle, with
    their factors: the only ones that can lead on to a target."""
    useful = (set(middles) | graph.targets) - graph.origins
    onward: dict[str, list[tuple[str, float]]] = {}
    for v in middles:
        steps = [(w, graph.factor(v, w)) for w in graph.neighbors(v) if w in useful]
        onward[v] = [(w, f) for w, f in steps if f > 0.0]
    return onward


def _one_hop_more(
    graph: LocalGraph,
    middles: list[str],
    onward: dict[str, list[tuple[str, float]]],
    previous: dict[str, float],
) -> dict[str, float]:
    """The bounds with one hop more than ``previous``: each middle's best step
    times the bound of where it leads (middles that lead nowhere are left out)."""
    current = dict.fromkeys(graph.targets, 1.0)
    for v in middles:
        best = 0.0
        for w, f in onward[v]:
            value = f * previous.get(w, 0.0)
            if value > best:
                best = value
        if best > 0.0:
            current[v] = best
    return current


#: A path as the ids of its entities, origin first (:meth:`LocalGraph.path`
#: makes it a :class:`Path`).
Nodes = tuple[str, ...]
#: A path on the search's heap: (−upper bound of any completion, nodes, score so
#: far, complete already). Tuples order the heap: best bound first, ties by ids.
_Entry = tuple[float, Nodes, float, bool]


def best_first(
    graph: LocalGraph,
    *,
    max_hops: int,
    keep: Callable[[Nodes], bool] = lambda nodes: True,
    onward: Callable[[Nodes], Sequence[str]] = lambda nodes: (),
    budget: int = PATH_BUDGET,
) -> Iterator[Nodes]:
    """The simple paths of up to ``max_hops`` from the origins to the targets,
    best first, ties by the entity ids along them: A* over the local graph
    with :func:`completion_bounds` as the exact upper bound.

    A generator, so its consumer takes only the paths it needs, and steers it:
    ``keep`` is asked about every path popped, partial or complete, and what it
    refuses is dropped with all its continuations (a grouping refuses a path
    whose group is full). A path that reaches a target goes one step further to
    each entity ``onward`` returns for it (an introducer), if it has a hop left
    and any of them can be walked to, instead of ending there. The search
    gives up after popping ``budget`` paths (only on very dense neighbourhoods).
    """
    bounds = completion_bounds(graph, max_hops)
    heap = _beginnings(graph, bounds[max_hops])
    for _ in range(budget):
        if not heap:
            return
        _, nodes, score, done = heapq.heappop(heap)
        if not keep(nodes):
            continue
        if done:
            yield nodes
        elif len(nodes) == 1 or nodes[-1] not in graph.targets:
            _push_steps(heap, graph, bounds, nodes, score, max_hops)
        elif len(nodes) > max_hops or not _push_introductions(
            heap, graph, nodes, score, onward(nodes)
        ):
            yield nodes


def _beginnings(graph: LocalGraph, bounds: Mapping[str, float]) -> list[_Entry]:
    """The heap of the origins from which a target can be reached."""
    heap: list[_Entry] = [
        (-bounds[o], (o,), 1.0, False) for o in sorted(graph.origins) if bounds.get(o, 0.0) > 0.0
    ]
    heapq.heapify(heap)
    return heap


def _push_steps(
    heap: list[_Entry],
    graph: LocalGraph,
    bounds: list[dict[str, float]],
    nodes: Nodes,
    score: float,
    max_hops: int,
) -> None:
    """Push each walkable one-step continuation of the partial path ``nodes``
    that can still reach a target within ``max_hops``, with its bound."""
    last = nodes[-1]
    left = max_hops - len(nodes)  # hops left after the next one
    rest = bounds[left] if left > 0 else {}
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
            onward = rest.get(v, 0.0)
            if onward <= 0.0:
                continue
            bound = next_score * onward
        heapq.heappush(heap, (-bound, (*nodes, v), next_score, False))


def _push_introductions(
    heap: list[_Entry], graph: LocalGraph, nodes: Nodes, score: float, introducers: Sequence[str]
) -> bool:
    """Push the complete path ``nodes`` one step on to each of ``introducers``
    that can be walked to from its end; False when there is none."""
    last = nodes[-1]
    onward = [(v, graph.factor(last, v)) for v in introducers]
    onward = [(v, f) for v, f in onward if f > 0.0 and v not in nodes]
    for v, f in onward:
        heapq.heappush(heap, (-score * f, (*nodes, v), score * f, True))
    return bool(onward)


GroupKey = Callable[[LocalGraph, Nodes], str | None]
Introducers = Callable[[LocalGraph, Nodes], list[str]]


@dataclass
class PathGroup:
    """Paths that share a key (e.g. a first contact), best first."""

    key: str
    paths: list[Path]
    #: True when no path of the group had a key: the group is keyed by the
    #: target the paths end at (reached through no one else).
    fallback: bool = False


class Grouping:
    """The groups :func:`best_paths` fills from :func:`best_first`, in the order
    they appear: up to ``groups`` keyed groups of ``per_group`` paths each, and
    apart, as many fallback groups (keyed by the end of paths that had none).
    It steers the search: :meth:`wants` and :meth:`onward` are its ``keep``
    and ``onward``.
    """

    def __init__(
        self,
        graph: LocalGraph,
        key: GroupKey | None,
        groups: int,
        per_group: int,
        introduce: Introducers | None = None,
    ) -> None:
        self.graph = graph
        self._key = key
        self._introduce = introduce
        self.groups = groups
        self.per_group = per_group
        self.keyed: dict[str, PathGroup] = {}
        self.fallbacks: dict[str, PathGroup] = {}

    def key(self, nodes: Nodes) -> str | None:
        """The group of a path (None: not known yet; ``""`` without a key function)."""
        return self._key(self.graph, nodes) if self._key else ""

    def _closed(self, key: str, groups_of: dict[str, PathGroup]) -> bool:
        """Whether group ``key`` of ``groups_of`` takes no more paths: it is full,
        or it is not there and the list of groups is."""
        if key in groups_of:
            return len(groups_of[key].paths) >= self.per_group
        return len(groups_of) >= self.groups

    def wants(self, nodes: Nodes) -> bool:
        """Whether a path (or any continuation of it) could still join a group:
        not when its key is known and that group, or the list of groups, is full."""
        key = self.key(nodes)
        return key is None or not self._closed(key, self.keyed)

    def onward(self, nodes: Nodes) -> Sequence[str]:
        """Who a path that reached a target with its key unknown goes on to
        (``introduce``'s answer); none when its key is known."""
        if self._introduce is None or self.key(nodes) is not None:
            return ()
        return self._introduce(self.graph, nodes)

    def add(self, nodes: Nodes) -> None:
        """Add a complete path to its group, or to the fallback group of its end
        when its key is still unknown; nothing when that group is full."""
        key = self.key(nodes)
        groups_of, key = (self.keyed, key) if key is not None else (self.fallbacks, nodes[-1])
        if self._closed(key, groups_of):
            return
        groups_of.setdefault(key, PathGroup(key, [], groups_of is self.fallbacks))
        groups_of[key].paths.append(self.graph.path(nodes))

    def settled(self) -> bool:
        """Whether every keyed group is there and full: no path can change them."""
        return len(self.keyed) >= self.groups and all(
            len(g.paths) >= self.per_group for g in self.keyed.values()
        )

    def result(self) -> list[PathGroup]:
        """The keyed groups, then the fallback groups, each in order of appearance."""
        return [*self.keyed.values(), *self.fallbacks.values()]


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
    so the answer does not depend on the store's order. The paths' entities
    and relationships are whole records, even where the walk weighed sketches.
    """
    grouping = Grouping(graph, group, groups, per_group, introduce)
    paths = best_first(
        graph,
        max_hops=max_hops,
        keep=grouping.wants,
        onward=grouping.onward,
        budget=budget,
    )
    while not grouping.settled():
        nodes = next(paths, None)
        if nodes is None:
            break
        grouping.add(nodes)
    return graph.complete(grouping.result())
