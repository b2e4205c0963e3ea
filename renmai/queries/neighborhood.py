"""The neighbourhood of an entity, and what two entities have in common.

:func:`neighbors` walks out from one entity a level at a time (one round trip
per level). Geographic containment is walked from the entity itself, both
ways (its city; or, for a place, what is in it, chains inward), and never
beyond: the country an organization's partner sits in is not its neighbour,
nor is everything else in that country. Nor is the walk continued through a
home entity: we are a neighbour of whom we know, not the way from one of our
partners to all the others.

:func:`common` lists who sits between two entities: the partners, members,
events, agreements and projects both are joined to, ranked by the score of
the two-step path through them (a shared country is not something between
them).

>>> # [r.entity.name for r in neighbors(store, lookup(store, "河床俱乐部")).rows]
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from renmai.graph.model import Entity, Relationship
from renmai.graph.store import Store
from renmai.graph.subgraph import Subgraph
from renmai.queries.arrows import step_arrow
from renmai.queries.kinds import is_geographic
from renmai.queries.ranking import ranker_for
from renmai.queries.walk import FRONTIER_CAP, LocalGraph, Step, entity_summary
from renmai.queries.weights import RankingWeights

Mode = Literal["start", "inward", "normal", "leaf"]


class _NeighbourhoodRule:
    """The walking rule of a neighbourhood (module doc), for a :class:`LocalGraph`.

    Whether containment may be walked depends on how the walk got where it is,
    so the rule keeps the mode of each entity reached: the start, inward (in a
    place, reached from the place it is in), normal, or a leaf (reached through
    containment upward, or one of ours: never walked on from).
    """

    def __init__(self, start: Entity, types: Collection[str] | None) -> None:
        self.types = None if types is None else frozenset(types)
        self.modes: dict[str, Mode] = {start.id: "start"}

    def __call__(self, graph: LocalGraph, rel: Relationship, u: str, v: str) -> bool:
        """Whether ``rel`` may be walked from ``u`` (a :data:`~renmai.queries.walk.WalkRule`)."""
        return self.mode_after(graph, rel, u) is not None and (
            self.types is None or rel.type in self.types
        )

    def mode_after(self, graph: LocalGraph, rel: Relationship, u: str) -> Mode | None:
        """The mode of the entity reached from ``u`` along ``rel`` (None: not walked)."""
        mode = self.modes.get(u, "normal")
        if mode == "leaf":
            return None
        if not is_geographic(rel, graph.entities.get(rel.to_id)):
            return "normal"
        if rel.to_id == u:  # downward: into what is inside u
            return "inward" if mode in ("start", "inward") else None
        return "leaf" if mode == "start" else None

    def reached(self, graph: LocalGraph, u: str, v: str) -> None:
        """Note the mode of ``v``, reached from ``u`` by its strongest way."""
        if graph.entities[v].home:
            self.modes[v] = "leaf"
            return
        modes = {self.mode_after(graph, link.relationship, u) for link in _step(graph, u, v).links}
        order: tuple[Mode, ...] = ("normal", "inward", "leaf")
        self.modes[v] = next((mode for mode in order if mode in modes), "leaf")


@dataclass(frozen=True)
class NeighborRow:
    """An entity near the start: how far, through whom, and how strongly."""

    entity: Entity
    depth: int
    #: The step that reached it (from an entity one level closer).
    step: Step
    #: Score of the best path from the start (as ``path`` scores it).
    score: float

    def as_row(self) -> dict[str, Any]:
        return {
            "depth": self.depth,
            "id": self.entity.id,
            "name": self.entity.name,
            "kind": self.entity.kind,
            "via": f"{self.step.source.name} {step_arrow(self.step)} {self.entity.name}",
            "score": round(self.score, 4),
        }


@dataclass
class Neighborhood:
    """The answer of :func:`neighbors`."""

    start: Entity
    depth: int
    rows: list[NeighborRow]
    degrees: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": entity_summary(self.start),
            "depth": self.depth,
            "neighbors": [
                {
                    **r.as_row(),
                    "name_en": r.entity.name_en,
                    "from": r.step.source.id,
                    "relationships": [
                        link.relationship.model_dump(
                            mode="json", by_alias=True, exclude_defaults=True
                        )
                        for link in r.step.links
                    ],
                }
                for r in self.rows
            ],
        }

    def subgraph(self) -> Subgraph:
        sub = Subgraph(f"{self.start.name} 的人脉")
        sub.add_entity(self.start)
        sub.origins = {self.start.id}
        for row in self.rows:
            sub.add_entity(row.step.source)
            sub.add_entity(row.entity)
            for link in row.step.links:
                sub.add_relationship(link.relationship)
        sub.degrees = {i: d for i, d in self.degrees.items() if i in sub.entities}
        return sub


def neighbors(
    store: Store,
    start: Entity,
    *,
    depth: int = 1,
    kinds: Collection[str] | None = None,
    types: Collection[str] | None = None,
    weights: RankingWeights | None = None,
    frontier_cap: int = FRONTIER_CAP,
) -> Neighborhood:
    """Entities within ``depth`` relationships of ``start`` (of ``types`` only,
    when given), listed by depth then score; ``kinds`` keeps the rows of those
    entity kinds (the walk still passes through the others). Each level keeps
    its ``frontier_cap`` best entities for the next.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> around = neighbors(store, store.get("zs-assoc-canada"))
    >>> [(row.entity.name, round(row.score, 3)) for row in around.rows][:3]
    [('中山市外事侨务局', 0.666), ('黄红星', 0.461), ('中山市', 0.336)]
    >>> people = neighbors(store, store.get("burnaby"), depth=3, kinds=["Person"])
    >>> [row.entity.name for row in people.rows]
    ['黄红星']
    """
    rule = _NeighbourhoodRule(start, types)
    graph = LocalGraph(ranker_for(store, weights), {start.id: start}, {}, rule=rule)
    # Each entity reached: (its depth, the score of its best path, its parent there).
    best: dict[str, tuple[int, float, str]] = {start.id: (0, 1.0, start.id)}
    frontier = [start.id]
    for level in range(1, depth + 1):
        graph.expand(store, frontier)
        found = _next_level(graph, frontier, best)
        for v, (score, u) in found.items():
            best[v] = (level, score, u)
            rule.reached(graph, u, v)
        expandable = {v: s for v, (s, _) in found.items() if rule.modes[v] != "leaf"}
        frontier = sorted(expandable, key=lambda i: (-expandable[i], i))[:frontier_cap]
        if not frontier:
            break
    return Neighborhood(start, depth, _rows(graph, best, kinds), dict(graph.degree))


def _next_level(
    graph: LocalGraph, frontier: list[str], best: dict[str, tuple[int, float, str]]
) -> dict[str, tuple[float, str]]:
    """The entities first reached from ``frontier``: each with the score of its
    best path from the start, and the entity of the frontier it leads through."""
    found: dict[str, tuple[float, str]] = {}
    for u in frontier:
        for v in graph.neighbors(u):
            if v in best:
                continue
            factor = graph.factor(u, v)
            if factor <= 0.0:
                continue
            score = best[u][1] * factor
            if v not in found or score > found[v][0]:
                found[v] = (score, u)
    return found


def _rows(
    graph: LocalGraph, best: dict[str, tuple[int, float, str]], kinds: Collection[str] | None
) -> list[NeighborRow]:
    """The rows of the entities reached (of ``kinds`` only, when given), by
    depth, then score, name and id."""
    rows = [
        NeighborRow(graph.entities[i], level, _step(graph, parent, i), score)
        for i, (level, score, parent) in best.items()
        if level > 0 and not (kinds and graph.entities[i].kind not in kinds)
    ]
    rows.sort(key=lambda r: (r.depth, -round(r.score, 9), r.entity.name, r.entity.id))
    return rows


def _step(graph: LocalGraph, u: str, v: str) -> Step:
    """The step ``u``→``v`` of a walk that took it (so it exists)."""
    step = graph.step(u, v)
    assert step is not None
    return step


@dataclass(frozen=True)
class SharedRow:
    """An entity joined to both A and B."""

    entity: Entity
    with_a: Step
    with_b: Step
    score: float

    def as_row(self) -> dict[str, Any]:
        return {
            "id": self.entity.id,
            "name": self.entity.name,
            "kind": self.entity.kind,
            "with_a": f"{self.with_a.source.name} {step_arrow(self.with_a)} {self.entity.name}",
            "with_b": f"{self.entity.name} {step_arrow(self.with_b)} {self.with_b.target.name}",
            "score": round(self.score, 4),
        }


@dataclass
class Common:
    """The answer of :func:`common`."""

    a: Entity
    b: Entity
    #: A step joining A and B directly, if any.
    direct: Step | None
    shared: list[SharedRow]
    degrees: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        def rels(step: Step) -> list[dict[str, Any]]:
            return [
                link.relationship.model_dump(mode="json", by_alias=True, exclude_defaults=True)
                for link in step.links
            ]

        return {
            "a": entity_summary(self.a),
            "b": entity_summary(self.b),
            "direct": None
            if self.direct is None
            else {"arrow": step_arrow(self.direct), "relationships": rels(self.direct)},
            "shared": [
                {
                    **r.as_row(),
                    "name_en": r.entity.name_en,
                    "relationships_a": rels(r.with_a),
                    "relationships_b": rels(r.with_b),
                }
                for r in self.shared
            ],
        }

    def subgraph(self) -> Subgraph:
        sub = Subgraph(f"{self.a.name} 与 {self.b.name} 的共同点")
        for entity in (self.a, self.b):
            sub.add_entity(entity)
        sub.origins = {self.a.id}
        sub.targets = {self.b.id}
        steps = [s for row in self.shared for s in (row.with_a, row.with_b)]
        if self.direct is not None:
            steps.append(self.direct)
            sub.highlighted = {link.relationship.identity for link in self.direct.links}
        for step in steps:
            sub.add_entity(step.source)
            sub.add_entity(step.target)
            for link in step.links:
                sub.add_relationship(link.relationship)
        sub.degrees = {i: d for i, d in self.degrees.items() if i in sub.entities}
        return sub


def common(store: Store, a: Entity, b: Entity, *, weights: RankingWeights | None = None) -> Common:
    """What ``a`` and ``b`` share: entities joined to both (not through
    geographic containment), best two-step path first; two round trips.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> shared = common(store, store.get("zhongshan"), store.get("burnaby"))
    >>> shared.direct.relationship.type, [row.entity.name for row in shared.shared]
    ('SISTER_CITY_OF', ['中山市与本拿比市友好城市协议', '加拿大中山同乡会'])
    """
    graph = LocalGraph(ranker_for(store, weights), {a.id: a}, {b.id: b})
    graph.expand(store, [a.id, b.id])
    shared_ids = (set(graph.neighbors(a.id)) & set(graph.neighbors(b.id))) - {a.id, b.id}
    graph.expand(store, shared_ids)
    rows = []
    for x in sorted(shared_ids):
        first, second = graph.step(a.id, x), graph.step(x, b.id)
        if first is None or second is None:
            continue
        score = graph.factor(a.id, x) * graph.factor(x, b.id)
        rows.append(SharedRow(graph.entities[x], first, second, score))
    rows.sort(key=lambda r: (-round(r.score, 9), r.entity.name, r.entity.id))
    return Common(a, b, graph.step(a.id, b.id), rows, dict(graph.degree))
