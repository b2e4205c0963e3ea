"""Entity resolution: which entity a name in a spreadsheet, a file or a query means.

Sources name one thing many ways. :func:`resolve` looks a text up, in order:

1. as an id;
2. by name key (:func:`~renmai.graph.names.name_key`) against every declared
   name — name, English name and aliases — which folds simplified/traditional
   characters, full/half-width punctuation, spacing and case. Cantonese-based
   romanisations such as "Chung Shan" cannot be derived from characters, so
   they match only when declared as aliases;
3. failing that, across scripts: the pinyin of a Chinese text against the
   entity's Latin-script names, or a Latin text against the pinyin of its
   Chinese names. Two different Chinese names with the same pinyin (中山, 钟山)
   never match each other this way.

Candidates are then kept to the wanted kind(s). A country, when given, sets
aside candidates known to be elsewhere (their ``country`` field or their
containment chain — LOCATED_IN, PART_OF — reaches other countries only).
What is left is *found* (one), *ambiguous* (several: reported, never guessed)
or *missing* (none).

>>> from renmai.graph.model import Entity
>>> batch = [Entity(id="zs-youth", kind="Association", name="香港中山青年协会")]
>>> resolve(None, "香港中山青年協會", batch=batch).entity.id
'zs-youth'
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from renmai.graph import names
from renmai.graph.model import Entity
from renmai.graph.names import has_han
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store

#: Containment chains are short (community → town → city → SAR → country);
#: the bound only guards against cycles in bad data.
_MAX_CHAIN = 6

name_key = names.name_key
pinyin_key = names.pinyin_key

Status = Literal["found", "ambiguous", "missing"]
KindFilter = str | Collection[str] | None
KeysOf = Callable[[Entity], set[str]]


def declared_keys(entity: Entity) -> set[str]:
    """Name keys of every declared name: name, English name, aliases."""
    return {k for k in (name_key(n) for n in entity.all_names) if k}


def latin_keys(entity: Entity) -> set[str]:
    """Name keys of the declared names written without Chinese characters."""
    return {k for k in (name_key(n) for n in entity.all_names if not has_han(n)) if k}


def pinyin_keys(entity: Entity) -> set[str]:
    """Pinyin keys of the declared names written in Chinese characters."""
    return {k for k in (pinyin_key(n) for n in entity.all_names if has_han(n)) if k}


def _kinds(kind: KindFilter) -> set[str] | None:
    if kind is None:
        return None
    return {kind} if isinstance(kind, str) else set(kind)


class EntityIndex:
    """Entities not (yet) in a store, findable by id and name key.

    Loaders keep one for the batch they are reading, so that a row can name an
    entity defined a few rows earlier; resolution looks here before the store.
    """

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._by_id: dict[str, Entity] = {}
        self._declared: dict[str, set[str]] = {}
        self._latin: dict[str, set[str]] = {}
        self._pinyin: dict[str, set[str]] = {}
        #: The version of each entity that is in the key maps, by id.
        self._indexed: dict[str, Entity] = {}
        #: Ids added or replaced since the key maps were last brought up to date.
        self._pending: set[str] = set()
        for entity in entities:
            self.add(entity)

    def _maps(self) -> tuple[tuple[dict[str, set[str]], KeysOf], ...]:
        return (
            (self._declared, declared_keys),
            (self._latin, latin_keys),
            (self._pinyin, pinyin_keys),
        )

    def add(self, entity: Entity) -> None:
        """Add ``entity``, replacing an earlier one with the same id.

        Its name keys are computed when a lookup by key first needs them: a
        load whose rows all give ids never looks up by name, and skips the
        pinyin of its 100k names.
        """
        self._by_id[entity.id] = entity
        self._pending.add(entity.id)

    def _update_keys(self) -> None:
        for entity_id in self._pending:
            old, entity = self._indexed.get(entity_id), self._by_id[entity_id]
            for index, keys_of in self._maps():
                if old is not None:
                    for key in keys_of(old):
                        index.get(key, set()).discard(entity_id)
                for key in keys_of(entity):
                    index.setdefault(key, set()).add(entity_id)
            self._indexed[entity_id] = entity
        self._pending.clear()

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._by_id.values())

    def with_key(self, key: str, which: Literal["declared", "latin", "pinyin"]) -> list[Entity]:
        if self._pending:
            self._update_keys()
        index = {"declared": self._declared, "latin": self._latin, "pinyin": self._pinyin}[which]
        return [self._by_id[i] for i in sorted(index.get(key, ()))]


@dataclass(frozen=True)
class Resolution:
    """What a text resolved to: one entity, several candidates, or nothing."""

    text: str
    status: Status
    candidates: tuple[Entity, ...] = ()
    #: How the match was made: "id", "name" (a declared name or alias) or
    #: "romanisation" (pinyin against a Latin-script name).
    how: str = ""
    #: Candidates that had the name but were set aside (wrong kind, other country).
    set_aside: tuple[Entity, ...] = field(default=())
    #: Where a found entity comes from when it is not simply the store's or the
    #: batch's: "gazetteer" (made from it), "decision" (a decisions file). A
    #: load's summary counts names by it (see renmai.loaders.outcomes).
    origin: str = ""

    @property
    def found(self) -> bool:
        return self.status == "found"

    @property
    def entity(self) -> Entity | None:
        """The entity, when exactly one was found."""
        return self.candidates[0] if self.status == "found" else None

    def explain(self) -> str:
        """One line for the user: why this is not a single entity."""
        if self.status == "found":
            return f"{self.text!r} is {describe(self.candidates[0])}"
        if self.status == "ambiguous":
            listed = "; ".join(describe(c) for c in self.candidates)
            return f"{self.text!r} could be any of: {listed} — give the id"
        if self.set_aside:
            listed = "; ".join(describe(c) for c in self.set_aside)
            return f"no match for {self.text!r} of the wanted kind or country (set aside: {listed})"
        return f"no entity named {self.text!r}"


def describe(entity: Entity) -> str:
    """``id (Kind 名称, country)``: enough to tell two candidates apart."""
    field = SCHEMA.country_fields.get(entity.kind)
    country = entity.properties.get(field) if field else None
    where = f", {country}" if country else ""
    return f"{entity.id} ({entity.kind} {entity.name}{where})"


def countries_of(entity: Entity, store: Store | None, batch: EntityIndex | None = None) -> set[str]:
    """Ids of the countries an entity is in: its country field, or up its
    containment chain (a town PART_OF a city LOCATED_IN a country). The chain
    goes on past a region: a Hong Kong entity is in Hong Kong and in China
    when the store says Hong Kong is PART_OF China."""
    found: set[str] = set()
    seen = {entity.id}
    frontier = [entity]
    for _ in range(_MAX_CHAIN):
        found |= {e.id for e in frontier if e.kind == SCHEMA.country_kind}
        up = {
            str(e.properties[f])
            for e in frontier
            for f in SCHEMA.upward_fields[e.kind]
            if e.properties.get(f)
        }
        if store is not None:
            neighbors = store.neighbors_many(
                [e.id for e in frontier], direction="out", types=SCHEMA.containment_kinds
            )
            up |= {n.entity.id for ns in neighbors.values() for n in ns}
        up -= seen
        if not up:
            break
        seen |= up
        frontier = _get_many(up, store, batch)
    return found


def _get_many(ids: Collection[str], store: Store | None, batch: EntityIndex | None) -> list[Entity]:
    got: dict[str, Entity] = {}
    if batch is not None:
        got = {i: e for i in ids if (e := batch.get(i)) is not None}
    rest = [i for i in ids if i not in got]
    if store is not None and rest:
        got.update(store.get_many(rest))
    return [got[i] for i in sorted(got)]


def _as_index(batch: EntityIndex | Iterable[Entity] | None) -> EntityIndex | None:
    if batch is None or isinstance(batch, EntityIndex):
        return batch
    return EntityIndex(batch)


def _by_key(
    text: str, store: Store | None, batch: EntityIndex | None
) -> tuple[list[Entity], list[Entity]]:
    """Entities sharing a declared name key with ``text``, and those that match
    it only across scripts (pinyin against a Latin-script name)."""
    key = name_key(text)
    if not key:
        return [], []
    han = has_han(text)
    cross_key = pinyin_key(text) if han else key
    cross_keys_of = latin_keys if han else pinyin_keys
    pool: dict[str, Entity] = {}
    if store is not None:
        hits = store.find(text) + (store.find(cross_key) if han else [])
        pool.update((e.id, e) for e in hits)
    if batch is not None:
        hits = batch.with_key(key, "declared")
        hits += batch.with_key(cross_key, "latin" if han else "pinyin")
        pool.update((e.id, e) for e in hits)
        # The batch holds the newer version of an entity it shares with the
        # store; its names decide.
        pool.update((i, e) for i in list(pool) if (e := batch.get(i)) is not None)
    exact = [pool[i] for i in sorted(pool) if key in declared_keys(pool[i])]
    exact_ids = {e.id for e in exact}
    cross = [
        pool[i] for i in sorted(pool) if i not in exact_ids and cross_key in cross_keys_of(pool[i])
    ]
    return exact, cross


def resolve(
    store: Store | None,
    text: str,
    *,
    kind: KindFilter = None,
    country: str | None = None,
    batch: EntityIndex | Iterable[Entity] | None = None,
) -> Resolution:
    """The entity ``text`` names: found, ambiguous or missing (see the module doc).

    ``kind`` is a kind name or several; ``country`` is a country's id or name;
    ``batch`` holds entities not yet in the store (they win over the store's
    version of the same id).
    """
    text = str(text).strip()
    kinds = _kinds(kind)
    index = _as_index(batch)
    if not text:
        return Resolution(text, "missing")

    def wanted(e: Entity) -> bool:
        return kinds is None or e.kind in kinds

    by_id = (index.get(text) if index is not None else None) or (
        store.get(text) if store is not None else None
    )
    if by_id is not None and wanted(by_id):
        return Resolution(text, "found", (by_id,), how="id")

    exact, cross = _by_key(text, store, index)
    set_aside: list[Entity] = []
    for tier, how in ((exact, "name"), (cross, "romanisation")):
        kept = [e for e in tier if wanted(e)]
        set_aside += [e for e in tier if not wanted(e)]
        if not kept:
            continue
        if country is not None:
            kept, elsewhere = _in_country(kept, country, store, index)
            set_aside += elsewhere
            if not kept:
                continue
        status: Status = "found" if len(kept) == 1 else "ambiguous"
        return Resolution(text, status, tuple(kept), how=how, set_aside=tuple(set_aside))
    return Resolution(text, "missing", set_aside=tuple(set_aside))


def _in_country(
    candidates: Sequence[Entity], country: str, store: Store | None, batch: EntityIndex | None
) -> tuple[list[Entity], list[Entity]]:
    """Candidates in ``country`` (else those whose country is unknown), and the rest."""
    target = resolve(store, country, kind=SCHEMA.country_kind, batch=batch)
    if target.entity is None:
        # An unknown country tells nothing apart: keep every candidate.
        return list(candidates), []
    target_id = target.entity.id
    inside, unknown, elsewhere = [], [], []
    for candidate in candidates:
        countries = countries_of(candidate, store, batch)
        if target_id in countries:
            inside.append(candidate)
        elif countries:
            elsewhere.append(candidate)
        else:
            unknown.append(candidate)
    kept = inside or unknown
    return kept, [*elsewhere, *(unknown if inside else [])]


def resolve_any(
    store: Store | None,
    names: Iterable[str],
    *,
    kind: KindFilter = None,
    country: str | None = None,
    batch: EntityIndex | Iterable[Entity] | None = None,
) -> Resolution:
    """The first of ``names`` (a name, then an English name, then aliases) that
    does not come back missing; missing when none resolves."""
    index = _as_index(batch)
    last = Resolution("", "missing")
    for name in names:
        if not name:
            continue
        result = resolve(store, name, kind=kind, country=country, batch=index)
        if result.status != "missing":
            return result
        if not last.text:
            last = result
    return last


__all__ = [
    "EntityIndex",
    "Resolution",
    "countries_of",
    "declared_keys",
    "describe",
    "latin_keys",
    "pinyin_keys",
    "resolve",
    "resolve_any",
]
