"""Mapping mode: third-party lists of pairs, read as relationships."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.loader_helpers import CITY_PAIRS, base_store, messages, snapshot, write
from openpyxl import Workbook

from renmai.graph.gazetteer import GEONAMES_DOCUMENT
from renmai.graph.model import Source
from renmai.loaders import LoadError, LoadOptions, MappingError, PairMapping, load

CITY_MAPPING = PairMapping(
    type="友好城市",
    from_column="chinese city",
    to_column="Foreign City",
    to_country_column="country",
    since_column="Year",
)


def test_city_pairs_with_country_columns(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    report = load(store, [CITY_PAIRS], LoadOptions(pairs=CITY_MAPPING))
    sisters = {r.ends: r for r in store.relationships("SISTER_CITY_OF")}
    jiangmen = next(e for e in store.entities("City") if "江门市" in e.all_names)
    honolulu = next(e for e in store.entities("City") if e.name_en == "Honolulu")
    # 仁川 is two cities; the country column picks the Korean one. 中山 is an
    # alias of 中山市. Burnaby (the English name) was already a sister city.
    assert set(sisters) == {
        ("burnaby", "zhongshan"),
        ("honolulu", "zhongshan"),
        ("incheon", "zhongshan"),
        ("burnaby", jiangmen.id),
    }
    assert sisters[("incheon", "zhongshan")].since == "2001"
    # The list at its row: show, path and connect print where it says so.
    assert sisters[("incheon", "zhongshan")].sources == [
        Source(document="city_pairs.csv", locator="line 4")
    ]
    # The existing relationship gains the list as a source and keeps its own.
    assert len(sisters[("burnaby", "zhongshan")].sources) == 2
    # What the store lacks and the gazetteer knows is new, with its GeoNames
    # id, coordinates and country (the store's 中国; the United States, which
    # the store lacked, new from the gazetteer too), and GeoNames as a source.
    assert jiangmen.properties == {
        "country": "china",
        "geonames_id": 1806299,
        "latitude": 22.58333,
        "longitude": 113.08333,
    }
    assert (jiangmen.name, jiangmen.name_en) == ("江门", "Jiangmen")
    assert honolulu.properties["geonames_id"] == 5856195
    usa = store.get(honolulu.properties["country"])
    assert usa is not None and usa.properties == {"iso_code": "US", "status": "country"}
    assert [s.document for s in honolulu.sources] == [GEONAMES_DOCUMENT, "city_pairs.csv"]
    warnings = [str(w) for w in report.warnings]
    assert (
        f"{CITY_PAIRS}:5: new City '江门' ({jiangmen.id}) from the gazetteer: geonames id 1806299"
        in warnings
    )
    assert not any("is not a known country" in w for w in warnings)
    # Idempotent: a second run finds the new cities by name.
    before = snapshot(store)
    again = load(store, [CITY_PAIRS], LoadOptions(pairs=CITY_MAPPING))
    assert again.summary.total("created") == again.summary.total("updated") == 0
    assert snapshot(store) == before


def test_new_ends_get_a_known_country(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "members.csv",
        "会员,所属社团,社团国家,职务\n黄红星,加拿大中山同乡会,加拿大,会长\n陈伟,加拿大中山同乡会,加拿大,\n",
    )
    mapping = PairMapping(
        type="MEMBER_OF",
        from_column="会员",
        from_kind="人物",
        to_column="所属社团",
        to_kind="Association",
        to_country_column="社团国家",
        properties={"role": "职务"},
    )
    load(store, [path], LoadOptions(pairs=mapping))
    [association] = [e for e in store.entities("Association") if e.name == "加拿大中山同乡会"]
    assert association.properties == {"country": "canada"}
    members = sorted(store.relationships("MEMBER_OF"), key=lambda r: r.from_id)
    assert [(r.from_id, r.to_id, r.properties) for r in members] == [
        ("chen-wei", association.id, {}),
        ("huang-hong-xing", association.id, {"role": "会长"}),
    ]


def test_mapping_mode_reads_the_first_sheet_of_a_workbook(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["甲", "乙"])
    sheet.append(["市外事侨务局", "香港中山青年協會"])
    sheet.append(["市外事侨务局", ""])
    path = tmp_path / "pairs.xlsx"
    workbook.save(path)
    mapping = PairMapping(
        type="LIAISES_WITH",
        from_column="甲",
        from_kind="Organization",
        to_column="乙",
        to_kind="Association",
    )
    with pytest.raises(LoadError) as caught:
        load(store, [path], LoadOptions(pairs=mapping))
    assert messages(caught.value) == [f"{path}[名单]!B3: 乙 (to): empty: a pair needs both ends"]


def test_ambiguous_end_is_reported_not_guessed(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(tmp_path, "pairs.csv", "a,b\n中山市,仁川\n")
    mapping = PairMapping(type="SISTER_CITY_OF", from_column="a", to_column="b")
    with pytest.raises(LoadError) as caught:
        load(store, [path], LoadOptions(pairs=mapping))
    [problem] = messages(caught.value)
    assert problem.startswith(f"{path}:2: b (to): '仁川' could be any of: incheon")


def test_missing_columns_are_one_problem_per_file(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(tmp_path, "pairs.csv", "a,b\n中山市,本拿比\n中山市,长崎\n")
    mapping = PairMapping(type="SISTER_CITY_OF", from_column="a", to_column="c", since_column="y")
    with pytest.raises(LoadError) as caught:
        load(store, [path], LoadOptions(pairs=mapping))
    assert messages(caught.value) == [
        f"{path}: no column for to_column 'c', since_column 'y' (columns: a, b)"
    ]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        (PairMapping(type="LIKES", from_column="a", to_column="b"), "unknown relationship kind"),
        (PairMapping(type="MEMBER_OF", from_column="a", to_column="b"), "give from_kind"),
        (
            PairMapping(
                type="MEMBER_OF",
                from_column="a",
                to_column="b",
                from_kind="Project",
                to_kind="社团",
            ),
            "MEMBER_OF may not join Project to Association",
        ),
        (
            PairMapping(
                type="SISTER_CITY_OF", from_column="a", to_column="b", properties={"x": "c"}
            ),
            "x is not a field of SISTER_CITY_OF",
        ),
        (
            PairMapping(type="KNOWS", from_column="a", to_column="b", to_kind="Planet"),
            "to_kind: unknown kind 'Planet'",
        ),
    ],
)
def test_mapping_options_are_checked(tmp_path: Path, mapping: PairMapping, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        load(base_store(tmp_path), [CITY_PAIRS], LoadOptions(pairs=mapping))


def test_mapping_errors_name_the_field_they_are_about(tmp_path: Path) -> None:
    """In library words: the PairMapping field, which the CLI says as its flag
    (``give --from-kind``, tests/test_cli_load.py)."""
    mapping = PairMapping(type="MEMBER_OF", from_column="a", to_column="b")
    with pytest.raises(MappingError) as raised:
        load(base_store(tmp_path), [CITY_PAIRS], LoadOptions(pairs=mapping))
    assert raised.value.param == "from_kind"
    assert str(raised.value).startswith("give from_kind: MEMBER_OF may join")
    assert raised.value.worded("--from-kind").startswith("give --from-kind: MEMBER_OF")
