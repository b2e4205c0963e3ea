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

Countries and cities are also looked up in the gazetteer
(:mod:`renmai.graph.gazetteer`), which knows every ISO country and GeoNames'
towns, and an entity that holds a gazetteer place (its ``iso_code`` or
``geonames_id``) is that place:

4. among same-named places of the graph, the gazetteer's place for the text
   (in the country given: the most populous of that name) decides: a
   candidate that holds another GeoNames town, or lies within a city far from
   it, is set aside;
5. a text the graph does not know is looked up in the gazetteer — 'Honolulu'
   finds the entity holding GeoNames 5856195 whatever its name (檀香山市);
   'Kronstadt, Russia', 'Tokyo – Arakawa' and 'Zhongshan (Dalian)' name the
   inner place within the outer one, never a same-named place elsewhere;
6. a place the gazetteer knows and the graph does not comes back *missing*
   with :attr:`Resolution.place` set, so that a loader can make its entity
   (:func:`renmai.graph.places.place_entity`); an inner place neither knows
   comes back with :attr:`Resolution.within`, the outer place it is in.

What is left is *found* (one), *ambiguous* (several: reported, never guessed)
or *missing* (none).

>>> from renmai.graph.model import Entity
>>> batch = [Entity(id="zs-youth", kind="Association", name="香港中山青年协会")]
>>> resolve(None, "香港中山青年協會", batch=batch).entity.id
'zs-youth'
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from renmai.graph import names
from renmai.graph import places as gaz_places
from renmai.graph.gazetteer import (
    WITHIN_KM,
    CityEntry,
    CountryEntry,
    Gazetteer,
    open_gazetteer,
    split_place,
)
from renmai.graph.model import Entity
from renmai.graph.names import has_han
from renmai.graph.places import GEONAMES_FIELD, ISO_FIELD, Place, field_value
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store

#: Containment chains are short (community → town → city → SAR → country);
#: the bound only guards against cycles in bad data.
_MAX_CHAIN = 6
#: A place named without its country is the gazetteer's most populous of
#: that name only when it has this many times the people of any same-named
#: place in another country (Paris, France, not Paris, Texas); else the text
#: does not say which, and none is taken.
DOMINANCE = 10

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


def held_keys(entity: Entity) -> set[str]:
    """The gazetteer places an entity holds, as ``iso_code=TR`` / ``geonames_id=580922``."""
    return {
        f"{f}={value}" for f in (ISO_FIELD, GEONAMES_FIELD) if (value := field_value(entity, f))
    }


def _held_key(place: Place) -> str:
    return "=".join(gaz_places.code_of(place))


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
        self._held: dict[str, set[str]] = {}
        #: The store's countries and cities, by held key (those holding a
        #: gazetteer place) and by declared name key (those holding none):
        #: read once, when a place is first looked for (a load's store does
        #: not change while the load is worked out).
        self._stored_held: dict[str, list[Entity]] | None = None
        self._stored_unheld: dict[str, list[Entity]] = {}
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
            (self._held, held_keys),
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

    def stored_places(
        self, store: Store, key: str, which: Literal["held", "declared"]
    ) -> list[Entity]:
        """The store's countries and cities holding the place ``key`` names
        (see :func:`held_keys`), or holding none and named ``key``."""
        if self._stored_held is None:
            self._stored_held = {}
            for kind in (SCHEMA.country_kind, gaz_places.city_kind()):
                for entity in store.entities(kind):
                    held = held_keys(entity)
                    for k in held or declared_keys(entity):
                        target = self._stored_held if held else self._stored_unheld
                        target.setdefault(k, []).append(entity)
        return (self._stored_held if which == "held" else self._stored_unheld).get(key, [])

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._by_id.values())

    def with_key(
        self, key: str, which: Literal["declared", "latin", "pinyin", "held"]
    ) -> list[Entity]:
        if self._pending:
            self._update_keys()
        index = {
            "declared": self._declared,
            "latin": self._latin,
            "pinyin": self._pinyin,
            "held": self._held,
        }[which]
        return [self._by_id[i] for i in sorted(index.get(key, ()))]


