"""Questions asked of the graph: pure functions over the :class:`~renmai.graph.store.Store`
protocol, written once for both stores (networkx style: one family per module).

* :mod:`~renmai.queries.search` — :func:`search` (ranked name search), :func:`describe` (show)
* :mod:`~renmai.queries.targets` — :func:`lookup` (an argument to one entity),
  :func:`target_set`, :func:`place_members`, :func:`keyword_members`
* :mod:`~renmai.queries.connect` — :func:`connect`: who can get us to X
* :mod:`~renmai.queries.paths` — :func:`path`: best paths between two entities
* :mod:`~renmai.queries.neighborhood` — :func:`neighbors`, :func:`common`
* :mod:`~renmai.queries.network` — :func:`brokers`, :func:`coverage`, :func:`stale`,
  :func:`stale_contacts` (per contact: who we have not met since a date)
* :mod:`~renmai.queries.succession` — :func:`succession`: who holds a post now, who before
* :mod:`~renmai.queries.agreements` — :func:`agreements`: status, parties, dormant ones
* :mod:`~renmai.queries.history` — :func:`history`: what changed, per entity or graph
* :mod:`~renmai.queries.ranking` and :mod:`~renmai.queries.weights` — how paths are
  scored (:class:`RankingWeights`, documented in ``docs/ranking.md``)
* :mod:`~renmai.queries.walk` — the shared walk: bounded exploration and best-first paths
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renmai.lazy import export_lazily

#: Public name -> the module that defines it (imported when the name is first asked for).
_EXPORTS = {
    "AgreementRow": "renmai.queries.agreements",
    "agreements": "renmai.queries.agreements",
    "Connection": "renmai.queries.connect",
    "Contact": "renmai.queries.connect",
    "NoOrigin": "renmai.queries.connect",
    "connect": "renmai.queries.connect",
    "History": "renmai.queries.history",
    "HistoryLookupError": "renmai.queries.history",
    "history": "renmai.queries.history",
    "Common": "renmai.queries.neighborhood",
    "NeighborRow": "renmai.queries.neighborhood",
    "Neighborhood": "renmai.queries.neighborhood",
    "SharedRow": "renmai.queries.neighborhood",
    "common": "renmai.queries.neighborhood",
    "neighbors": "renmai.queries.neighborhood",
    "Broker": "renmai.queries.network",
    "Coverage": "renmai.queries.network",
    "CoverageRow": "renmai.queries.network",
    "GraphView": "renmai.queries.network",
    "LastContact": "renmai.queries.network",
    "StaleRow": "renmai.queries.network",
    "brokers": "renmai.queries.network",
    "coverage": "renmai.queries.network",
    "last_contacts": "renmai.queries.network",
    "stale": "renmai.queries.network",
    "stale_contacts": "renmai.queries.network",
    "PathAnswer": "renmai.queries.paths",
    "path": "renmai.queries.paths",
    "Ranker": "renmai.queries.ranking",
    "ranker_for": "renmai.queries.ranking",
    "EntityDetail": "renmai.queries.search",
    "SearchHit": "renmai.queries.search",
    "describe": "renmai.queries.search",
    "search": "renmai.queries.search",
    "Post": "renmai.queries.succession",
    "Succession": "renmai.queries.succession",
    "succession": "renmai.queries.succession",
    "successions": "renmai.queries.succession",
    "EntityLookupError": "renmai.queries.targets",
    "TargetSet": "renmai.queries.targets",
    "keyword_members": "renmai.queries.targets",
    "lookup": "renmai.queries.targets",
    "place_members": "renmai.queries.targets",
    "target_set": "renmai.queries.targets",
    "Path": "renmai.queries.walk",
    "Step": "renmai.queries.walk",
    "RankingWeights": "renmai.queries.weights",
    "WeightsError": "renmai.queries.weights",
    "load_weights": "renmai.queries.weights",
}

if TYPE_CHECKING:  # what type checkers and editors see; at run time, LazyPackage
    from renmai.queries.agreements import AgreementRow, agreements
    from renmai.queries.connect import Connection, Contact, NoOrigin, connect
    from renmai.queries.history import History, HistoryLookupError, history
    from renmai.queries.neighborhood import (
        Common,
        Neighborhood,
        NeighborRow,
        SharedRow,
        common,
        neighbors,
    )
    from renmai.queries.network import (
        Broker,
        Coverage,
        CoverageRow,
        GraphView,
        LastContact,
        StaleRow,
        brokers,
        coverage,
        last_contacts,
        stale,
        stale_contacts,
    )
    from renmai.queries.paths import PathAnswer, path
    from renmai.queries.ranking import Ranker, ranker_for
    from renmai.queries.search import EntityDetail, SearchHit, describe, search
    from renmai.queries.succession import Post, Succession, succession, successions
    from renmai.queries.targets import (
        EntityLookupError,
        TargetSet,
        keyword_members,
        lookup,
        place_members,
        target_set,
    )
    from renmai.queries.walk import Path, Step
    from renmai.queries.weights import RankingWeights, WeightsError, load_weights

__all__ = [
    "AgreementRow",
    "Broker",
    "Common",
    "Connection",
    "Contact",
    "Coverage",
    "CoverageRow",
    "EntityDetail",
    "EntityLookupError",
    "GraphView",
    "History",
    "HistoryLookupError",
    "LastContact",
    "NeighborRow",
    "Neighborhood",
    "NoOrigin",
    "Path",
    "PathAnswer",
    "Post",
    "Ranker",
    "RankingWeights",
    "SearchHit",
    "SharedRow",
    "StaleRow",
    "Step",
    "Succession",
    "TargetSet",
    "WeightsError",
    "agreements",
    "brokers",
    "common",
    "connect",
    "coverage",
    "describe",
    "history",
    "keyword_members",
    "last_contacts",
    "load_weights",
    "lookup",
    "neighbors",
    "path",
    "place_members",
    "ranker_for",
    "search",
    "stale",
    "stale_contacts",
    "succession",
    "successions",
    "target_set",
]

export_lazily(__name__)
