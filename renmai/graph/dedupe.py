"""Finding and merging duplicate entities already in a store.

Loads resolve names as they go, but two sources can still leave one thing as
two entities (a typo, a name never declared as the other's alias).
:func:`likely_duplicates` lists candidates for a person to review;
:func:`merge_entities` merges one pair, keeping every relationship and source.
Both use the :class:`~renmai.graph.store.Store` protocol only, so they work on
either store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz, process

from renmai.errors import RenmaiError
from renmai.graph.history import Change, Deletions
from renmai.graph.model import Entity, Relationship, merge_entity
from renmai.graph.resolve import countries_of, declared_keys, latin_keys, name_key, pinyin_keys
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store

#: Default similarity (0..100, rapidfuzz ratio of name keys) above which two
#: names are "very similar". 80 catches one character changed in a six-
#: character Chinese name (中瑞欧工业园 / 中瑞欧产业园 score 83).
DEFAULT_THRESHOLD = 80.0


class MergeError(RenmaiError):
    """Two entities cannot be merged (not found, the same, different kinds …)."""


@dataclass(frozen=True)
class DuplicatePair:
    """Two entities that may be one; ``first`` sorts before ``second`` by id."""

    first: Entity
    second: Entity
    reason: str
    #: 0..100: 100 for the same name or an alias, else the names' similarity.
    score: float


def _same_name(a: Entity, b: Entity) -> str | None:
    """Why ``a`` and ``b`` have the same name, if they do."""
    a_names = {name_key(a.name), name_key(a.name_en or "")} - {""}
    b_names = {name_key(b.name), name_key(b.name_en or "")} - {""}
    if a_names & b_names:
        return "same name"
    if a_names & declared_keys(b) or b_names & declared_keys(a):
        return "one's name is the other's alias"
    if declared_keys(a) & declared_keys(b):
        return "shared alias"
    if pinyin_keys(a) & latin_keys(b) or pinyin_keys(b) & latin_keys(a):
        return "same name in pinyin"
    return None


def _apart(a: Entity, b: Entity, store: Store) -> bool:
    """Known to be in different countries (two cities called 仁川, say)."""
    ca, cb = countries_of(a, store), countries_of(b, store)
    return bool(ca and cb and not ca & cb)


def _pair(a: Entity, b: Entity) -> tuple[Entity, Entity]:
    return (a, b) if a.id < b.id else (b, a)


def likely_duplicates(
    store: Store, *, kind: str | None = None, threshold: float = DEFAULT_THRESHOLD
) -> list[DuplicatePair]:
    """Pairs of entities of one kind that may be the same thing, best first.

    A pair qualifies when the two share a name key (name, English name or an
    alias — across scripts too), or when their names are very similar
    (rapidfuzz ratio of name keys at least ``threshold``). Pairs known to be in
    different countries are left out.
    """
    kinds = [kind] if kind else list(SCHEMA.entity_kind_names)
    found: dict[tuple[str, str], DuplicatePair] = {}
    for each_kind in kinds:
        entities = list(store.entities(each_kind))
        for a, b in _sharing_keys(entities):
            reason = _same_name(a, b)
            if reason and not _apart(a, b, store):
                first, second = _pair(a, b)
                found[(first.id, second.id)] = DuplicatePair(first, second, reason, 100.0)
        for a, b, score in _similar(entities, threshold):
            first, second = _pair(a, b)
            if (first.id, second.id) not in found and not _apart(a, b, store):
                found[(first.id, second.id)] = DuplicatePair(first, second, "similar names", score)
    return sorted(found.values(), key=lambda p: (-p.score, p.first.kind, p.first.id, p.second.id))


def _sharing_keys(entities: Sequence[Entity]) -> Iterable[tuple[Entity, Entity]]:
    """Pairs sharing any key (declared, or pinyin against Latin): the candidates
    :func:`_same_name` then explains."""
    by_key: dict[str, set[int]] = defaultdict(set)
    for i, entity in enumerate(entities):
        for key in declared_keys(entity) | pinyin_keys(entity):
            by_key[key].add(i)
    pairs: set[tuple[int, int]] = set()
    for members in by_key.values():
        pairs |= set(combinations(sorted(members), 2))
    return [(entities[i], entities[j]) for i, j in sorted(pairs)]


def _similar(entities: Sequence[Entity], threshold: float) -> list[tuple[Entity, Entity, float]]:
    """Pairs whose names' keys are at least ``threshold`` similar."""
    keys: list[str] = []
    owners: list[int] = []
    for i, entity in enumerate(entities):
        # Names only: English names follow templates ("Consulate General of
        # Brazil in Guangzhou", "… of Cuba …") and would all look alike.
        if key := name_key(entity.name):
            keys.append(key)
            owners.append(i)
    best: dict[tuple[int, int], float] = {}
    for x, key in enumerate(keys):
        # Only the keys after this one: each pair is scored once.
        for _, score, y in process.extract(
            key, keys[x + 1 :], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        ):
            i, j = sorted((owners[x], owners[x + 1 + y]))
            if i != j:
                best[(i, j)] = max(best.get((i, j), 0.0), float(score))
    return [(entities[i], entities[j], score) for (i, j), score in sorted(best.items())]


