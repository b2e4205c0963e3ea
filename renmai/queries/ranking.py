"""How much a relationship, a step and a path are worth.

The formula (``docs/ranking.md`` explains it with examples)::

    strength(r)  = base(r.type) × recency(r) × sourcing(r) × (ended if r has ended, else 1)
    step(u, v)   = min(1, max strength(r) × (1 + per_parallel × min(k − 1, max_extra)))
                   over the k relationships between u and v that may be walked there
    path score   = Π over steps u→v of  step(u, v) × hop_penalty × hub(u)
                   where hub(u) = 1 / max(1, log deg(u) / log hub_degree), and 1 at the start

Recency compares a relationship's last evidence — its ``since``/``until``, and
the dates of the event, agreement or project it joins — with a reference date
(the newest date in the graph unless the weights pin one)::

    recency(r) = floor + (1 − floor) × 0.5 ** (age_in_years / half_life)

Every factor is at most 1 (the parallel bonus included, after the cap), so a
score never grows along a path: best paths are found best-first, and
networkx's Dijkstra over ``−log`` of the step factors finds the same ones.

>>> ranker = Ranker(RankingWeights(), reference_date="2016")
>>> from renmai.graph.model import Relationship
>>> rel = Relationship(type="SISTER_CITY_OF", from_id="a", to_id="b", since="2016")
>>> round(ranker.strength(rel, None, None), 3)  # 0.9 × recency 1 × unsourced 0.8
0.72
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from renmai.graph.dates import year_of
from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store
from renmai.queries.weights import RankingWeights


def evidence_dates_of_entity(entity: Entity) -> list[str]:
    """The dates of an event, agreement or project: its kind's
    :attr:`~renmai.graph.schema.EntityKind.evidence` fields (none for who can act)."""
    fields = SCHEMA.entity_kind(entity.kind).evidence
    if not fields:
        return []
    return [str(entity.properties[f]) for f in fields if f in entity.properties]


def evidence_dates(rel: Relationship, *ends: Entity | None) -> list[str]:
    """Every date that shows the relationship alive: since, until, and its
    event's/agreement's/project's dates. Source dates are not evidence: a
    report written in 2016 about a 2012 visit is no contact in 2016."""
    dates = [d for d in (rel.since, rel.until) if d]
    for end in ends:
        if end is not None:
            dates += evidence_dates_of_entity(end)
    return dates


def last_evidence(rel: Relationship, *ends: Entity | None) -> str | None:
    """The latest of :func:`evidence_dates`, or None when the relationship is undated."""
    dates = evidence_dates(rel, *ends)
    return max(dates, key=year_of) if dates else None


@dataclass
class Ranker:
    """The weights, applied: strengths of relationships, steps and hubs.

    ``reference_date`` is the date recency is measured from; None means the
    graph holds no date at all, and every relationship counts as undated.
    """

    weights: RankingWeights
    reference_date: str | None
    _cache: dict[RelationshipId, float] = field(default_factory=dict, repr=False)
    #: The latest evidence of an entity (:func:`evidence_dates_of_entity`), by id,
    #: as a fractional year: the home office's agreements are read by every step.
    _evidence: dict[str, float | None] = field(default_factory=dict, repr=False)
    #: Combined strengths of steps that every walk on this graph weighs alike,
    #: kept for the walks (:meth:`renmai.queries.walk.LocalGraph.strength`).
    steps: dict[tuple[str, str, int], float] = field(default_factory=dict, repr=False)

    @property
    def reference(self) -> float | None:
        """The reference date as a fractional year."""
        return year_of(self.reference_date) if self.reference_date else None

    def recency(self, last: str | None) -> float:
        return self._recency(None if last is None else year_of(last))

    def _recency(self, year: float | None) -> float:
        w = self.weights
        reference = self.reference
        if year is None or reference is None:
            return w.undated
        age = max(0.0, reference - year)
        decay: float = 0.5 ** (age / w.half_life_years)
        return w.recency_floor + (1 - w.recency_floor) * decay

    def _last_year(self, rel: Relationship, a: Entity | None, b: Entity | None) -> float | None:
        """``year_of(last_evidence(rel, a, b))``, with the ends' part remembered."""
        years = [year_of(d) for d in (rel.since, rel.until) if d]
        for end in (a, b):
            if end is None:
                continue
            year = self._evidence.get(end.id, 0.0)
            if year == 0.0:
                dates = evidence_dates_of_entity(end)
                year = self._evidence[end.id] = max(map(year_of, dates)) if dates else None
            if year is not None:
                years.append(year)
        return max(years) if years else None

    def sourcing(self, rel: Relationship) -> float:
        w = self.weights
        if not rel.sources:
            return w.unsourced
        return 1 + w.per_extra_source * min(len(rel.sources) - 1, w.max_extra)

    def strength(
        self,
        rel: Relationship,
        a: Entity | None,
        b: Entity | None,
        *,
        key: RelationshipId | None = None,
    ) -> float:
        """base × recency × sourcing (× ``ended`` for a tie that has ended) of one
        relationship (``a``, ``b``: its ends; ``key``: its identity, when the
        caller has it at hand)."""
        key = rel.identity if key is None else key
        cached = self._cache.get(key)
        if cached is None:
            base = self.weights.base_strength(rel.type)
            cached = base * self._recency(self._last_year(rel, a, b)) * self.sourcing(rel)
            if rel.ended:
                cached *= self.weights.ended
            self._cache[key] = cached
        return cached

    def combine(self, strengths: Iterable[float]) -> float:
        """The strength of a step from the strengths of its parallel relationships."""
        values = list(strengths)
        return self.combine_best(max(values), len(values)) if values else 0.0

    def combine_best(self, best: float, count: int) -> float:
        """:meth:`combine` of ``count`` strengths whose maximum is ``best``."""
        w = self.weights
        bonus = 1 + w.per_parallel * min(count - 1, w.max_extra)
        return min(1.0, best * bonus)

    def hub(self, degree: int) -> float:
        """The factor of passing through an entity with ``degree`` relationships."""
        if degree <= 1:
            return 1.0
        return 1 / max(1.0, math.log(degree) / math.log(self.weights.hub_degree))


