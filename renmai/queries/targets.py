"""What a question is about: one entity, a place and everything in it, or a keyword.

* :func:`lookup` turns a command argument (id, name or alias) into one entity,
  or fails with the candidates, never guessing.
* :func:`place_members` is what a country or city target means: the place,
  everything located in it or part of it (chains inward: a company in a city
  in a country), the consulates representing it and the people and
  associations rooted in it.
* :func:`keyword_members` is what a sector or keyword (游艇, football, biotech)
  means: entities whose names, tags, description or fields mention it, or whose
  relationships' fields do.
* :func:`target_set` picks one of those for a text, as ``connect`` does.

>>> SECTOR_TERMS["football"]
('football', 'soccer', '足球')
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from renmai.errors import RenmaiError
from renmai.graph.model import Entity, Relationship
from renmai.graph.names import has_han, to_simplified
from renmai.graph.resolve import Resolution, describe, resolve
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Direction, Neighbor, Store
from renmai.queries.kinds import is_place

#: Members of a place gathered at most (a country's thousands of members in a
#: national registry are more than any path search can use).
MEMBER_CAP = 20_000
#: Levels of containment followed inward (community → town → city → country).
MAX_DEPTH = 8

#: Words that stand for one sector, in the languages the data is written in:
#: a keyword finds what any of its sector's words find. Extend as sectors come up.
SECTORS: tuple[tuple[str, ...], ...] = (
    ("游艇", "yacht", "yachting", "marina"),
    ("足球", "football", "soccer"),
    ("生物医药", "制药", "医药", "biotech", "biotechnology", "pharma", "pharmaceutical"),
    ("乒乓球", "table tennis", "ping pong"),
    ("体育", "sport", "sports"),
    ("旅游", "tourism", "travel"),
    ("教育", "education"),
    ("创新", "innovation"),
    ("科技", "technology", "tech"),
    ("人才", "talent"),
    ("医疗", "medical", "healthcare"),
    ("眼科", "ophthalmology"),
    ("灯饰", "lighting"),
    ("家电", "appliance", "appliances"),
    ("家具", "furniture"),
    ("文化", "culture", "cultural"),
    ("青年", "youth"),
    ("孵化", "incubator", "incubation"),
    ("投资", "investment", "venture capital"),
)


def _sector_terms() -> dict[str, tuple[str, ...]]:
    terms: dict[str, tuple[str, ...]] = {}
    for words in SECTORS:
        ordered = tuple(sorted(words, key=lambda w: (has_han(w), w)))
        for word in words:
            terms[word.casefold()] = ordered
    return terms


#: Each sector word (case-folded) → all the words of its sector.
SECTOR_TERMS = _sector_terms()


class EntityLookupError(RenmaiError):
    """A command argument does not name exactly one entity."""

    def __init__(self, message: str, resolution: Resolution | None = None) -> None:
        super().__init__(message)
        self.resolution = resolution


def _candidates_message(resolution: Resolution) -> str:
    lines = [f"{resolution.text!r} could mean any of these; give the id instead:"]
    lines += [f"  {describe(e)}" for e in resolution.candidates]
    return "\n".join(lines)


def lookup(store: Store, text: str, *, kind: str | None = None) -> Entity:
    """The one entity ``text`` (an id, a name or an alias) names.

    Raises :class:`EntityLookupError` listing the candidates when the name is
    ambiguous, and suggesting near names when nothing has it.

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> lookup(store, "本拿比").id  # an alias
    'burnaby'
    >>> lookup(store, "Burnabee")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    renmai.queries.targets.EntityLookupError: ...; did you mean: burnaby (City 本拿比市, canada)
    """
    resolution = resolve(store, text, kind=kind)
    if resolution.entity is not None:
        return resolution.entity
    if resolution.status == "ambiguous":
        raise EntityLookupError(_candidates_message(resolution), resolution)
    from renmai.queries.search import search

    hits = search(store, text, kind=kind, limit=5)
    message = resolution.explain()
    if hits:
        message += "; did you mean: " + ", ".join(describe(h.entity) for h in hits)
    raise EntityLookupError(message, resolution)


@dataclass
class TargetSet:
    """The entities a question is about, and how they were chosen."""

    #: "entity": one entity; "place": a country or city and what is in it;
    #: "keyword": what mentions a word.
    mode: Literal["entity", "place", "keyword"]
    text: str
    #: The entity asked about (None for a keyword).
    entity: Entity | None
    members: dict[str, Entity] = field(default_factory=dict)
    #: For a place's members: the relationship that took each one in (toward
    #: the place), so that a view can show why it counts.
    via: dict[str, Relationship] = field(default_factory=dict)
    #: For a keyword: the words looked for.
    terms: tuple[str, ...] = ()

    def without(self, ids: Iterable[str]) -> TargetSet:
        """This set without ``ids`` (the origins: we are not our own target)."""
        drop = set(ids)
        return TargetSet(
            self.mode,
            self.text,
            self.entity,
            {i: e for i, e in self.members.items() if i not in drop},
            {i: r for i, r in self.via.items() if i not in drop},
            self.terms,
        )


class NeighborSource(Protocol):
    """What :func:`place_members` needs: a store, or a graph held in memory."""

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]: ...


def place_members(store: NeighborSource, place: Entity, *, cap: int = MEMBER_CAP) -> TargetSet:
    """The place, what is inside it (containment chains inward), the consulates
    that represent it and the people and associations rooted in it; one round
    trip per level of containment."""
    members: dict[str, Entity] = {place.id: place}
    via: dict[str, Relationship] = {}
    ties = SCHEMA.place_tie_kinds
    inward = SCHEMA.containment_kinds | ties
    frontier = [place.id]
    for _ in range(MAX_DEPTH):
        if not frontier or len(members) >= cap:
            break
        found = store.neighbors_many(frontier, direction="in", types=inward)
        next_frontier = []
        for entity_id in frontier:
            for n in found.get(entity_id, []):
                other = n.entity
                if other.id in members or len(members) >= cap:
                    continue
                members[other.id] = other
                via[other.id] = n.relationship
                if n.relationship.type not in ties:
                    next_frontier.append(other.id)
        frontier = sorted(next_frontier)
    return TargetSet("place", place.name, place, members, via)


def keyword_terms(text: str) -> tuple[str, ...]:
    """The words a keyword stands for: itself and its sector's words."""
    folded = text.strip().casefold()
    return SECTOR_TERMS.get(folded, (text.strip(),))