@dataclass(frozen=True)
class Resolution:
    """What a text resolved to: one entity, several candidates, or nothing."""

    text: str
    status: Status
    candidates: tuple[Entity, ...] = ()
    #: How the match was made: "id", "name" (a declared name or alias),
    #: "romanisation" (pinyin against a Latin-script name) or "gazetteer" (the
    #: entity holds the gazetteer's place for the text).
    how: str = ""
    #: Candidates that had the name but were set aside (wrong kind, other country).
    set_aside: tuple[Entity, ...] = field(default=())
    #: Where a found entity comes from when it is not simply the store's or the
    #: batch's: "gazetteer" (found through it, or made from it), "decision" (a decisions file). A
    #: load's summary counts names by it (see renmai.loaders.outcomes).
    origin: str = ""
    #: When missing: the gazetteer's place the text names, which no entity holds yet.
    place: Place | None = None
    #: When missing, for 'Zhongshan (Dalian)' with an inner place neither the
    #: graph nor the gazetteer knows: how the outer place resolved, and the
    #: inner name (:attr:`inner`).
    within: Resolution | None = None
    inner: str | None = None

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
    chain = [entity, *containers(entity, store, batch)]
    return {e.id for e in chain if e.kind == SCHEMA.country_kind}


def containers(
    entity: Entity, store: Store | None, batch: EntityIndex | None = None
) -> list[Entity]:
    """What an entity is in, up its reference fields and containment
    relationships, nearest first (its city, the city's province, the country)."""
    chain: list[Entity] = []
    seen = {entity.id}
    frontier = [entity]
    for _ in range(_MAX_CHAIN):
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
        chain += frontier
    return chain


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
    pool: dict[str, Entity] = {}
    if store is not None:
        pool.update((e.id, e) for e in store.find(text))
    # Only now: a store that holds the text as a name knows its pinyin
    # (SqliteStore keeps it), which spares loading pypinyin.
    cross_key = pinyin_key(text) if han else key
    cross_keys_of = latin_keys if han else pinyin_keys
    if store is not None and han:
        pool.update((e.id, e) for e in store.find(cross_key))
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
    places: bool = True,
) -> Resolution:
    """The entity ``text`` names: found, ambiguous or missing (see the module doc).

    ``kind`` is a kind name or several; ``country`` is a country's id or name;
    ``batch`` holds entities not yet in the store (they win over the store's
    version of the same id); ``places=False`` leaves the gazetteer out.
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

    gazetteer = open_gazetteer() if places and wants_places(kinds) else None
    # The country given, as the graph's entity and its ISO code: worked out once.
    target = _country_target(country, store, index) if country is not None else (None, None)
    exact, cross = _by_key(text, store, index)
    set_aside: list[Entity] = []
    for tier, how in ((exact, "name"), (cross, "romanisation")):
        kept = [e for e in tier if wanted(e)]
        set_aside += [e for e in tier if not wanted(e)]
        if not kept:
            continue
        if country is not None:
            kept, elsewhere = _in_country(kept, target, store, index)
            set_aside += elsewhere
        if gazetteer is not None and kept:
            kept, other = _agree(kept, text, target[1], gazetteer, store, index)
            set_aside += other
        if not kept:
            continue
        status: Status = "found" if len(kept) == 1 else "ambiguous"
        return Resolution(text, status, tuple(kept), how=how, set_aside=tuple(set_aside))
    if gazetteer is not None:
        return _from_gazetteer(text, kinds, country, target[1], gazetteer, store, index, set_aside)
    return Resolution(text, "missing", set_aside=tuple(set_aside))


def _in_country(
    candidates: Sequence[Entity],
    country: tuple[Entity | None, str | None],
    store: Store | None,
    batch: EntityIndex | None,
) -> tuple[list[Entity], list[Entity]]:
    """Candidates in ``country`` (its entity and code, see :func:`_country_target`;
    else those whose country is unknown), and the rest."""
    target, code = country
    if target is None and code is None:
        # An unknown country tells nothing apart: keep every candidate.
        return list(candidates), []
    inside, unknown, elsewhere = [], [], []
    for candidate in candidates:
        countries = countries_of(candidate, store, batch)
        in_target = target is not None and target.id in countries
        if in_target or (code is not None and code in _codes_of(countries, store, batch)):
            inside.append(candidate)
        elif countries:
            elsewhere.append(candidate)
        else:
            unknown.append(candidate)
    kept = inside or unknown
    return kept, [*elsewhere, *(unknown if inside else [])]


def _country_target(
    country: str, store: Store | None, batch: EntityIndex | None
) -> tuple[Entity | None, str | None]:
    """The graph's entity for ``country`` (an id or a name) and its ISO code,
    either of which may be unknown: 'Turkey' in a graph without Turkey is TR."""
    target = resolve(store, country, kind=SCHEMA.country_kind, batch=batch)
    if target.entity is not None:
        return target.entity, field_value(target.entity, ISO_FIELD)
    if isinstance(target.place, CountryEntry):
        return None, target.place.code
    return None, None


def _codes_of(ids: Collection[str], store: Store | None, batch: EntityIndex | None) -> set[str]:
    return {c for e in _get_many(ids, store, batch) if (c := field_value(e, ISO_FIELD))}


# -- the gazetteer ----------------------------------------------------------------
def wants_places(kinds: set[str] | None) -> bool:
    """Whether resolving a name of these kinds consults the gazetteer (it may
    then find a stored place by its code, not its name)."""
    return kinds is None or bool(kinds & {SCHEMA.country_kind, gaz_places.city_kind()})


def _gazetteer_city(gazetteer: Gazetteer, text: str, code: str | None) -> CityEntry | None:
    """The GeoNames town ``text`` names: in the country ``code``, the most
    populous of that name; without one, only a place of :data:`DOMINANCE`."""
    towns = gazetteer.cities(text, code)
    if not towns or code is not None:
        return towns[0] if towns else None
    first = towns[0]
    rival = next((t for t in towns if t.country != first.country), None)
    if rival is None or first.population >= DOMINANCE * max(rival.population, 1):
        return first
    return None


def _gazetteer_place(
    gazetteer: Gazetteer, entity: Entity, text: str, code: str | None
) -> Place | None:
    """What the gazetteer says ``text`` names, for a candidate of ``entity``'s kind."""
    if entity.kind == SCHEMA.country_kind:
        return gazetteer.country(text)
    if entity.kind == gaz_places.city_kind():
        return _gazetteer_city(gazetteer, text, code)
    return None