# -- one ranker per store version ---------------------------------------------------

#: Per open store that can tell its version: (version, weights as JSON, Ranker).
_RANKERS: weakref.WeakKeyDictionary[object, tuple[int, str, Ranker]] = weakref.WeakKeyDictionary()


def reference_date(store: Store, weights: RankingWeights) -> str | None:
    """The date recency is measured from: the pinned one, else the graph's newest
    (:meth:`~renmai.graph.store.Store.newest_date`)."""
    return weights.reference_date or store.newest_date()


def _version(store: Store) -> int | None:
    """The store's :attr:`~renmai.graph.store.Versioned.version`, read once, or
    None when it has none. (``isinstance`` with the protocol reads the property
    to see that it is there: on Neo4j, one round trip more.)"""
    version = getattr(store, "version", None)
    return version if isinstance(version, int) else None


def ranker_for(store: Store, weights: RankingWeights | None = None) -> Ranker:
    """A :class:`Ranker` for ``store`` with ``weights`` (default: the defaults).

    A store that can tell its version (:class:`~renmai.graph.store.Versioned`)
    gets the same ranker, with the strengths it has worked out, until the store
    changes: every path query scores the home office's thousands of
    relationships first.
    """
    weights = weights or RankingWeights()
    version = _version(store)
    if version is None:
        return Ranker(weights, reference_date(store, weights))
    key = weights.model_dump_json()
    with contextlib.suppress(KeyError):
        held, held_key, ranker = _RANKERS[store]
        if held == version and held_key == key:
            return ranker
    ranker = Ranker(weights, reference_date(store, weights))
    _RANKERS[store] = (version, key, ranker)
    return ranker
