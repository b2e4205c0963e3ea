"""The best paths between two entities, scored as ``connect`` scores them.

Unlike ``connect``, both ends are taken literally: a country at either end is
the country itself, not everything in it (geographic containment may still be
the last step into it, or the first step from it into its own towns).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from renmai.errors import ParameterError, RenmaiError
from renmai.graph.model import Entity
from renmai.graph.store import Store
from renmai.graph.subgraph import Subgraph
from renmai.queries.connect import DEFAULT_MAX_HOPS, subgraph_of
from renmai.queries.ranking import Ranker, ranker_for
from renmai.queries.succession import Succession, along
from renmai.queries.walk import FRONTIER_CAP, LocalGraph, Path, best_paths, entity_summary, explore
from renmai.queries.weights import RankingWeights

DEFAULT_PATHS = 5


@dataclass
class PathAnswer:
    """The answer of :func:`path`."""

    source: Entity
    target: Entity
    paths: list[Path]
    max_hops: int
    ranker: Ranker
    degrees: dict[str, int]
    #: Offices on the paths whose posts changed hands (as in ``connect``).
    successions: dict[str, Succession] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": entity_summary(self.source),
            "to": entity_summary(self.target),
            "max_hops": self.max_hops,
            "reference_date": self.ranker.reference_date,
            "paths": [p.to_dict() for p in self.paths],
            "successions": [s.to_dict() for s in self.successions.values()],
        }

    def subgraph(self) -> Subgraph:
        sub = subgraph_of(
            f"{self.source.name} → {self.target.name}", self.paths, [self.source], self.degrees
        )
        sub.add_entity(self.target)
        sub.targets = {self.target.id}
        return sub


def path(
    store: Store,
    source: Entity,
    target: Entity,
    *,
    max_hops: int = DEFAULT_MAX_HOPS,
    limit: int = DEFAULT_PATHS,
    weights: RankingWeights | None = None,
    frontier_cap: int = FRONTIER_CAP,
) -> PathAnswer:
    """Up to ``limit`` best simple paths from ``source`` to ``target`` of at most
    ``max_hops`` relationships, best first.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> answer = path(store, store.get("zs-fao"), store.get("wong-hung-sing"))
    >>> [([entity.name for entity in p.nodes], round(p.score, 3)) for p in answer.paths]
    [(['中山市外事侨务局', '加拿大中山同乡会', '黄红星'], 0.307)]
    """
    if source.id == target.id:
        raise RenmaiError("the two ends of a path must be different entities")
    if max_hops < 1:
        raise ParameterError("max_hops", "{param} must be at least 1")
    ranker = ranker_for(store, weights)
    graph = LocalGraph(ranker, {source.id: source}, {target.id: target})
    explore(store, graph, max_hops=max_hops, frontier_cap=frontier_cap)
    grouped = best_paths(graph, max_hops=max_hops, per_group=limit)
    paths = grouped[0].paths if grouped else []
    return PathAnswer(
        source, target, paths, max_hops, ranker, dict(graph.degree), along(store, paths)
    )