def _agree(
    candidates: Sequence[Entity],
    text: str,
    code: str | None,
    gazetteer: Gazetteer,
    store: Store | None,
    batch: EntityIndex | None,
) -> tuple[list[Entity], list[Entity]]:
    """Same-named places of the graph, told apart by the gazetteer's place for
    the text: those holding it, else all but those holding another place of
    that kind or lying within a city far from it; and the ones set aside.
    ``code`` is the ISO code of the country given, if any."""
    kept: list[Entity] = []
    aside: list[Entity] = []
    groups: dict[str, list[Entity]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.kind, []).append(candidate)
    for group in groups.values():
        place = _gazetteer_place(gazetteer, group[0], text, code)
        if place is None:
            kept += group
            continue
        holding = [e for e in group if gaz_places.holds(e, place)]
        if holding:
            kept += holding
            aside += [e for e in group if e not in holding]
            continue
        field = gaz_places.code_of(place)[0]
        for candidate in group:
            other = field_value(candidate, field) is not None
            if other or _far_within(candidate, place, gazetteer, store, batch):
                aside.append(candidate)
            else:
                kept.append(candidate)
    return kept, aside


def _far_within(
    candidate: Entity,
    place: Place,
    gazetteer: Gazetteer,
    store: Store | None,
    batch: EntityIndex | None,
) -> bool:
    """Whether ``candidate`` is part of a GeoNames town far from ``place``:
    the Zhongshan district of Dalian is not the Zhongshan of Guangdong."""
    if not isinstance(place, CityEntry):
        return False
    outer_ids = {
        str(candidate.properties[f])
        for f in SCHEMA.upward_fields[candidate.kind]
        if candidate.properties.get(f)
    }
    for outer in _get_many(outer_ids, store, batch):
        gid = field_value(outer, GEONAMES_FIELD)
        town = gazetteer.city_by_id(int(gid)) if gid and gid.isdigit() else None
        if town is not None and town.km_to(place) > WITHIN_KM:
            return True
    return False


