"""Every way a load can be wrong: located, all reported at once, nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from fixtures.loader_helpers import BASE, base_store, messages, new_store, snapshot, write
from openpyxl import Workbook

from renmai.graph.store import delete_entity
from renmai.loaders import LoadError, LoadOptions, load, validate


def _fails(store: object, paths: list[Path], options: LoadOptions | None = None) -> list[str]:
    """Load ``paths``; the problems, after checking the store did not change."""
    before = snapshot(store)  # type: ignore[arg-type]
    counts = store.counts()  # type: ignore[attr-defined]
    with pytest.raises(LoadError) as caught:
        load(store, paths, options)  # type: ignore[arg-type]
    assert snapshot(store) == before  # type: ignore[arg-type]
    assert store.counts() == counts  # type: ignore[attr-defined]
    assert "nothing written" in str(caught.value)
    return messages(caught.value)


def test_every_record_problem_is_located_and_reported_at_once(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "bad.yaml",
        """\
entities:
  - kind: Planet
    name: 火星
  - kind: City
    name: 长崎
    level: metropolis
    founded: 1571
  - id: Bad Id
    kind: City
    name: 坏
  - kind: Consulate
    name: 某国驻穗领馆
  - kind: Event
    name: 论坛
    date: 2015-13-01
  - kind: City
    name: 某地
    country: 火星国
  - id: burnaby
    kind: Country
    name: 本拿比国
  - kind: Person
    sources:
      - {excerpt: 某人, date: someday}
relationships:
  - type: SISTER_CITY_OF
    from: 中山市
    to: 中国
  - type: LIKES
    from: 中山市
    to: 本拿比
  - type: SISTER_CITY_OF
    from: 中山市
    to: 仁川
  - type: SISTER_CITY_OF
    from: 中山市
    to: 中山
  - type: COOPERATES_WITH
    from: zs-fao
    to: 无名
    since: 2016
    until: 2015
  - type: LIAISES_WITH
    from: zs-fao
""",
    )
    assert _fails(store, [path]) == [
        f"{path}:2: kind: unknown kind 'Planet' (known: Country, City, Association, "
        "Consulate, Person, Organization, Project, Event, Agreement)",
        f"{path}:6: level: 'metropolis' is not one of province, state, city, town, district, "
        "community, area",
        f"{path}:7: founded: not a field of City (its fields: country, level, part_of, "
        "geonames_id, latitude, longitude)",
        f"{path}:8: id: 'Bad Id' is not an id: use lower-case letters, digits, '.', '_' or '-', "
        "starting with a letter or digit (or leave it out to have one made)",
        f"{path}:11: country: required for Consulate",
        f"{path}:15: date: '2015-13-01' is not a real date",
        f"{path}:18: country: no Country named '火星国' in this load or the store",
        f"{path}:19: id: 'burnaby' is already a City in the store",
        f"{path}:22: name: missing: every entity needs a name",
        f"{path}:23: sources.date: 'someday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
        f"{path}:28: to: '中国' is china (Country 中国), not a City "
        "(SISTER_CITY_OF joins City to City)",
        f"{path}:29: type: unknown relationship kind 'LIKES' (known: LOCATED_IN, PART_OF, "
        "SISTER_CITY_OF, FRIENDSHIP_MOU_WITH, REPRESENTS, MEMBER_OF, HOLDS_POSITION, "
        "ANCESTRAL_HOME, PARTY_TO, ORGANIZED, PARTICIPATED_IN, PARTNER_IN, FUNDS, DONATED_TO, "
        "SUPPORTED, COOPERATES_WITH, KNOWS, LIAISES_WITH)",
        f"{path}:34: to: '仁川' could be any of: incheon (City 仁川, korea); "
        "renchuan-china (City 仁川, china) — give the id",
        f"{path}:37: to: a relationship cannot join an entity to itself",
        f"{path}:40: to: no Association/City/Consulate/Country/Organization/Person named '无名' "
        "in this load or the store",
        f"{path}:42: until: 2015 is before since 2016",
        f"{path}:43: to: missing: a relationship needs both ends",
    ]


def test_xlsx_problems_name_sheet_and_cell(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    workbook = Workbook()
    people = workbook.active
    people.title = "Person"
    people.append(["name", "title", "country"])
    people.append(["黄红星", "会长", "加拿大"])
    people.append(["孙中山", None, "火星国"])
    rels = workbook.create_sheet("relationships")
    rels.append(["type", "from", "to", "since"])
    rels.append(["MEMBER_OF", "黄红星", "hk-zs-youth", "2010-02-30"])
    rels.append(["HOLDS_POSITION", "孙中山"])
    path = tmp_path / "contacts.xlsx"
    workbook.save(path)
    assert _fails(store, [path]) == [
        f"{path}[Person]!C3: country: no Country named '火星国' in this load or the store",
        f"{path}[relationships]!D2: since: '2010-02-30' is not a real date",
        f"{path}[relationships]!3:3: to: missing: a relationship needs both ends",
    ]


def test_problems_of_many_files_come_together_in_reading_order(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    first = write(tmp_path, "a.csv", "kind,name,country\nCity,长崎,火星国\n")
    second = write(tmp_path, "b.jsonl", '{"kind": "City"}\n{"type": "KNOWS", "from": "x"}\n')
    missing = tmp_path / "nowhere.csv"
    assert _fails(store, [first, second, missing]) == [
        f"{missing}: no such file or folder",
        f"{first}:2: country: no Country named '火星国' in this load or the store",
        f"{second}:1: name: missing: every entity needs a name",
        f"{second}:2: to: missing: a relationship needs both ends",
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.yaml", "entities:\n  - kind: City\n    name: [unclosed\n", ":4: not valid YAML"),
        ("bad.json", '{"entities": [\n  {"kind": "City",}\n]}', ":2: not valid JSON"),
        ("bad.jsonl", '{"kind": "City", "name": "a"}\n{oops}\n', ":2: not JSON"),
        ("bad.csv", b"name\n\x80\x80\n", ":2: cannot read the text: byte 0x80"),
        ("list.yaml", "just text\n", ":1: expected a mapping of defaults"),
        ("odd.yaml", "cities: []\n", ":1: cities: unknown section"),
        ("twice.yaml", "- kind: City\n  name: a\n  name: b\n", ":3: name: given twice"),
        ("what.csv", "名称\n长崎\n", ":1: cannot tell what this table holds"),
        ("dup.csv", "name,名称,kind\na,b,City\n", ":1: 名称: says the same as column 'name'"),
        ("stray.csv", "kind,name,\nCity,a,x\n", ":2: a value in a column with no header"),
        ("old.xls", b"\xd0\xcf\x11\xe0", ": old Excel format: save it as .xlsx"),
        ("notes.txt", "hello", ": not a format renmai reads"),
        ("what.yaml", "- {name: a}\n", ":1: cannot tell what this record is"),
        (
            "src.yaml",
            "- {kind: City, name: a, sources: [{page: 3}]}\n",
            "unknown source key(s) page",
        ),
    ],
)
def test_malformed_files_give_one_located_error(
    tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    [problem] = _fails(new_store(tmp_path), [path])
    assert problem.startswith(str(path)) and expected in problem


def test_truncated_xlsx(tmp_path: Path) -> None:
    whole = tmp_path / "whole.xlsx"
    workbook = Workbook()
    workbook.active.append(["kind", "name"])
    workbook.save(whole)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(whole.read_bytes()[:300])
    [problem] = _fails(new_store(tmp_path), [broken])
    assert problem.startswith(f"{broken}: not a readable Excel workbook (.xlsx)")
    assert zipfile.is_zipfile(whole)


def test_missing_sheet(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    workbook = Workbook()
    workbook.active.title = "Cities"
    workbook.save(path)
    [problem] = _fails(new_store(tmp_path), [path], LoadOptions(sheet="People"))
    assert problem == f"{path}: no sheet 'People' (sheets: Cities)"


def test_one_id_two_kinds_within_a_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "twice.yaml",
        "- {id: x, kind: City, name: 甲}\n- {id: x, kind: Person, name: 乙}\n",
    )
    assert _fails(new_store(tmp_path), [path]) == [
        f"{path}:2: id: 'x' is already a City ({path}:1)"
    ]


def test_empty_folder_and_empty_file(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert _fails(new_store(tmp_path), [folder]) == [
        f"{folder}: no files to load "
        "(.csv, .json, .jsonl, .ndjson, .tsv, .xlsm, .xlsx, .yaml, .yml)"
    ]
    empty = write(tmp_path, "empty.yaml", "")
    report = validate(new_store(tmp_path), [empty])
    assert [str(w) for w in report.warnings] == [f"{empty}: empty file"]


def test_store_problems_found_after_reading_are_located(tmp_path: Path) -> None:
    """What only the store's write plan checks still comes back with a location."""
    store = base_store(tmp_path)
    # Two rows for one id: merged, the second renames. Valid.
    ok = write(tmp_path, "ok.yaml", "- {id: zhongshan, kind: City, name: 中山}\n")
    assert validate(store, [ok]).summary.entities["City"]["updated"] == 1


