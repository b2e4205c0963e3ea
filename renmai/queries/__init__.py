"""Questions asked of the graph: pure functions over the :class:`~renmai.graph.store.Store`
protocol, written once for both stores (networkx style: one family per module).

* :mod:`~renmai.queries.search` — :func:`search` (ranked name search), :func:`describe` (show)
* :mod:`~renmai.queries.targets` — :func:`lookup` (an argument to one entity),
  :func:`target_set`, :func:`place_members`, :func:`keyword_members`
* :mod:`~renmai.queries.connect` — :func:`connect`: who can get us to X
* :mod:`~renmai.queries.paths` — :func:`path`: best paths between two entities
* :mod:`~renmai.queries.neighborhood` — :func:`neighbors`, :func:`common`
* :mod:`~renmai.queries.network` — :func:`brokers`, :func:`coverage`, :func:`stale`
* :mod:`~renmai.queries.ranking` and :mod:`~renmai.queries.weights` — how paths are
  scored (:class:`RankingWeights`, documented in ``docs/ranking.md``)
* :mod:`~renmai.queries.walk` — the shared walk: bounded exploration and best-first paths
"""

from renmai.queries.connect import Connection, Contact, NoOrigin, connect
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
    StaleRow,
    brokers,
    coverage,
    stale,
)
from renmai.queries.paths import PathAnswer, path
from renmai.queries.ranking import Ranker, ranker_for
from renmai.queries.search import EntityDetail, SearchHit, describe, search
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
    "Broker",
    "Common",
    "Connection",
    "Contact",
    "Coverage",
    "CoverageRow",
    "EntityDetail",
    "EntityLookupError",
    "GraphView",
    "NeighborRow",
    "Neighborhood",
    "NoOrigin",
    "Path",
    "PathAnswer",
    "Ranker",
    "RankingWeights",
    "SearchHit",
    "SharedRow",
    "StaleRow",
    "Step",
    "TargetSet",
    "WeightsError",
    "brokers",
    "common",
    "connect",
    "coverage",
    "describe",
    "keyword_members",
    "load_weights",
    "lookup",
    "neighbors",
    "path",
    "place_members",
    "ranker_for",
    "search",
    "stale",
    "target_set",
]