def _holder(
    text: str,
    place: Place,
    kinds: set[str] | None,
    store: Store | None,
    batch: EntityIndex | None,
    set_aside: Sequence[Entity],
) -> Resolution:
    """The entity holding ``place``: found (how "gazetteer"), or missing with
    the place for a loader to make."""
    if kinds is not None and gaz_places.kind_of(place) not in kinds:
        return Resolution(text, "missing", set_aside=tuple(set_aside))
    held = holding(store, place, batch)
    if not held:
        return Resolution(text, "missing", set_aside=tuple(set_aside), place=place)
    status: Status = "found" if len(held) == 1 else "ambiguous"
    aside = tuple(set_aside)
    return Resolution(text, status, tuple(held), "gazetteer", aside, origin="gazetteer")


def holding(
    store: Store | None, place: Place, batch: EntityIndex | Iterable[Entity] | None = None
) -> list[Entity]:
    """The entities of the batch and the store that hold ``place``, by id;
    when none does, those of its kind named like it that hold no other place
    (a city only in the place's country): the graph's own 中国 or Honolulu,
    entered without a code, is that place."""
    index = _as_index(batch)
    found: dict[str, Entity] = {}
    if store is not None and index is not None:
        found.update((e.id, e) for e in index.stored_places(store, _held_key(place), "held"))
    elif store is not None:
        found.update((e.id, e) for e in gaz_places.stored_holding(store, place))
    if index is not None:
        found.update((e.id, e) for e in index.with_key(_held_key(place), "held"))
        # The batch's version of an entity wins (it may no longer hold the place).
        found = {i: index.get(i) or e for i, e in found.items()}
        found = {i: e for i, e in found.items() if gaz_places.holds(e, place)}
    if not found:
        field, kind = gaz_places.code_of(place)[0], gaz_places.kind_of(place)
        for name in gaz_places.names_of(place):
            if index is None:
                named = _by_key(name, store, None)[0]
            else:
                named = index.with_key(name, "declared")
                if store is not None:
                    named += index.stored_places(store, name, "declared")
                named = [index.get(e.id) or e for e in named]
            found.update(
                (e.id, e) for e in named if e.kind == kind and field_value(e, field) is None
            )
        if isinstance(place, CityEntry):
            found = {
                i: e
                for i, e in found.items()
                if place.country in _codes_of(countries_of(e, store, index), store, index)
            }
    return [found[i] for i in sorted(found)]


