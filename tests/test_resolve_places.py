"""Resolution with the gazetteer, on both stores: places by any name, homonyms
apart, place-within-place, and new places from what a file names first."""

from __future__ import annotations

from pathlib import Path

import pytest

from renmai.graph.gazetteer import GEONAMES_DOCUMENT, CityEntry, CountryEntry, open_gazetteer
from renmai.graph.model import Entity, Source
from renmai.graph.resolve import Resolution, resolve
from renmai.graph.store import Store
from renmai.loaders import LoadOptions, PairMapping, load

SOURCE = [Source(document="测试资料")]

#: The layout of a scraped sister-city list: city1,country1,city2,country2.
SISTER_CITY_PAIRS = PairMapping(
    type="SISTER_CITY_OF",
    from_column="city1",
    from_country_column="country1",
    to_column="city2",
    to_country_column="country2",
)


def _place(id: str, kind: str, name: str, **properties: object) -> Entity:
    name_en = properties.pop("name_en", None)
    return Entity(
        id=id,
        kind=kind,
        name=name,
        name_en=name_en,  # type: ignore[arg-type]
        properties=properties,
        sources=SOURCE,
    )


GRAPH = [
    _place("china", "Country", "中国", iso_code="CN"),
    _place("russia", "Country", "俄罗斯", iso_code="RU"),
    _place("armenia", "Country", "亚美尼亚", iso_code="AM"),
    _place("usa", "Country", "美国", iso_code="US"),
    _place("turkey", "Country", "土耳其"),  # no code: the office's own entry
    _place("zhongshan", "City", "中山市", country="china", geonames_id=6986104),
    _place("zhongshan-gansu", "City", "中山", country="china", geonames_id=1908018),
    _place("dalian", "City", "大连", country="china", geonames_id=1814087),
    _place("honolulu", "City", "檀香山市", country="usa", geonames_id=5856195),
    _place("kronstadt", "City", "喀琅施塔得", country="russia", geonames_id=540771),
    _place("armavir", "City", "Armavir", country="armenia", geonames_id=616631),
]


@pytest.fixture
def places(store: Store) -> Store:
    store.write(GRAPH, [])
    return store


def _found(result: Resolution) -> tuple[str, list[str]]:
    return result.status, [e.id for e in result.candidates]


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        # Names the graph does not have, found through the GeoNames id held.
        ("Honolulu", None, "honolulu"),
        ("檀香山", None, "honolulu"),
        ("Zhongshan, China", None, "zhongshan"),
        ("Chung-san-su", None, "zhongshan"),  # a Cantonese romanisation GeoNames keeps
        ("Kronstadt, Russia", None, "kronstadt"),
        ("Kronstadt", "Russian Federation", "kronstadt"),
        # Of two Zhongshans in China, the most populous unless the text says more.
        ("Zhongshan", "中国", "zhongshan"),
        ("中山", "china", "zhongshan"),
        ("Armavir", "Armenia", "armavir"),
    ],
)
def test_places_by_any_name(places: Store, text: str, country: str | None, expected: str) -> None:
    found = resolve(places, text, kind="City", country=country)
    assert _found(found) == ("found", [expected]), found.explain()


def test_a_country_by_name_code_or_variant(places: Store) -> None:
    for text in ("Türkiye", "Turkey", "TR", "土耳其"):
        assert _found(resolve(places, text, kind="Country")) == ("found", ["turkey"]), text
    assert _found(resolve(places, "Russia", kind="Country")) == ("found", ["russia"])
    japan = resolve(places, "Japan", kind="Country")
    assert japan.status == "missing"
    assert isinstance(japan.place, CountryEntry) and japan.place.code == "JP"


def test_same_named_towns_in_other_countries_are_never_one(places: Store) -> None:
    found = resolve(places, "Armavir", kind="City", country="Russia")
    assert found.status == "missing"
    assert [e.id for e in found.set_aside] == ["armavir"]
    assert isinstance(found.place, CityEntry)
    assert (found.place.geonames_id, found.place.country) == (580922, "RU")


def test_a_graph_place_holding_another_town_is_set_aside(places: Store) -> None:
    # 中山 (zhongshan-gansu) is a town of 27,000; 'Zhongshan, China' is the city of 3.8 M.
    found = resolve(places, "中山", kind="City", country="china")
    assert _found(found) == ("found", ["zhongshan"])
    assert "zhongshan-gansu" in [e.id for e in found.set_aside]


