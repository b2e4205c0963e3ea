"""Gazetteer places in the graph: which entity holds one, and a new entity for one.

A country entity holds an ISO country when its ``iso_code`` is that code; a
city entity holds a GeoNames place when its ``geonames_id`` is that id. The
kinds are the schema's: the country kind, and the place kind that declares
``geonames_id``. Nothing of the gazetteer is copied into the graph wholesale:
an entity is made for a place only when a file names it
(:mod:`renmai.loaders.batch` decides when), and carries the gazetteer as its
source.

>>> from renmai.graph.gazetteer import open_gazetteer
>>> turkey = open_gazetteer().country("Turkey")
>>> entity = place_entity(turkey, "turkey", named="Turkey")
>>> entity.name, entity.name_en, entity.aliases, entity.properties
('土耳其', 'Türkiye', ['Turkey'], {'iso_code': 'TR', 'status': 'country'})
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from renmai.graph.gazetteer import CityEntry, CountryEntry, lookup_keys
from renmai.graph.model import Entity, Source
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store

#: The fields that tie an entity to the gazetteer.
ISO_FIELD = "iso_code"
GEONAMES_FIELD = "geonames_id"
#: Fields a city made from the gazetteer gets besides its id and country.
LATITUDE_FIELD = "latitude"
LONGITUDE_FIELD = "longitude"
STATUS_FIELD = "status"

Place = CountryEntry | CityEntry


@cache
def city_kind() -> str:
    """The place kind whose entities can be GeoNames places."""
    return next(k.name for k in SCHEMA.entity_kinds if k.place and GEONAMES_FIELD in k.fields)


def kind_of(place: Place) -> str:
    """The entity kind that holds ``place``."""
    return SCHEMA.country_kind if isinstance(place, CountryEntry) else city_kind()


def code_of(place: Place) -> tuple[str, str]:
    """The field that ties an entity to ``place``, and its value as text."""
    if isinstance(place, CountryEntry):
        return ISO_FIELD, place.code
    return GEONAMES_FIELD, str(place.geonames_id)


def field_value(entity: Entity, field: str) -> str | None:
    """An entity's ``iso_code`` or ``geonames_id`` as text (6986104, not 6986104.0)."""
    value = entity.properties.get(field)
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper() if field == ISO_FIELD else str(value).strip()


def holds(entity: Entity, place: Place) -> bool:
    """Whether ``entity`` is the graph's entity for ``place``."""
    field, value = code_of(place)
    return entity.kind == kind_of(place) and field_value(entity, field) == value


def names_of(place: Place) -> list[str]:
    """The names an entity for ``place`` is looked up by: its Chinese and
    English names (an entity made from the gazetteer has both) as the
    gazetteer looks names up (檀香山 and 檀香山市, Córdoba and Cordoba)."""
    if isinstance(place, CountryEntry):
        names = [place.name_zh, place.name_en]
    else:
        names = [n for n in (place.name_zh, place.name) if n]
    return list(dict.fromkeys(key for name in names for key in lookup_keys(name)))


def stored_holding(store: Store, place: Place) -> list[Entity]:
    """Entities of the store that hold ``place``, found by its names (the
    store protocol finds by name; an entity for a place shares a name with
    it). A load reads the store's places once instead
    (:meth:`renmai.graph.resolve.EntityIndex.stored_holding`)."""
    kind = kind_of(place)
    found: dict[str, Entity] = {}
    for name in names_of(place):
        found.update((e.id, e) for e in store.find(name, kind) if holds(e, place))
    return [found[i] for i in sorted(found)]


@cache
def part_of_field() -> str:
    """The city kind's field naming the city it is part of (``part_of``)."""
    kind = city_kind()
    country_field = SCHEMA.country_fields.get(kind)
    return next(
        name
        for name, spec in SCHEMA.reference_fields[kind].items()
        if name != country_field and kind in spec.ref_kinds and spec.implies
    )


def entity_names(place: Place) -> tuple[str, str | None]:
    """The name and English name of an entity made for ``place``: its Chinese
    name (GeoNames' own when it has none) and its English name."""
    if isinstance(place, CountryEntry):
        name, name_en = place.name_zh, place.name_en
    else:
        name, name_en = place.name_zh or place.name, place.name
    return name, (name_en if name_en != name else None)


def place_entity(
    place: Place,
    entity_id: str,
    *,
    named: str | None = None,
    country_id: str | None = None,
    sources: Sequence[Source] = (),
) -> Entity:
    """A new entity for ``place``: its Chinese name (the GeoNames name when it
    has none), English name, the text a file ``named`` it by as an alias, its
    code or id, a city's coordinates and country (``country_id``), and the
    gazetteer first among its ``sources``."""
    name, name_en = entity_names(place)
    return Entity(
        id=entity_id,
        kind=kind_of(place),
        name=name,
        name_en=name_en,
        aliases=aliases_for(place, [named] if named else []),
        properties=place_properties(place, country_id),
        sources=list(dict.fromkeys([place.source, *sources])),
    )


def place_properties(place: Place, country_id: str | None = None) -> dict[str, object]:
    """The fields the gazetteer gives an entity for ``place``: a country's
    code and status; a city's GeoNames id, coordinates and country
    (``country_id``, the id of its country's entity)."""
    if isinstance(place, CountryEntry):
        return {ISO_FIELD: place.code, STATUS_FIELD: place.status}
    properties: dict[str, object] = {
        GEONAMES_FIELD: place.geonames_id,
        LATITUDE_FIELD: place.latitude,
        LONGITUDE_FIELD: place.longitude,
    }
    country_field = SCHEMA.country_fields.get(city_kind())
    if country_id and country_field:
        properties[country_field] = country_id
    return properties


def aliases_for(place: Place, named: Sequence[str]) -> list[str]:
    """The texts a file ``named`` ``place`` by that are neither of the names
    an entity made for it gets: its aliases."""
    own = entity_names(place)
    return [n for n in dict.fromkeys(t.strip() for t in named) if n and n not in own]


__all__ = [
    "GEONAMES_FIELD",
    "ISO_FIELD",
    "Place",
    "aliases_for",
    "city_kind",
    "code_of",
    "entity_names",
    "field_value",
    "holds",
    "kind_of",
    "names_of",
    "part_of_field",
    "place_entity",
    "place_properties",
    "stored_holding",
]
