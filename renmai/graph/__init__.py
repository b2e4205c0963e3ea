"""The graph: the schema, the records, and the stores that hold them.

Everything else in renmai depends on this package; it depends on none of them.
"""

from renmai.graph.model import Entity, Problem, Relationship, RelationshipId, Source
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Counts, IntegrityError, Neighbor, Store, StoreError, WriteSummary

__all__ = [
    "SCHEMA",
    "Counts",
    "Entity",
    "IntegrityError",
    "Neighbor",
    "Problem",
    "Relationship",
    "RelationshipId",
    "Source",
    "Store",
    "StoreError",
    "WriteSummary",
]