def test_place_within_place(places: Store) -> None:
    # Dalian's Zhongshan district is not among GeoNames' towns: never the
    # Zhongshan of Guangdong; the outer city comes back for a loader to use.
    found = resolve(places, "Zhongshan (Dalian)", kind="City")
    assert found.status == "missing" and found.place is None
    assert found.inner == "Zhongshan"
    assert found.within is not None and found.within.entity is not None
    assert found.within.entity.id == "dalian"
    arakawa = resolve(places, "Tokyo – Arakawa", kind="City")
    assert arakawa.status == "missing"
    assert isinstance(arakawa.place, CityEntry) and arakawa.place.name == "Arakawa"
    assert arakawa.place.country == "JP"
    # The outer country must be the one given.
    assert resolve(places, "Kronstadt, Russia", kind="City", country="china").status == "missing"


def test_no_country_and_no_dominant_town_is_not_guessed(places: Store) -> None:
    # Lismore, Australia (3,924) and Lismore, Ireland (1,347): which?
    assert resolve(places, "Lismore", kind="City").place is None
    paris = resolve(places, "Paris", kind="City").place
    assert isinstance(paris, CityEntry) and paris.country == "FR"


def test_without_the_gazetteer_only_the_graph_answers(places: Store) -> None:
    assert resolve(places, "Honolulu", kind="City", places=False).status == "missing"
    assert resolve(places, "Japan", kind="Country", places=False).place is None


def test_pairs_naming_places_first_make_them_from_the_gazetteer(
    places: Store, tmp_path: Path
) -> None:
    path = tmp_path / "pairs.csv"
    path.write_text(
        "city1,country1,city2,country2\n"
        "Armavir,Armenia,Armavir,Russia\n"
        "Lismore,Australia,Lismore,Republic of Ireland\n"
        'Penrith,澳洲,Penrith,"England, United Kingdom"\n'
        "Zhongshan (Dalian),China,Tokyo – Arakawa,Japan\n"
        "Cordoba,Spain,Honolulu,USA\n"
        "Córdoba,España,Qzxyville,Turkey\n",
        encoding="utf-8",
    )
    mapping = SISTER_CITY_PAIRS
    load(places, [path], LoadOptions(pairs=mapping))
    cities = {e.id: e for e in places.entities("City")}
    countries = {e.id: e for e in places.entities("Country")}
    code_of = {i: e.properties.get("iso_code") for i, e in countries.items()}
    by_gid = {e.properties.get("geonames_id"): e for e in cities.values()}
    sisters = {r.ends for r in places.relationships("SISTER_CITY_OF")}
    assert all(a != b for a, b in sisters), "no city joined to itself"
    # Homonyms apart, each in its own country, each once.
    for one, other in ((616631, 580922), (2160063, 2962898), (2153471, 2640416)):
        a, b = by_gid[one], by_gid[other]
        assert a.id != b.id and tuple(sorted((a.id, b.id))) in sisters
        assert code_of[a.properties["country"]] != code_of[b.properties["country"]]
    assert by_gid[616631].id == "armavir"  # the graph's own
    # Two spellings of one GeoNames town are one entity.
    assert [e.properties.get("geonames_id") for e in cities.values()].count(2519240) == 1
    cordoba = by_gid[2519240]
    assert len([r for r in sisters if cordoba.id in r]) == 2
    # New places carry the gazetteer: code or id, coordinates, country, source.
    russia_armavir = by_gid[580922]
    assert russia_armavir.properties["country"] == "russia"
    assert russia_armavir.sources[0].document == GEONAMES_DOCUMENT
    assert russia_armavir.sources[0].locator == "geonames:580922"
    australia = next(e for e in countries.values() if e.properties.get("iso_code") == "AU")
    assert australia.name == "澳大利亚"
    # 'Zhongshan (Dalian)': a new town within Dalian, not the Zhongshan of Guangdong.
    inner = next(e for e in cities.values() if "Zhongshan (Dalian)" in e.aliases)
    assert inner.id != "zhongshan"
    assert inner.properties == {"part_of": "dalian", "country": "china"}
    # A spelling no gazetteer knows is new, in the country given.
    unknown = next(e for e in cities.values() if e.name == "Qzxyville")
    assert unknown.properties == {"country": "turkey"}
    assert "geonames_id" not in unknown.properties


