"""Mapping files (issue 12 §3): one row, several entities and the relationships
among them, a row filter, constants, keys; the mapping file checked with its
own located problems; a first mapping drafted from a table's headers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fixtures.loader_helpers import messages, write
from test_loaders_office import PLACES, office_workbook

from renmai.graph.model import Source
from renmai.graph.store import Store
from renmai.loaders import LoadError, LoadOptions, load
from renmai.loaders.mapping_draft import draft_mapping

#: The office workbook of the issue, read by a mapping: each row an
#: association, its 会长 a person holding the post, hometown associations all.
MAPPING = """\
sheet: Sheet1
filter_not: {城市: 利马}
entities:
  association:
    kind: 社团
    name: 社团名称
    properties:
      country: 国家
      city: {column: 城市}
      founded: 成立时间
      phone: 联系电话
      category: {literal: hometown}
  leader:
    kind: Person
    name: 会长
    aliases: {columns: [会长]}
relationships:
  - {type: 任职, from: leader, to: association, properties: {title: {literal: 会长}}}
"""


@pytest.fixture
def places(store: Store, tmp_path: Path) -> Store:
    load(store, [write(tmp_path, "places.yaml", PLACES)])
    return store


def test_a_mapping_makes_entities_and_relationships_of_each_row(
    places: Store, tmp_path: Path
) -> None:
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    mapping = write(tmp_path, "侨团.mapping.yaml", MAPPING)
    report = load(places, [book], LoadOptions(mapping=mapping))
    associations = {e.name: e for e in places.entities("Association")}
    # The filter left out the row in 利马.
    assert sorted(associations) == ["加拿大中山同乡会", "檀香山中山隆都同乡会", "美国中山同乡会"]
    assert {e.properties["category"] for e in associations.values()} == {"hometown"}
    assert associations["美国中山同乡会"].properties["founded"] == "2003"
    assert associations["加拿大中山同乡会"].sources == [
        Source(document="侨团名录.xlsx", locator="sheet Sheet1, row 4")
    ]
    people = {e.name: e for e in places.entities("Person")}
    assert sorted(people) == ["李小明", "陈大文"]
    posts = sorted(
        (places.get(r.to_id).name, r.properties["title"], r.sources[0].locator)  # type: ignore[union-attr]
        for r in places.relationships("HOLDS_POSITION")
    )
    assert posts == [
        ("加拿大中山同乡会", "会长", "sheet Sheet1, row 4"),
        ("檀香山中山隆都同乡会", "会长", "sheet Sheet1, row 7"),
        ("美国中山同乡会", "会长", "sheet Sheet1, row 5"),
    ]
    assert report.names.counts["new"] == 5  # three associations, two people
    again = load(places, [book], LoadOptions(mapping=mapping))
    assert not again.summary.changed


def test_keys_make_the_id_and_an_empty_end_makes_nothing(places: Store, tmp_path: Path) -> None:
    table = write(
        tmp_path,
        "list.csv",
        "编号,名称,国家,负责人\nA-01,中山同乡会,加拿大,陈大文\nA-02,中山同乡会,美国,\n",
    )
    mapping = write(
        tmp_path,
        "list.yaml",
        """\
entities:
  body:
    kind: Association
    keys: [名称, 国家]
    name: 名称
    properties: {country: 国家}
  head:
    kind: Person
    name: 负责人
relationships:
  - {type: HOLDS_POSITION, from: head, to: body, properties: {title: {literal: 负责人}}}
""",
    )
    load(places, [table], LoadOptions(mapping=mapping))
    # One name in two countries: two associations, told apart by their keys.
    assert sorted(e.id for e in places.entities("Association")) == [
        "zhong-shan-tong-xiang-hui-jia-na-da",
        "zhong-shan-tong-xiang-hui-mei-guo",
    ]
    (post,) = places.relationships("HOLDS_POSITION")
    assert post.to_id == "zhong-shan-tong-xiang-hui-jia-na-da"


def test_the_mapping_file_is_checked_with_located_problems(places: Store, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    shape = write(
        tmp_path,
        "shape.yaml",
        """\
entities:
  association:
    kind: 社团
    name: {colum: 社团名称}
  leader:
    kind: Person
    name: 会长
    title: 职务
relationships:
  - type: HOLDS_POSITION
    from: leader
    to: association
    properties:
      title: {literal: 会长, column: 职务}
""",
    )
    with pytest.raises(LoadError) as caught:
        load(places, [book], LoadOptions(mapping=shape))
    assert messages(caught.value) == [
        f"{shape}:4: entities.association.name.colum: not a key of a mapping file here",
        f"{shape}:8: entities.leader.title: not a key of a mapping file here",
        f"{shape}:14: relationships.0.properties.title: give one of column, columns or literal",
    ]
    schema = write(
        tmp_path,
        "schema.yaml",
        """\
