"""Who connects us to X: ranked introduction paths, grouped by the first contact.

``connect(store, "以色列")`` starts from the home entities ("us", or the
``origins`` given), aims at the target — an entity; a country or city together
with everything in it, representing it or rooted in it; or, when the text
names no entity, whatever mentions it as a keyword — and finds the best paths
of at most ``max_hops`` relationships (see :mod:`renmai.queries.walk` for how
the graph is walked and :mod:`renmai.queries.ranking` for how paths are
scored). Paths are grouped by the *first contact*: the first entity on the
path, after the start, that can act (a person, an organization, an
association, a consulate, a city or a country) and is not one of us; that is
who we would call. A path that reaches a target that cannot act (an event, an
agreement, a project) through no such entity goes one step on to someone
joined to it — preferably someone in the target set — as the introducer;
where there is none, the path is listed apart, under ``direct``: a place we
reached ourselves, through no one else.

The answer lists the contacts best first (a contact's score is its best
path's), each with its best paths written out in the data's language, e.g.
``中山市外事侨务局 —签署(2015)→ 以色列－中国友好协会``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from renmai.errors import ParameterError, RenmaiError
from renmai.graph.bulk import paused_gc
from renmai.graph.model import Entity
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Neighbor, Store
from renmai.graph.subgraph import Subgraph
from renmai.queries.arrows import relationship_details
from renmai.queries.kinds import is_agent, is_geographic
from renmai.queries.ranking import Ranker, ranker_for
from renmai.queries.succession import Succession, along
from renmai.queries.targets import TargetSet, target_set
from renmai.queries.walk import (
    FRONTIER_CAP,
    LocalGraph,
    Path,
    best_paths,
    entity_summary,
    explore,
)
from renmai.queries.weights import RankingWeights

DEFAULT_MAX_HOPS = 4
DEFAULT_LIMIT = 10
DEFAULT_PATHS_PER_CONTACT = 3


class NoOrigin(ParameterError):
    """There is nowhere to start from: no ``origins`` given, and no home entities."""


@dataclass
class Contact:
    """Someone we would call, and the paths that make them worth calling."""

    entity: Entity
    paths: list[Path]
    #: For a person: the posts they hold (who they are), as relationships
    #: with the organization at the other end.
    affiliations: list[Neighbor] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.paths[0].score

    @property
    def reaches(self) -> list[str]:
        """Ids of the targets this contact's paths end at."""
        return sorted({p.nodes[-1].id for p in self.paths})


@dataclass
class Connection:
    """The answer of :func:`connect`."""

    target: TargetSet
    origins: list[Entity]
    contacts: list[Contact]
    #: Targets reached through no one else, each with its paths (our own
    #: events and projects there), best first.
    direct: list[Contact]
    max_hops: int
    ranker: Ranker
    #: Degree of every entity the search expanded (for views).
    degrees: dict[str, int]
    #: Offices on the paths whose posts changed hands: who is in post now, and
    #: who was before (:mod:`renmai.queries.succession`), by office id.
    successions: dict[str, Succession] = field(default_factory=dict)

    @property
    def paths(self) -> list[Path]:
        """Every path of the answer, the contacts' first."""
        return [p for c in [*self.contacts, *self.direct] for p in c.paths]

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON data; the shape is documented in ``docs/queries.md``."""
        target = self.target
        return {
            "target": {
                "text": target.text,
                "mode": target.mode,
                "entity": entity_summary(target.entity) if target.entity else None,
                "terms": list(target.terms),
                "members": len(target.members),
            },
            "origins": [entity_summary(e) for e in self.origins],
            "max_hops": self.max_hops,
            "reference_date": self.ranker.reference_date,
            "weights": self.ranker.weights.model_dump(mode="json"),
            "contacts": [_contact_dict(rank, c) for rank, c in enumerate(self.contacts, 1)],
            "direct": [_contact_dict(rank, c) for rank, c in enumerate(self.direct, 1)],
            "successions": [s.to_dict() for s in self.successions.values()],
        }

    def subgraph(self) -> Subgraph:
        """The paths as a :class:`Subgraph`: origins and target emphasised, the
        best path highlighted, and for a place target the containment chain
        from each path's end to the place."""
        title = f"谁能联系到 {self.target.text}"
        sub = subgraph_of(title, self.paths, self.origins, self.degrees)
        members = self.target.members
        sub.targets = {i for i in sub.entities if i in members}
        if self.target.entity is not None and self.paths:
            sub.add_entity(self.target.entity)
            sub.targets.add(self.target.entity.id)
            for end in {p.nodes[-1].id for p in self.paths}:
                current = end
                while current in self.target.via:
                    rel = self.target.via[current]
                    parent = rel.other(current)
                    sub.add_entity(members[parent])
                    sub.add_relationship(rel)
                    current = parent
        return sub


def _contact_dict(rank: int, contact: Contact) -> dict[str, Any]:
    return {
        "rank": rank,
        "contact": entity_summary(contact.entity),
        "score": round(contact.score, 6),
        "affiliations": [
            {
                **entity_summary(n.entity),
                "relationship": n.relationship.type,
                "details": relationship_details(n.relationship),
            }
            for n in contact.affiliations
        ],
        "reaches": contact.reaches,
        "paths": [p.to_dict() for p in contact.paths],
    }


def subgraph_of(
    title: str, paths: Sequence[Path], origins: Sequence[Entity], degrees: dict[str, int]
) -> Subgraph:
    """A Subgraph of ``paths`` (the first one highlighted), used by connect and path."""
    sub = Subgraph(title)
    for entity in origins:
        sub.add_entity(entity)
    sub.origins = {e.id for e in origins}
    for path in paths:
        for entity in path.nodes:
            sub.add_entity(entity)
        for rel in path.relationships:
            sub.add_relationship(rel)
    if paths:
        sub.highlighted = {step.relationship.identity for step in paths[0].steps}
        sub.targets = {paths[0].nodes[-1].id}
    sub.degrees = {i: d for i, d in degrees.items() if i in sub.entities}
    return sub