def test_office_rows_that_are_places_take_the_gazetteer(places: Store, tmp_path: Path) -> None:
    """A city or country row of an office's own list that only the gazetteer
    knows gets its code or GeoNames id, coordinates and country from it, as a
    place a reference names first does; the row's country restricts the lookup."""
    cities = tmp_path / "友好城市.csv"
    cities.write_text(
        "序号,城市,国家\n1,Portland,美国\n2,Armavir,Russia\n3,Vladivostok,\n4,Qzxyville,Turkey\n",
        encoding="utf-8",
    )
    countries = tmp_path / "国家.csv"
    countries.write_text("国家\nGeorgia (country)\n", encoding="utf-8")
    load(places, [cities, countries])
    by_gid = {e.properties.get("geonames_id"): e for e in places.entities("City")}
    code_of = {e.id: e.properties.get("iso_code") for e in places.entities("Country")}
    # Portland given in the US: the US's most populous Portland (Oregon).
    portland = by_gid[5746545]
    assert (portland.name, portland.name_en) == ("波特兰", "Portland")
    assert code_of[portland.properties["country"]] == "US"
    assert portland.properties["latitude"] == pytest.approx(45.52, abs=0.01)
    assert portland.sources[0].document == GEONAMES_DOCUMENT
    # Armavir given in Russia: Russia's, not the graph's Armavir of Armenia.
    armavir = by_gid[580922]
    assert armavir.id != "armavir"
    # No country given: the city's own, from the gazetteer.
    vladivostok = next(e for e in by_gid.values() if e.name_en == "Vladivostok")
    assert vladivostok.properties["country"] == armavir.properties["country"] == "russia"
    # A country row gets its ISO code and status; the row's text is an alias.
    georgia = next(e for e in places.entities("Country") if e.properties.get("iso_code") == "GE")
    assert georgia.aliases == ["Georgia (country)"]
    assert georgia.properties["status"] == "country"
    # A city the gazetteer does not know is made from the row alone.
    unknown = next(e for e in places.entities("City") if e.name == "Qzxyville")
    assert "geonames_id" not in unknown.properties
    assert unknown.properties == {"country": "turkey"}


def test_city_and_first_level_division(places: Store) -> None:
    maine = resolve(places, "Portland, Maine", kind="City")
    assert maine.status == "missing" and maine.place is not None
    assert (maine.place.name, maine.place.admin1) == ("Portland", "ME")
    # The graph's entity for the town the form names is found.
    assert _found(resolve(places, "Honolulu, Hawaii", kind="City")) == ("found", ["honolulu"])
    # A division named but holding no such town: nothing, not a same-named town elsewhere.
    nevada = resolve(places, "Portland, Nevada", kind="City")
    assert nevada.status == "missing" and nevada.place is None and nevada.within is None
    tbilisi = resolve(places, "Tbilisi, Georgia", kind="City")
    assert tbilisi.place is not None and tbilisi.place.country == "GE"


def test_loads_read_towns_in_first_level_divisions(places: Store, tmp_path: Path) -> None:
    """'Victoria, British Columbia', 'Perth, Western Australia' and 'Portland,
    Oregon' load as the town of that division, with a country column or without
    one, from a pairs list and from an office's list of cities alike; a division
    named that holds no such town gives a new place, never a same-named town
    elsewhere."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "city1,country1,city2,country2\n"
        '"Victoria, British Columbia",Canada,"Perth, Western Australia",\n'
        '"Portland, Oregon",,"Portland, Maine",USA\n'
        '"Perth, Scotland",United Kingdom,"Victoria, Western Australia",Australia\n',
        encoding="utf-8",
    )
    mapping = SISTER_CITY_PAIRS
    office = tmp_path / "友好城市.csv"
    office.write_text(
        '城市,国家\n"Victoria, British Columbia",加拿大\n"Springfield, Illinois",\n',
        encoding="utf-8",
    )
    load(places, [pairs], LoadOptions(pairs=mapping))
    load(places, [office])
    gaz = open_gazetteer()
    cities = list(places.entities("City"))
    code_of = {e.id: e.properties.get("iso_code") for e in places.entities("Country")}

    def town_of(text: str) -> Entity:
        """The one entity made for ``text``, checked to be in the division it names."""
        (entity,) = [e for e in cities if text in [e.name, e.name_en, *e.aliases]]
        town = gaz.city_by_id(int(entity.properties["geonames_id"]))
        assert town is not None and town.name == text.split(",")[0]
        (division,) = gaz.divisions(text.split(", ")[1])
        assert (town.country, town.admin1) == division
        assert code_of[entity.properties["country"]] == town.country
        assert entity.sources[0].document == GEONAMES_DOCUMENT
        return entity

    victoria = town_of("Victoria, British Columbia")
    town_of("Perth, Western Australia")
    town_of("Perth, Scotland")
    town_of("Springfield, Illinois")
    assert town_of("Portland, Oregon").id != town_of("Portland, Maine").id
    # The office's row is the same town as the pair's end, not a second Victoria.
    assert [e.properties.get("geonames_id") for e in cities].count(
        victoria.properties["geonames_id"]
    ) == 1
    # No Victoria in Western Australia: a new place there, not Canada's or Malta's.
    (nowhere,) = [e for e in cities if e.name == "Victoria, Western Australia"]
    assert "geonames_id" not in nowhere.properties
    assert code_of[nowhere.properties["country"]] == "AU"
