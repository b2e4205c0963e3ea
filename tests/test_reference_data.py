"""The reference graph (data/zhongshan) against its document and the gazetteer:
every fact's excerpt is in source.txt at the line it names, every country
holds its ISO code and every GeoNames id is a town of that name in that country."""

from __future__ import annotations

import pytest
from query_graphs import load_reference

from renmai.graph.gazetteer import open_gazetteer
from renmai.graph.model import Source
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store
from renmai.loaders.reference import reference_data

DOCUMENT = (reference_data() / "source.txt").read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return load_reference(SqliteStore(tmp_path_factory.mktemp("reference") / "graph.db"))


def _misplaced(record: str, sources: list[Source]) -> list[str]:
    wrong = []
    for source in sources:
        if source.excerpt is None:
            wrong.append(f"{record}: a source without an excerpt")
            continue
        assert source.locator is not None and source.locator.startswith("line "), record
        line = int(source.locator.split()[1])
        if source.excerpt not in DOCUMENT[line - 1]:
            wrong.append(f"{record}: {source.excerpt!r} is not in line {line}")
    return wrong


def test_every_excerpt_is_in_its_line_of_the_document(reference: Store) -> None:
    wrong = []
    for entity in reference.entities():
        wrong += _misplaced(entity.id, entity.sources)
    for rel in reference.relationships():
        wrong += _misplaced(str(rel.identity), rel.sources)
    assert not wrong, wrong[:10]


def test_countries_hold_their_iso_codes(reference: Store) -> None:
    gaz = open_gazetteer()
    for country in reference.entities("Country"):
        entry = gaz.country_by_code(str(country.properties["iso_code"]))
        assert entry is not None, country.id
        assert entry.status == country.properties["status"], country.id
        # Its own name is the gazetteer's for that code.
        assert gaz.country(country.name) == entry, country.id


def test_cities_hold_the_geonames_town_of_their_name_and_country(reference: Store) -> None:
    gaz = open_gazetteer()
    codes = {c.id: c.properties["iso_code"] for c in reference.entities("Country")}
    held = [c for c in reference.entities("City") if "geonames_id" in c.properties]
    assert {c.id for c in held} >= {"zhongshan", "honolulu", "burnaby", "incheon", "nagasaki"}
    for city in held:
        town = gaz.city_by_id(int(city.properties["geonames_id"]))
        assert town is not None, city.id
        assert town.country == codes[city.properties["country"]], city.id
        # One of its names finds that town, the most populous of it in that
        # country (checked by hand for the homonyms: four Zhongshans, two
        # Nantous, three Nagasakis).
        assert any(
            (found := gaz.cities(name, town.country)) and found[0] == town
            for name in city.all_names
        ), city.id


def test_what_issue_12_found_is_corrected(reference: Store) -> None:
    # Sun Yat-sen's ancestral home is nowhere in the document.
    assert not reference.neighbors("sun-yat-sen", types=["ANCESTRAL_HOME"])
    # 劳拉 met the delegation: that meeting, not the games, nor "knows".
    laura = {(n.relationship.type, n.entity.id) for n in reference.neighbors("laura-chinchilla")}
    assert ("PARTICIPATED_IN", "costa-rica-president-meets-delegation-2014") in laura
    assert ("PARTICIPATED_IN", "costa-rica-games-2014") not in laura
    assert not [t for t, _ in laura if t == "KNOWS"]
    # Key project (十五) no longer carries the internship programme's name.
    project = reference.get("kp2016-15-wuguishan-defence-camp")
    assert project is not None and "粤港大学生暑期实习计划（2016）" not in project.aliases
    # The bureau supported unnamed associations in Ecuador, Japan and the UK.
    supported = {
        n.entity.id: n.entity
        for n in reference.neighbors("zhongshan-fao", direction="out", types=["SUPPORTED"])
    }
    assert not {"ecuador", "japan", "uk"} & set(supported)
    for country in ("ecuador", "japan", "uk"):
        (association,) = [e for e in supported.values() if e.properties.get("country") == country]
        assert association.kind == "Association" and "未具名" in association.tags
