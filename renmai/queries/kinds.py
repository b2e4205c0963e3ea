"""What an entity or a relationship is, by the schema's flags.

The sets of kinds (which can act, which are places, which relationships record
contact …) are facts of the schema, computed there once
(:class:`~renmai.graph.schema.Schema`); these are the questions walks ask of
one entity in hand, which may be missing (None) when it is not loaded.

>>> from renmai.graph.model import Entity, Relationship
>>> town = Entity(id="shiqi", kind="City", name="石岐")
>>> is_place(town), is_agent(town), is_place(None)
(True, True, False)
>>> is_geographic(Relationship(type="PART_OF", from_id="x", to_id="shiqi"), town)
True
"""

from __future__ import annotations

from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import SCHEMA


def is_place(entity: Entity | None) -> bool:
    return entity is not None and entity.kind in SCHEMA.place_kinds


def is_agent(entity: Entity) -> bool:
    return entity.kind in SCHEMA.agent_kinds


def is_geographic(rel: Relationship, container: Entity | None) -> bool:
    """Whether ``rel`` is geographic containment (see :meth:`Schema.is_geographic
    <renmai.graph.schema.Schema.is_geographic>`); ``container`` is ``rel.to_id``."""
    return SCHEMA.is_geographic(rel.type, None if container is None else container.kind)