def _matcher(terms: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for term in terms:
        folded = to_simplified(term).casefold()
        if has_han(folded):
            parts.append(re.escape(folded))
        else:  # a Latin word matches at a word start: "art" is not in "party"
            parts.append(r"(?<![a-z0-9])" + re.escape(folded))
    return re.compile("|".join(parts))


def entity_text(entity: Entity) -> str:
    """Everything about an entity a keyword may be found in (no contact details)."""
    personal = SCHEMA.personal_fields[entity.kind]
    values = [
        *entity.all_names,
        *entity.tags,
        entity.description or "",
        *(str(v) for k, v in entity.properties.items() if k not in personal),
    ]
    return "\n".join(values)


def relationship_text(rel: Relationship) -> str:
    return "\n".join(str(v) for v in rel.properties.values())


def mentions(pattern: re.Pattern[str], text: str) -> bool:
    return bool(pattern.search(to_simplified(text).casefold()))


def keyword_members(store: Store, text: str) -> TargetSet:
    """Entities that mention ``text`` (or a word of its sector) anywhere, and
    the ends of relationships whose fields mention it. Home entities are left
    out: they are where we start. A scan of the whole graph."""
    terms = keyword_terms(text)
    pattern = _matcher(terms)
    members = {e.id: e for e in store.entities() if mentions(pattern, entity_text(e))}
    ends = {
        end
        for rel in store.relationships()
        if rel.properties and mentions(pattern, relationship_text(rel))
        for end in rel.ends
    }
    members.update(store.get_many(ends - members.keys()))
    members = {i: members[i] for i in sorted(members) if not members[i].home}
    return TargetSet("keyword", text, None, members, terms=terms)


def target_set(store: Store, text: str | Entity) -> TargetSet:
    """What ``connect`` aims at: an entity (a place with its members), or, when
    the text names no entity, what mentions it. An ambiguous name raises
    :class:`EntityLookupError` with the candidates."""
    if isinstance(text, Entity):
        entity = text
    else:
        resolution = resolve(store, text)
        if resolution.status == "ambiguous":
            raise EntityLookupError(_candidates_message(resolution), resolution)
        if resolution.entity is None:
            found = keyword_members(store, text)
            if not found.members:
                raise EntityLookupError(
                    f"nothing is named {text!r} and nothing mentions it "
                    "(try `renmai search` for names)",
                    resolution,
                )
            return found
        entity = resolution.entity
    if is_place(entity):
        return place_members(store, entity)
    return TargetSet("entity", entity.name, entity, {entity.id: entity})