def test_base_fixture_is_valid(tmp_path: Path) -> None:
    assert validate(new_store(tmp_path), [BASE]).summary.total("created") > 0


def test_a_store_changed_during_the_load_is_refused_where_the_row_is(tmp_path: Path) -> None:
    """A second writer deletes what a row joins between the check and the write:
    the store's own check refuses it, located at the row, and writes nothing."""
    from renmai.graph.sqlite_store import SqliteStore

    store_file = tmp_path / "graph.db"
    load(SqliteStore(store_file), [BASE])

    class SecondWriterMeanwhile(SqliteStore):
        def write(self, *args: Any, **kwargs: Any) -> Any:
            delete_entity(SqliteStore(store_file), "burnaby")
            return super().write(*args, **kwargs)

    rows = write(tmp_path, "rels.csv", "type,from,to\nSISTER_CITY_OF,中山市,burnaby\n")
    store = SecondWriterMeanwhile(store_file)
    with pytest.raises(LoadError) as caught:
        load(store, [rows])
    # Symmetric: stored with the ends in id order, so burnaby is "from".
    assert messages(caught.value) == [f"{rows}:2: from: no entity with id 'burnaby'"]
    assert store.get("burnaby") is None
    assert not [n for n in store.neighbors("zhongshan") if n.entity.id == "burnaby"]


def test_a_load_plans_its_write_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking and writing share one write plan (a second one costs seconds at 100k)."""
    from renmai.graph import plan

    plans: list[int] = []
    original = plan.plan_write

    def counted(*args: Any, **kwargs: Any) -> Any:
        plans.append(1)
        return original(*args, **kwargs)

    # Stores and dry runs plan through plan.plan_for, which calls the module's plan_write.
    monkeypatch.setattr(plan, "plan_write", counted)
    report = load(new_store(tmp_path), [BASE])
    assert report.written and len(plans) == 1
    plans.clear()
    (tmp_path / "other").mkdir()
    assert not validate(new_store(tmp_path / "other"), [BASE]).written
    assert len(plans) == 1