def first_contact(graph: LocalGraph, nodes: tuple[str, ...]) -> str | None:
    """The first entity after the start that can act and is not one of us."""
    for entity_id in nodes[1:]:
        entity = graph.entities[entity_id]
        if is_agent(entity) and not entity.home:
            return entity_id
    return None


def introducers(graph: LocalGraph, nodes: tuple[str, ...]) -> list[str]:
    """Who to call about a target that cannot act (an event, agreement or
    project) reached through none who can: the ones joined to it — those in
    the target set if any, else any — never through geographic containment."""
    last = nodes[-1]
    found = []
    for v in graph.neighbors(last):
        entity = graph.entities[v]
        if v in nodes or v in graph.origins or entity.home or not is_agent(entity):
            continue
        step = graph.step(last, v)
        if step is None or all(
            is_geographic(link.relationship, graph.entities.get(link.relationship.to_id))
            for link in step.links
        ):
            continue
        found.append(v)
    inside = [v for v in found if v in graph.targets]
    return inside or found


def add_affiliations(store: Store, contacts: Sequence[Contact]) -> None:
    """Fill in the posts of the contacts who can hold one: one round trip."""
    ids = [c.entity.id for c in contacts if c.entity.kind == SCHEMA.person_kind]
    if not ids:
        return
    found = store.neighbors_many(ids, direction="out", types=SCHEMA.position_kinds)
    for contact in contacts:
        posts = found.get(contact.entity.id, [])
        contact.affiliations = sorted(posts, key=lambda n: (n.entity.name, n.entity.id))


def start_entities(store: Store, origins: Sequence[Entity] | None) -> list[Entity]:
    """The given origins, else the store's home entities; at least one."""
    found = list(origins) if origins else store.homes()
    if not found:
        raise NoOrigin(
            "origins",
            "no home entities to start from: mark ours with `home: true` in the data, "
            "or say where to start with {param}",
        )
    return sorted(found, key=lambda e: e.id)


def connect(
    store: Store,
    target: str | Entity | TargetSet,
    *,
    origins: Sequence[Entity] | None = None,
    max_hops: int = DEFAULT_MAX_HOPS,
    limit: int = DEFAULT_LIMIT,
    paths_per_contact: int = DEFAULT_PATHS_PER_CONTACT,
    weights: RankingWeights | None = None,
    frontier_cap: int = FRONTIER_CAP,
) -> Connection:
    """The contacts who can get us to ``target``, best first (see the module doc).

    ``target`` is a text (resolved as ``renmai connect`` does), an entity, or a
    prepared :class:`TargetSet`. Raises :class:`RenmaiError` subclasses for an
    ambiguous or unknown target and for a graph without home entities.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> answer = connect(store, "以色列")  # Israel, and everything in or of it
    >>> [(contact.entity.name, round(contact.score, 3)) for contact in answer.contacts]
    [('以色列创新署', 0.288)]
    >>> [entity.name for entity in answer.contacts[0].paths[0].nodes]
    ['中山市外事侨务局', '中以科技创新周', '以色列创新署']
    >>> [contact.entity.name for contact in connect(store, "加拿大").contacts]
    ['加拿大中山同乡会', '本拿比市']
    """
    if max_hops < 1:
        raise ParameterError("max_hops", "{param} must be at least 1")
    # A question builds some 10^5 short-lived objects (a country's members
    # alone are 20,000 sketches) and no cycles of its own: the collector's
    # passes over them were a third of a question to a country on Neo4j.
    # Not frozen after: the driver leaves a few cycles per query.
    with paused_gc(freeze=False):
        return _connect(
            store, target, origins, max_hops, limit, paths_per_contact, weights, frontier_cap
        )


def _connect(
    store: Store,
    target: str | Entity | TargetSet,
    origins: Sequence[Entity] | None,
    max_hops: int,
    limit: int,
    paths_per_contact: int,
    weights: RankingWeights | None,
    frontier_cap: int,
) -> Connection:
    starts = start_entities(store, origins)
    targets = target if isinstance(target, TargetSet) else target_set(store, target)
    targets = targets.without(e.id for e in starts)
    if not targets.members:
        raise RenmaiError(f"{targets.text} is where the search starts: nothing to connect to")
    ranker = ranker_for(store, weights)
    # Containment may be the last step into the place asked about, and into
    # nothing else (not into a place that merely mentions a keyword).
    asked = [targets.entity.id] if targets.mode == "place" and targets.entity else []
    graph = LocalGraph(
        ranker,
        {e.id: e for e in starts},
        targets.weighed,
        places_asked=asked,
        sketched_by=None if targets.sketches is None else store,
    )
    explore(
        store,
        graph,
        max_hops=max_hops,
        frontier_cap=frontier_cap,
        expand_ends=lambda e: not is_agent(e),
    )
    grouped = best_paths(
        graph,
        max_hops=max_hops,
        group=first_contact,
        groups=limit,
        per_group=paths_per_contact,
        introduce=introducers,
    )
    contacts = [Contact(graph.entities[g.key], g.paths) for g in grouped if not g.fallback]
    direct = [Contact(graph.entities[g.key], g.paths) for g in grouped if g.fallback]
    add_affiliations(store, contacts)
    answer = Connection(targets, starts, contacts, direct, max_hops, ranker, dict(graph.degree))
    answer.successions = along(store, answer.paths)
    return answer
