"""A piece of the graph to show: what a query answered, ready to be drawn.

Queries return their answers as :class:`Subgraph` (besides their own rows);
views draw a Subgraph and know nothing of how it was found.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from renmai.graph.model import Entity, Relationship, RelationshipId


@dataclass
class Subgraph:
    """Entities and relationships, with what to emphasise."""

    title: str
    entities: dict[str, Entity] = field(default_factory=dict)
    relationships: dict[RelationshipId, Relationship] = field(default_factory=dict)
    #: Where the question started (home entities, ``--from``).
    origins: set[str] = field(default_factory=set)
    #: What was asked for (the target, its members).
    targets: set[str] = field(default_factory=set)
    #: The best answer's relationships, to highlight.
    highlighted: set[RelationshipId] = field(default_factory=set)
    #: How connected each entity is in the whole graph (node size); the
    #: entity's degree within the subgraph when missing.
    degrees: dict[str, int] = field(default_factory=dict)

    def add_entity(self, entity: Entity) -> None:
        self.entities[entity.id] = entity

    def add_relationship(self, rel: Relationship) -> None:
        """Add a relationship; both its ends must be added too."""
        self.relationships[rel.identity] = rel

    def degree(self, entity_id: str) -> int:
        if entity_id in self.degrees:
            return self.degrees[entity_id]
        return sum(entity_id in rel.ends for rel in self.relationships.values())