entities:
  association:
    kind: 社
    name: 社团名称
  leader:
    kind: Person
    name: 会长
    properties:
      rank: 职务
relationships:
  - type: KNOWS
    from: leader
    to: association
  - type: HOLDS
    from: leader
    to: nobody
""",
    )
    with pytest.raises(LoadError) as caught:
        load(places, [book], LoadOptions(mapping=schema))
    found = messages(caught.value)
    assert found[0].startswith(f"{schema}:3: entities.association.kind: unknown kind '社'")
    assert found[1].startswith(
        f"{schema}:9: entities.leader.properties.rank: not a field of Person"
    )
    assert found[2].startswith(f"{schema}:14: relationships.1.type: unknown relationship kind")
    assert found[3] == (
        f"{schema}:16: relationships.1.to: no entity 'nobody' in entities "
        "(defined: association, leader)"
    )
    assert len(found) == 4  # KNOWS to an unknown kind is not judged


def test_a_column_the_table_lacks_is_a_problem(places: Store, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    mapping = write(
        tmp_path,
        "m.yaml",
        "entities:\n  a: {kind: 社团, name: 团体名称, properties: {country: 国家}}\n",
    )
    with pytest.raises(LoadError) as caught:
        load(places, [book], LoadOptions(mapping=mapping))
    assert messages(caught.value) == [
        f"{book}[Sheet1]: no column '团体名称', which {mapping} reads (columns: 序号, 社团名称, "
        "国家, 城市, 会长, 成立时间, 联系电话)"
    ]


def test_skip_invalid_with_a_mapping_leaves_out_the_bad_rows(places: Store, tmp_path: Path) -> None:
    rows = [
        [1, "加拿大中山同乡会", "加拿大", "温哥华", "陈大文", "1985年", None],
        [2, "火星中山同乡会", "火星国", "东京", "林一", "1990年", None],
    ]
    book = office_workbook(tmp_path / "侨团名录.xlsx", rows)
    mapping = write(tmp_path, "m.yaml", MAPPING)
    report = load(places, [book], LoadOptions(mapping=mapping, skip_invalid=True))
    assert [str(r.record.location) for r in report.rejected] == [f"{book}[Sheet1]!5:5"]
    assert "no Country named '火星国'" in report.rejected[0].because
    # The row's person went with it: nothing of a left-out row is loaded.
    assert sorted(e.name for e in places.entities("Person")) == ["陈大文"]


def test_a_drafted_mapping_loads_the_office_list(places: Store, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    text = draft_mapping(book)
    drafted = yaml.safe_load(text)
    assert drafted["sheet"] == "Sheet1"
    assert drafted["entities"]["row"] == {
        "kind": "Association",
        "name": "社团名称",
        "properties": {
            "country": "国家",
            "city": "城市",
            "founded": "成立时间",
            "phone": "联系电话",
        },
    }
    assert drafted["entities"]["holder_1"] == {"kind": "Person", "name": "会长"}
    assert drafted["relationships"] == [
        {
            "type": "HOLDS_POSITION",
            "from": "holder_1",
            "to": "row",
            "properties": {"title": {"literal": "会长"}},
        }
    ]
    assert '# "序号": for people (a row number), not read' in text
    mapping = write(tmp_path, "drafted.yaml", text)
    report = load(places, [book], LoadOptions(mapping=mapping))
    assert report.summary.entities["Association"]["created"] == 4
    assert report.summary.relationships["HOLDS_POSITION"]["created"] == 4


def test_a_draft_lists_what_it_does_not_understand(tmp_path: Path) -> None:
    table = write(
        tmp_path,
        "名单.csv",
        "单位名称,所在国,经费来源,校长,校长电话\n中山学校,加拿大,自筹,王芳,604-555-0100\n",
    )
    text = draft_mapping(table)
    drafted = yaml.safe_load(text)
    assert drafted["entities"]["row"]["kind"] == "Organization"
    assert drafted["entities"]["row"]["properties"] == {"country": "所在国"}
    # The 校长's phone is the holder's.
    assert drafted["entities"]["holder_1"] == {
        "kind": "Person",
        "name": "校长",
        "properties": {"phone": "校长电话"},
    }
    assert '# "经费来源": not a field of Organization' in text


def test_pairs_and_a_mapping_file_are_one_too_many(tmp_path: Path) -> None:
    from renmai.errors import ParameterError
    from renmai.graph.sqlite_store import SqliteStore
    from renmai.loaders import PairMapping

    mapping = write(tmp_path, "m.yaml", MAPPING)
    pairs = PairMapping(type="KNOWS", from_column="a", to_column="b")
    with pytest.raises(ParameterError) as caught:
        load(SqliteStore(tmp_path / "g.db"), [mapping], LoadOptions(pairs=pairs, mapping=mapping))
    assert caught.value.param == "mapping"
    assert str(caught.value) == "mapping and pairs: give one way to read the rows"
