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
from collections.abc import Callable, Collection, ItemsView, Iterable, Iterator, Mapping, ValuesView
from dataclasses import dataclass, field, replace
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

from renmai.errors import RenmaiError
from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.names import has_han, to_simplified
from renmai.graph.resolve import Resolution, describe, resolve
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Direction, InwardSketches, Member, Neighbor, Store, StoreError
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


H = TypeVar("H")
R = TypeVar("R")


class Records(Mapping[str, R], Generic[H, R]):
    """Records by id, each read whole from the store when first looked at.

    A place's members are thousands: a question weighs them as sketches and
    reads whole only the few its answer shows (the containment chains of a
    page). Ids, ``len`` and ``in`` read nothing; ``values()`` and ``items()``
    read every record not yet read, in one call of ``read``. ``handles``
    maps each id to what ``read`` takes (an entity's id, a relationship's
    identity).
    """

    def __init__(
        self,
        handles: Mapping[str, H],
        read: Callable[[Collection[H]], Mapping[H, R]],
        whole: dict[str, R] | None = None,
    ) -> None:
        self._handles = handles
        self._read = read
        #: The records read so far, by id (shared with :meth:`without`'s copies).
        self._whole: dict[str, R] = {} if whole is None else whole

    def __getitem__(self, key: str) -> R:
        if key not in self._handles:
            raise KeyError(key)
        self._fill([key])
        return self._whole[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handles)

    def __len__(self) -> int:
        return len(self._handles)

    def __contains__(self, key: object) -> bool:
        return key in self._handles

    def values(self) -> ValuesView[R]:
        self._fill(self._handles)
        return super().values()

    def items(self) -> ItemsView[str, R]:
        self._fill(self._handles)
        return super().items()

    def without(self, drop: Collection[str]) -> Records[H, R]:
        """These records but ``drop``."""
        kept = {k: h for k, h in self._handles.items() if k not in drop}
        return Records(kept, self._read, self._whole)

    def _fill(self, keys: Iterable[str]) -> None:
        wanted = {self._handles[k]: k for k in keys if k not in self._whole}
        if not wanted:
            return
        found = self._read(list(wanted))
        if found.keys() != wanted.keys():
            raise StoreError("the graph changed while the question was being answered; ask again")
        for handle, key in wanted.items():
            self._whole[key] = found[handle]


@dataclass
class TargetSet:
    """The entities a question is about, and how they were chosen."""

    #: "entity": one entity; "place": a country or city and what is in it;
    #: "keyword": what mentions a word.
    mode: Literal["entity", "place", "keyword"]
    text: str
    #: The entity asked about (None for a keyword).
    entity: Entity | None
    #: The entities aimed at, by id, as whole records; a place's are read
    #: from the store when first looked at (:class:`Records`).
    members: Mapping[str, Entity] = field(default_factory=dict)
    #: For a place's members: the relationship that took each one in (toward
    #: the place), so that a view can show why it counts; read likewise.
    via: Mapping[str, Relationship] = field(default_factory=dict)
    #: For a keyword: the words looked for.
    terms: tuple[str, ...] = ()
    #: The members as a walk weighs them, where the store sent sketches
    #: (:class:`~renmai.graph.store.InwardSketches`); None: :attr:`members`
    #: are at hand whole.
    sketches: Mapping[str, Entity] | None = None

    @property
    def weighed(self) -> Mapping[str, Entity]:
        """What a walk weighs the members by: their sketches, else themselves."""
        return self.members if self.sketches is None else self.sketches

    def without(self, ids: Iterable[str]) -> TargetSet:
        """This set without ``ids`` (the origins: we are not our own target)."""
        drop = set(ids) & self.members.keys()
        if not drop:
            return self
        return replace(
            self,
            members=_without(self.members, drop),
            via=_without(self.via, drop),
            sketches=None if self.sketches is None else _without(self.sketches, drop),
        )


def _without(records: Mapping[str, R], drop: Collection[str]) -> Mapping[str, R]:
    if isinstance(records, Records):
        return records.without(drop)
    return {i: r for i, r in records.items() if i not in drop}


class NeighborSource(Protocol):
    """What :func:`place_members` needs: a store, or a graph held in memory."""

    def neighbors_many(
        self,
        entity_ids: Collection[str],
        *,
        direction: Direction = "both",
        types: Collection[str] | None = None,
    ) -> dict[str, list[Neighbor]]: ...


@runtime_checkable
class _ReadsWhole(Protocol):
    """Where the records of sketched members are read whole from."""

    def get_many(self, entity_ids: Collection[str]) -> dict[str, Entity]: ...

    def get_relationships(
        self, ids: Collection[RelationshipId]
    ) -> dict[RelationshipId, Relationship]: ...


#: One level of containment: by entity of the frontier, what points into it.
Level = Callable[[list[str]], Mapping[str, list[Member]] | Mapping[str, list[Neighbor]]]


def place_members(store: NeighborSource, place: Entity, *, cap: int = MEMBER_CAP) -> TargetSet:
    """The place, what is inside it (containment chains inward), the consulates
    that represent it and the people and associations rooted in it; one round
    trip per level of containment.

    A store that can (:class:`~renmai.graph.store.InwardSketches`) sends the
    members as sketches: the set's :attr:`~TargetSet.members` and
    :attr:`~TargetSet.via` are then read whole where they are looked at."""
    inward = SCHEMA.containment_kinds | SCHEMA.place_tie_kinds
    if isinstance(store, InwardSketches) and isinstance(store, _ReadsWhole):
        sketcher = store
        members, via = _gather(lambda ids: sketcher.sketch_inward(ids, types=inward), place, cap)
        identities = {i: m.relationship for i, m in via.items() if isinstance(m, Member)}
        return TargetSet(
            "place",
            place.name,
            place,
            Records({i: i for i in members}, store.get_many, {place.id: place}),
            Records(identities, store.get_relationships),
            sketches=members,
        )
    members, via = _gather(
        lambda ids: store.neighbors_many(ids, direction="in", types=inward), place, cap
    )
    whole = {i: n.relationship for i, n in via.items() if isinstance(n, Neighbor)}
    return TargetSet("place", place.name, place, members, whole)


def _gather(
    level: Level, place: Entity, cap: int
) -> tuple[dict[str, Entity], dict[str, Member | Neighbor]]:
    """The members of ``place`` (at most ``cap``, in the order they are met,
    a level at a time) and what took each one in."""
    members: dict[str, Entity] = {place.id: place}
    via: dict[str, Member | Neighbor] = {}
    ties = SCHEMA.place_tie_kinds
    # Only these kinds can have anything in them: the rest (people, events)
    # are never asked about, a level of a country's thousands saved.
    containers = {
        kind
        for name in SCHEMA.containment_kinds | ties
        for kind in SCHEMA.relationship_kind(name).to_kinds
    }
    frontier = [place.id]
    for _ in range(MAX_DEPTH):
        if not frontier or len(members) >= cap:
            break
        found = level(frontier)
        next_frontier = []
        for entity_id in frontier:
            for taken in found.get(entity_id, []):
                other = taken.entity
                if other.id in members:
                    continue
                if len(members) >= cap:
                    break
                members[other.id] = other
                via[other.id] = taken
                if taken.relationship.type not in ties and other.kind in containers:
                    next_frontier.append(other.id)
        frontier = sorted(next_frontier)
    return members, via


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