@dataclass(frozen=True)
class MergeResult:
    """What a merge did."""

    kept: Entity
    dropped: Entity
    #: Relationships of the dropped entity now attached to the kept one.
    moved: int
    #: Relationships between the two, which would now join the entity to itself.
    discarded: list[Relationship]
    #: Other entities whose reference fields named the dropped entity.
    repointed: int


def _repoint(rel: Relationship, drop_id: str, keep_id: str) -> Relationship:
    ends = {"from": rel.from_id, "to": rel.to_id}
    ends = {end: keep_id if value == drop_id else value for end, value in ends.items()}
    return Relationship.model_validate(
        {**rel.model_dump(by_alias=True, exclude={"from_id", "to_id"}), **ends}
    )


def _referrers(store: Store, drop: Entity, keep_id: str) -> list[Entity]:
    """Entities whose reference fields name ``drop``, re-pointed to ``keep_id``.

    Fields that imply a relationship are found through it; the others (a
    person's nationality) by reading the kinds that have such fields.
    """
    candidates = {n.entity.id: n.entity for n in store.neighbors(drop.id, direction="in")}
    for kind in SCHEMA.entity_kinds:
        if any(s.type == "ref" and not s.implies for s in kind.fields.values()):
            candidates.update((e.id, e) for e in store.entities(kind.name))
    updated = []
    for entity in candidates.values():
        fields = SCHEMA.entity_kind(entity.kind).fields
        changed = {
            name: keep_id
            for name, value in entity.properties.items()
            if value == drop.id and fields[name].type == "ref"
        }
        if changed and entity.id != drop.id:
            updated.append(
                Entity.model_validate(
                    {**entity.model_dump(), "properties": {**entity.properties, **changed}}
                )
            )
    return updated


def merge_entities(
    store: Store, keep_id: str, drop_id: str, *, note: str | None = None
) -> MergeResult:
    """Merge ``drop_id`` into ``keep_id`` and delete it.

    The kept entity keeps its name and values; it gains the dropped one's
    missing values, tags, sources and aliases, and its name as an alias.
    Every relationship of the dropped entity is re-pointed to the kept one,
    and reference fields elsewhere that named it now name the kept one. It is
    one write, kept in the history with ``note``; where a store splits a large
    write, the delete comes last, so an interrupted merge is completed by
    running it again.
    """
    if keep_id == drop_id:
        raise MergeError(f"{keep_id!r} and {drop_id!r} are the same entity")
    keep, drop = store.get(keep_id), store.get(drop_id)
    for wanted, got in ((keep_id, keep), (drop_id, drop)):
        if got is None:
            raise MergeError(f"no entity with id {wanted!r} in {store.location}")
    assert keep is not None and drop is not None
    if keep.kind != drop.kind:
        raise MergeError(
            f"cannot merge {drop.id!r} (a {drop.kind}) into {keep.id!r} (a {keep.kind})"
        )
    own_refs = [name for name, value in keep.properties.items() if value == drop.id]
    if own_refs:
        raise MergeError(
            f"{keep.id!r} names {drop.id!r} in its {', '.join(own_refs)} field: one is part "
            "of the other, so they are not duplicates"
        )
    # The dropped entity's values fill the gaps; the kept one's win. Its fields
    # that named the kept entity would make it refer to itself.
    drop_props = {k: v for k, v in drop.properties.items() if v != keep.id}
    base = drop.model_copy(update={"id": keep.id, "properties": drop_props})
    merged = merge_entity(base, keep)

    moved, discarded = [], []
    for neighbor in store.neighbors(drop.id):
        rel = neighbor.relationship
        if neighbor.entity.id == keep.id:
            discarded.append(rel)
        else:
            moved.append(_repoint(rel, drop.id, keep.id))
    referrers = _referrers(store, drop, keep.id)
    drop_rels = [n.relationship.identity for n in store.neighbors(drop.id)]
    gone = Deletions(entities=[drop.id], relationships=drop_rels)
    change = Change("merge", f"{keep.id} {drop.id}", note)
    store.write([merged, *referrers], moved, deletions=gone, change=change)
    return MergeResult(
        kept=store.get(keep.id) or merged,
        dropped=drop,
        moved=len(moved),
        discarded=discarded,
        repointed=len(referrers),
    )


__all__ = [
    "DEFAULT_THRESHOLD",
    "DuplicatePair",
    "MergeError",
    "MergeResult",
    "likely_duplicates",
    "merge_entities",
]
