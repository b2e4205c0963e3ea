"""renmai (人脉): a knowledge graph of a city's overseas relationships and contacts.

The library behind the ``renmai`` command::

    import renmai

    store = renmai.open_store("graph.db")          # or open_store(neo4j_uri="bolt://…")
    answer = renmai.connect(store, "以色列")        # who can get us to Israel?

Everything named in :data:`__all__` is reachable from here; it is imported on
first use, so ``import renmai`` itself stays cheap (the CLI starts from it).

>>> import renmai
>>> store = renmai.sample_store()
>>> [c.entity.name for c in renmai.connect(store, "以色列").contacts]
['以色列创新署']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renmai.lazy import export_lazily

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    # stores
    "open_store": "renmai.graph.connect",
    "Store": "renmai.graph.store",
    "StoreError": "renmai.graph.store",
    "sample_store": "renmai.graph.sample",
    # the data model
    "SCHEMA": "renmai.graph.schema",
    "Entity": "renmai.graph.model",
    "Relationship": "renmai.graph.model",
    "Source": "renmai.graph.model",
    # questions
    "search": "renmai.queries.search",
    "describe": "renmai.queries.search",
    "lookup": "renmai.queries.targets",
    "connect": "renmai.queries.connect",
    "path": "renmai.queries.paths",
    "neighbors": "renmai.queries.neighborhood",
    "common": "renmai.queries.neighborhood",
    "brokers": "renmai.queries.network",
    "coverage": "renmai.queries.network",
    "stale": "renmai.queries.network",
    "stale_contacts": "renmai.queries.network",
    "agreements": "renmai.queries.agreements",
    "history": "renmai.queries.history",
    "RankingWeights": "renmai.queries.weights",
    "load_weights": "renmai.queries.weights",
    # loading files
    "load": "renmai.loaders.load",
    "LoadOptions": "renmai.loaders.load",
}

if TYPE_CHECKING:  # what type checkers and editors see; at run time, LazyPackage
    from renmai.graph.connect import open_store
    from renmai.graph.model import Entity, Relationship, Source
    from renmai.graph.sample import sample_store
    from renmai.graph.schema import SCHEMA
    from renmai.graph.store import Store, StoreError
    from renmai.loaders.load import LoadOptions, load
    from renmai.queries.agreements import agreements
    from renmai.queries.connect import connect
    from renmai.queries.history import history
    from renmai.queries.neighborhood import common, neighbors
    from renmai.queries.network import brokers, coverage, stale, stale_contacts
    from renmai.queries.paths import path
    from renmai.queries.search import describe, search
    from renmai.queries.targets import lookup
    from renmai.queries.weights import RankingWeights, load_weights

# The same names as _EXPORTS (a test checks), spelled out for tools that read it.
__all__ = [
    "SCHEMA",
    "Entity",
    "LoadOptions",
    "RankingWeights",
    "Relationship",
    "Source",
    "Store",
    "StoreError",
    "agreements",
    "brokers",
    "common",
    "connect",
    "coverage",
    "describe",
    "history",
    "load",
    "load_weights",
    "lookup",
    "neighbors",
    "open_store",
    "path",
    "sample_store",
    "search",
    "stale",
    "stale_contacts",
]

export_lazily(__name__)
