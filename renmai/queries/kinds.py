"""What the schema says about kinds, as the queries need it.

Queries never name a relationship type or an entity kind; they ask here which
kinds can act, which are places, which relationships are containment, which
record contact, and which tie an entity to a place — all derived from
:data:`~renmai.graph.schema.SCHEMA`.

>>> sorted(place_tie_kinds())
['ANCESTRAL_HOME', 'REPRESENTS']
>>> sorted(position_kinds())
['HOLDS_POSITION']
"""

from __future__ import annotations

from functools import cache

from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import SCHEMA, RelationshipKind


def _points_at_places(kind: RelationshipKind) -> bool:
    """A kind by which something that is not a place points only at places
    (a consulate at the country it represents, a leader at an ancestral home)."""
    return (
        not kind.containment
        and all(SCHEMA.entity_kind(k).place for k in kind.to_kinds)
        and not all(SCHEMA.entity_kind(k).place for k in kind.from_kinds)
    )


def contact_kinds() -> frozenset[str]:
    """Relationship kinds that record contact, as opposed to where or what a thing is.

    Derived from the schema: containment kinds, and kinds by which something
    that is not a place points only at places (a consulate representing a
    country, an ancestral home), are facts about an entity, not ties anyone
    keeps up. Two cities' sister-city tie is contact.
    """
    return frozenset(
        kind.name
        for kind in SCHEMA.relationship_kinds
        if not kind.containment and not _points_at_places(kind)
    )


def place_tie_kinds() -> frozenset[str]:
    """Kinds that tie an entity to a place it stands for or comes from
    (REPRESENTS, ANCESTRAL_HOME …): a place target includes their sources."""
    return frozenset(kind.name for kind in SCHEMA.relationship_kinds if _points_at_places(kind))


@cache
def containment_kinds() -> frozenset[str]:
    return frozenset(k.name for k in SCHEMA.relationship_kinds if k.containment)


def is_place(entity: Entity | None) -> bool:
    return entity is not None and entity.kind in _place_kinds()


@cache
def _place_kinds() -> frozenset[str]:
    return frozenset(k.name for k in SCHEMA.entity_kinds if k.place)


def is_agent(entity: Entity) -> bool:
    return entity.kind in _agent_kinds()


@cache
def _agent_kinds() -> frozenset[str]:
    return frozenset(k.name for k in SCHEMA.entity_kinds if k.agent)


def is_geographic(rel: Relationship, container: Entity | None) -> bool:
    """Whether ``rel`` is geographic containment: a containment kind whose
    container (``rel.to_id``, given as ``container``) is a place. A unit
    ``PART_OF`` its organization is an ordinary tie."""
    return rel.type in containment_kinds() and is_place(container)


@cache
def position_kinds() -> frozenset[str]:
    """Kinds by which only a person points at an organization (a post held):
    what tells who a person is, next to their name in an answer."""
    return frozenset(
        kind.name
        for kind in SCHEMA.relationship_kinds
        if kind.from_kinds == ("Person",) and not kind.symmetric and not _points_at_places(kind)
    )