def _from_gazetteer(
    text: str,
    kinds: set[str] | None,
    country: str | None,
    code: str | None,
    gazetteer: Gazetteer,
    store: Store | None,
    batch: EntityIndex | None,
    set_aside: list[Entity],
) -> Resolution:
    """Steps 5 and 6 of the module doc: a place the graph does not know by this
    name; ``code`` is the ISO code of ``country``, if known."""
    missing = Resolution(text, "missing", set_aside=tuple(set_aside))
    country_kind, city_kind = SCHEMA.country_kind, gaz_places.city_kind()
    if kinds is None or country_kind in kinds:
        nation = gazetteer.country(text)
        if nation is not None:
            return _holder(text, nation, kinds, store, batch, set_aside)
    if kinds is not None and city_kind not in kinds:
        return missing
    # 'Portland, Oregon': a town of that division, or none — never one of that name elsewhere.
    decided, town = gazetteer.division_town(text, code)
    if decided:
        return missing if town is None else _holder(text, town, kinds, store, batch, set_aside)
    town = _gazetteer_city(gazetteer, text, code)
    if town is not None:
        return _holder(text, town, kinds, store, batch, set_aside)
    parts = split_place(text)
    if parts is None:
        return missing
    inner, outer_text = parts
    outer = resolve(store, outer_text, kind={country_kind, city_kind}, country=country, batch=batch)
    if outer.entity is not None and outer.entity.kind == country_kind:
        where = outer.entity.id
    elif isinstance(outer.place, CountryEntry):
        where = outer.place.code
    elif outer.entity is not None or outer.place is not None:
        return _within(text, inner, outer, kinds, gazetteer, store, batch, set_aside)
    else:
        return missing
    # 'Kronstadt, Russia': the inner place in that country, if it is the one given.
    if code is not None and _country_target(where, store, batch)[1] not in (code, None):
        return missing
    return replace(resolve(store, inner, kind=kinds, country=where, batch=batch), text=text)


def _within(
    text: str,
    inner: str,
    outer: Resolution,
    kinds: set[str] | None,
    gazetteer: Gazetteer,
    store: Store | None,
    batch: EntityIndex | None,
    set_aside: list[Entity],
) -> Resolution:
    """'Tokyo – Arakawa': the place called ``inner`` within the city ``outer``
    names — in the graph (part of it), else in the gazetteer (near it), else
    missing with :attr:`Resolution.within` for a loader to make it there."""
    if outer.entity is not None:
        named = resolve(store, inner, kind=kinds, batch=batch, places=False)
        inside = [
            e
            for e in named.candidates
            if outer.entity.id in {c.id for c in containers(e, store, batch)}
        ]
        if len(inside) == 1:
            return Resolution(text, "found", tuple(inside), how="name")
    town = outer.place if isinstance(outer.place, CityEntry) else None
    if outer.entity is not None and (gid := field_value(outer.entity, GEONAMES_FIELD)):
        town = gazetteer.city_by_id(int(gid)) if gid.isdigit() else None
    near = gazetteer.within(inner, town) if town is not None else []
    if near:
        return _holder(text, near[0], kinds, store, batch, set_aside)
    return Resolution(text, "missing", set_aside=tuple(set_aside), within=outer, inner=inner)


def resolve_any(
    store: Store | None,
    names: Iterable[str],
    *,
    kind: KindFilter = None,
    country: str | None = None,
    batch: EntityIndex | Iterable[Entity] | None = None,
    places: bool = True,
) -> Resolution:
    """The first of ``names`` (a name, then an English name, then aliases) that
    does not come back missing; missing when none resolves."""
    index = _as_index(batch)
    last = Resolution("", "missing")
    for name in names:
        if not name:
            continue
        result = resolve(store, name, kind=kind, country=country, batch=index, places=places)
        if result.status != "missing":
            return result
        # A gazetteer place one of the names gives is kept, for a loader to make.
        if not last.text or (last.place is None and result.place is not None):
            last = result
    return last


__all__ = [
    "DOMINANCE",
    "EntityIndex",
    "Resolution",
    "containers",
    "countries_of",
    "declared_keys",
    "describe",
    "held_keys",
    "holding",
    "latin_keys",
    "pinyin_keys",
    "resolve",
    "resolve_any",
    "wants_places",
]
