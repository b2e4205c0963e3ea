"""What ``renmai viz`` draws: the whole graph, or an entity's surroundings, as a Subgraph.

These functions read a store through the :class:`~renmai.graph.store.Store`
protocol only, so they work on the embedded file and on Neo4j alike. They
select; they rank nothing (the question commands in :mod:`renmai.queries`
do that) and they draw nothing (:mod:`renmai.viz.page` does).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from renmai.graph.model import Entity
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store
from renmai.graph.subgraph import Subgraph


def _kind_title(kinds: Collection[str] | None) -> str:
    if not kinds:
        return ""
    return " · " + ", ".join(SCHEMA.entity_kind(k).label_zh for k in kinds)


def whole_graph(
    store: Store, *, kinds: Collection[str] | None = None, title: str | None = None
) -> Subgraph:
    """Every entity (of ``kinds``) and every relationship between them.

    Node sizes follow the degree in the whole graph, so a hub still looks like
    one when its neighbours are filtered out.
    """
    wanted = set(kinds) if kinds else None
    sub = Subgraph(title=title or "全部关系 whole graph" + _kind_title(kinds))
    degrees: Counter[str] = Counter()
    for entity in store.entities():
        if wanted is None or entity.kind in wanted:
            sub.add_entity(entity)
    for rel in store.relationships():
        degrees.update(rel.ends)
        if rel.from_id in sub.entities and rel.to_id in sub.entities:
            sub.add_relationship(rel)
    sub.degrees = {eid: degrees[eid] for eid in sub.entities}
    return sub


def neighbourhood(
    store: Store,
    centre: Entity,
    *,
    depth: int = 2,
    kinds: Collection[str] | None = None,
    title: str | None = None,
) -> Subgraph:
    """``centre`` and everything within ``depth`` relationships of it.

    The walk goes through entities of every kind; ``kinds`` then keeps only
    entities of those kinds (the centre always stays). Relationships between
    any two kept entities are drawn, also those between two entities at the
    outer edge. One store round trip per level, plus one for the outer edge.
    """
    if depth < 1:
        raise ValueError("depth must be at least 1")
    wanted = set(kinds) if kinds else None
    found: dict[str, Entity] = {centre.id: centre}
    rels = {}
    degrees: dict[str, int] = {}
    frontier = [centre.id]
    for level in range(depth + 1):
        if not frontier:
            break
        neighbours = store.neighbors_many(frontier)
        next_frontier = []
        for entity_id in frontier:
            seen = neighbours.get(entity_id, [])
            degrees[entity_id] = len(seen)
            for neighbour in seen:
                other = neighbour.entity
                if other.id not in found:
                    if level == depth:
                        continue  # past the edge: only links among those found count
                    found[other.id] = other
                    next_frontier.append(other.id)
                rels[neighbour.relationship.identity] = neighbour.relationship
        frontier = next_frontier
    sub = Subgraph(
        title=title or f"{centre.name} · {depth} 度以内 within {depth}" + _kind_title(kinds)
    )
    for entity in found.values():
        if wanted is None or entity.kind in wanted or entity.id == centre.id:
            sub.add_entity(entity)
    for rel in rels.values():
        if rel.from_id in sub.entities and rel.to_id in sub.entities:
            sub.add_relationship(rel)
    sub.origins = {centre.id}
    sub.degrees = {eid: degrees[eid] for eid in sub.entities if eid in degrees}
    return sub
