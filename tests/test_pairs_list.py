"""Issue #12's acceptance for other people's lists: a generated sister-city list
of thousands of rows (tests/fixtures/pairs_list.py) loads through the gazetteer
with the mapping options, giving the same graph on both stores: no city joined
to itself, homonyms in different countries apart, every town the list drew
from GeoNames matched to it, at least 85% of its cities matched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.pairs_list import HOMONYMS, End, generate, write_csv

from renmai.cli import cli
from renmai.graph.gazetteer import GEONAMES_DOCUMENT
from renmai.graph.model import Entity
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store
from renmai.loaders import LoadOptions, LoadReport, PairMapping, load

ROWS = 3000
MAPPING = PairMapping(
    type="SISTER_CITY_OF",
    from_column="city1",
    from_country_column="country1",
    to_column="city2",
    to_country_column="country2",
)
OPTIONS = [
    "--as",
    "SISTER_CITY_OF",
    "--from-column",
    "city1",
    "--from-country-column",
    "country1",
    "--to-column",
    "city2",
    "--to-country-column",
    "country2",
]


@pytest.fixture(scope="module")
def pairs() -> list[tuple[End, End]]:
    return generate(ROWS, seed=7)


@pytest.fixture(scope="module")
def pairs_file(pairs: list[tuple[End, End]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_csv(pairs, tmp_path_factory.mktemp("pairs") / "pairs.csv")


def _loaded(store: Store, path: Path) -> tuple[Store, LoadReport]:
    report = load(store, [path], LoadOptions(pairs=MAPPING, skip_invalid=True))
    return store, report


@pytest.fixture(scope="module")
def embedded(
    pairs_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, LoadReport]:
    return _loaded(SqliteStore(tmp_path_factory.mktemp("graph") / "graph.db"), pairs_file)


@pytest.fixture(scope="module")
def neo4j(pairs_file: Path, neo4j_target: Any) -> Iterator[tuple[Store, LoadReport]]:
    from renmai.graph.neo4j_store import Neo4jStore

    store = Neo4jStore(
        neo4j_target.uri, username=neo4j_target.username, password=neo4j_target.password
    )
    store.clear()
    try:
        yield _loaded(store, pairs_file)
    finally:
        store.clear()
        store.close()


@pytest.fixture(params=["embedded", "neo4j"])
def loaded(request: pytest.FixtureRequest) -> tuple[Store, LoadReport]:
    if request.param == "neo4j":
        request.applymarker(pytest.mark.neo4j)
    result: tuple[Store, LoadReport] = request.getfixturevalue(request.param)
    return result


def _gid(entity: Entity) -> int | None:
    value = entity.properties.get("geonames_id")
    return None if value is None else int(value)


def test_almost_every_row_loads_and_none_joins_a_city_to_itself(
    loaded: tuple[Store, LoadReport],
) -> None:
    store, report = loaded
    assert len(report.rejected) <= ROWS * 0.02, [(r.because) for r in report.rejected[:5]]
    sisters = list(store.relationships("SISTER_CITY_OF"))
    assert sisters and all(r.from_id != r.to_id for r in sisters)


def test_every_town_drawn_from_geonames_is_matched_to_it(
    loaded: tuple[Store, LoadReport], pairs: list[tuple[End, End]]
) -> None:
    store, report = loaded
    cities = {e.id: e for e in store.entities("City")}
    rejected = {r.record.location.line for r in report.rejected}
    by_line: dict[int, set[int | None]] = {}
    for rel in store.relationships("SISTER_CITY_OF"):
        ends = {_gid(cities[rel.from_id]), _gid(cities[rel.to_id])}
        for source in rel.sources:
            if source.locator and source.locator.startswith("line "):
                by_line[int(source.locator.split()[1])] = ends
    wrong = []
    for line, (one, other) in enumerate(pairs, start=2):
        if line in rejected:
            continue
        if by_line.get(line) != {one.geonames_id, other.geonames_id}:
            wrong.append((line, one, other, by_line.get(line)))
    assert not wrong, wrong[:5]
    # One GeoNames town, one entity, however the rows spelt it.
    held = Counter(g for e in cities.values() if (g := _gid(e)) is not None)
    assert max(held.values()) == 1


def test_homonyms_in_different_countries_are_apart(loaded: tuple[Store, LoadReport]) -> None:
    store, _ = loaded
    cities = list(store.entities("City"))
    countries = {e.id: e.properties.get("iso_code") for e in store.entities("Country")}
    for group in HOMONYMS:
        same = [c for c in cities if c.name_en == group[0][0] or c.name == group[0][0]]
        codes = {countries[c.properties["country"]] for c in same}
        assert codes >= {code for _, code in group}, (group, same)
    zhongshans = [c for c in cities if "Zhongshan (Dalian)" in c.aliases]
    assert len(zhongshans) == 1 and zhongshans[0].properties.get("part_of")
    dalian = store.get(zhongshans[0].properties["part_of"])
    assert dalian is not None and _gid(dalian) == 1814087


def test_at_least_85_percent_of_cities_are_geonames_towns(
    loaded: tuple[Store, LoadReport],
) -> None:
    store, report = loaded
    cities = list(store.entities("City"))
    matched = [c for c in cities if _gid(c) is not None]
    assert len(matched) >= 0.85 * len(cities), (len(matched), len(cities))
    assert all(c.sources[0].document == GEONAMES_DOCUMENT for c in matched)
    assert all(c.properties.get("country") for c in cities if "part_of" not in c.properties)
    assert report.names.counts["gazetteer"] > 0


def test_both_stores_give_the_same_graph(
    embedded: tuple[Store, LoadReport], neo4j: tuple[Store, LoadReport]
) -> None:
    def dump(store: Store) -> tuple[list[Any], list[Any]]:
        entities = [e.model_dump() for e in store.entities()]
        relationships = [r.model_dump() for r in store.relationships()]
        return entities, relationships

    assert dump(embedded[0]) == dump(neo4j[0])


def test_the_command_line_loads_it_with_the_mapping_options(
    pairs_file: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "g.db"), "load", str(pairs_file), *OPTIONS]
    )
    assert result.exit_code == 0, result.output[-2000:]
    made = f"{pairs_file}:2: new City '阿尔马维尔' (armavir-2) from the gazetteer: "
    assert made in result.output
