"""Spreadsheets as offices keep them (issue 12 §2): a title above the header,
the office's own words for columns, sheets and files, post columns that name
people, dates as people write them, contact details of bodies, and a load that
reads nothing failing — on both stores."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.loader_helpers import messages, write
from openpyxl import Workbook

from renmai.cli import cli
from renmai.graph.dates import read_date
from renmai.graph.model import Source
from renmai.graph.store import Store
from renmai.loaders import LoadError, load

PLACES = """\
entities:
  - {id: canada, kind: Country, name: 加拿大, name_en: Canada}
  - {id: usa, kind: Country, name: 美国, name_en: United States}
  - {id: peru, kind: Country, name: 秘鲁, name_en: Peru}
  - {id: vancouver, kind: City, name: 温哥华, country: canada}
  - {id: san-francisco, kind: City, name: 旧金山, country: usa}
  - {id: lima, kind: City, name: 利马, country: peru}
  - {id: honolulu, kind: City, name: 檀香山, country: usa}
"""
TITLE = "中山市海外侨团名录（2015年12月）"
HEADER = ["序号", "社团名称", "国家", "城市", "会长", "成立时间", "联系电话"]
#: The rows of the list: a date cell, 2003年, 2001.3 (a number) and 1838年.
ROWS = [
    [1, "加拿大中山同乡会", "加拿大", "温哥华", "陈大文", dt.datetime(1985, 3, 1), "604-555-0101"],
    [2, "美国中山同乡会", "美国", "旧金山", "李小明", "2003年", "415-555-0102"],
    [3, "秘鲁中山会馆", "秘鲁", "利马", "黄伟", 2001.3, None],
    [4, "檀香山中山隆都同乡会", "美国", "檀香山", "陈大文", "1838年", None],
]


def office_workbook(path: Path, rows: list[list[object]] = ROWS) -> Path:
    """侨团名录.xlsx as the issue describes it: a merged title row, a blank row,
    the header, the rows, and a second sheet 说明 with a note."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet["A1"] = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    notes = book.create_sheet("说明")
    notes["A1"] = "本表由中山市外事侨务局整理，仅供内部参考。"
    book.save(path)
    return path


@pytest.fixture
def places(store: Store, tmp_path: Path) -> Store:
    load(store, [write(tmp_path, "places.yaml", PLACES)])
    return store


def _by_name(store: Store, kind: str) -> dict[str, object]:
    return {e.name: e for e in store.entities(kind)}


def test_the_office_list_loads_as_the_office_keeps_it(places: Store, tmp_path: Path) -> None:
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    report = load(places, [book])
    notes = [str(w) for w in report.warnings]
    assert notes == [
        f"{book}[Sheet1]!3:3: header row 3; above it, skipped: '{TITLE}'",
        f"{book}[说明]: skipped: a sheet of notes",
    ]
    associations = {e.name: e for e in places.entities("Association")}
    assert {n: e.properties.get("founded") for n, e in associations.items()} == {
        "加拿大中山同乡会": "1985-03-01",
        "美国中山同乡会": "2003",
        "秘鲁中山会馆": "2001-03",
        "檀香山中山隆都同乡会": "1838",
    }
    canada = associations["加拿大中山同乡会"]
    assert canada.properties["country"] == "canada" and canada.properties["city"] == "vancouver"
    # Contact details are kept, and hidden like a person's.
    assert canada.properties["phone"] == "604-555-0101"
    assert "phone" not in canada.public().properties
    # The 会长 column: a person holding that post; the same name twice is one person.
    people = [e for e in places.entities("Person")]
    assert sorted(p.name for p in people) == ["李小明", "陈大文", "黄伟"]
    chen = next(p for p in people if p.name == "陈大文")
    posts = places.neighbors(chen.id, types=["HOLDS_POSITION"])
    assert sorted((n.entity.name, n.relationship.properties["title"]) for n in posts) == [
        ("加拿大中山同乡会", "会长"),
        ("檀香山中山隆都同乡会", "会长"),
    ]
    # Each post has the list, at its row, as its source.
    by_body = {n.entity.name: n.relationship.sources for n in posts}
    assert by_body["加拿大中山同乡会"] == [
        Source(document="侨团名录.xlsx", locator="sheet Sheet1, row 4")
    ]
    assert by_body["檀香山中山隆都同乡会"] == [
        Source(document="侨团名录.xlsx", locator="sheet Sheet1, row 7")
    ]
    again = load(places, [book])
    assert not again.summary.changed and again.summary.total("unchanged") == 19


def test_the_same_leader_in_two_lists_is_one_person(places: Store, tmp_path: Path) -> None:
    load(places, [office_workbook(tmp_path / "侨团名录.xlsx")])
    second = write(
        tmp_path,
        "海外社团联系表.csv",
        "社团名称,所在国,主席,主席电话,秘书长,秘书长邮箱\n"
        "温哥华中山联谊会,加拿大,陈大文,604-555-0177,王芳、赵强,mishu@example.org\n",
    )
    report = load(places, [second])
    assert report.summary.entities["Person"]["created"] == 2  # 王芳 and 赵强, not 陈大文
    chen = [e for e in places.entities("Person") if e.name == "陈大文"]
    assert len(chen) == 1
    titles = sorted(
        (n.entity.name, n.relationship.properties["title"])
        for n in places.neighbors(chen[0].id, types=["HOLDS_POSITION"])
    )
    assert ("温哥华中山联谊会", "主席") in titles and len(titles) == 3
    secretaries = {
        n.entity.name
        for e in places.entities("Person")
        for n in places.neighbors(e.id, types=["HOLDS_POSITION"])
        if n.relationship.properties["title"] == "秘书长"
    }
    assert secretaries == {"温哥华中山联谊会"}
    # A post's details are its holder's (hidden like any contact), when one
    # person holds it: whose of the two secretaries the e-mail is, the row does not say.
    assert chen[0].properties["phone"] == "604-555-0177"
    assert "phone" not in chen[0].public().properties
    assert not [e for e in places.entities("Person") if "email" in e.properties]


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        (dt.date(2003, 5, 1), "2003-05-01"),
        (dt.datetime(2003, 5, 1), "2003-05-01"),
        ("2003年", "2003"),
        ("2003年5月", "2003-05"),
        ("2003年5月1日", "2003-05-01"),
        ("２００３年５月１日", "2003-05-01"),
        ("2001.3", "2001-03"),
        ("2001.10", "2001-10"),
        (2001.3, "2001-03"),
        (2001.12, "2001-12"),
        ("2001/3/5", "2001-03-05"),
        ("1998-05", "1998-05"),
        ("1998-5", "1998-05"),
        ("1867", "1867"),
        (1867, "1867"),
        ("", None),
    ],
)
def test_dates_as_people_write_them(written: object, iso: str | None) -> None:
    assert read_date(written) == iso


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2003年13月", "'2003年13月' is not a real date"),
        ("2003年2月30日", "'2003年2月30日' is not a real date"),
        ("去年", "'去年' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("2001.3/5", "'2001.3/5' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        (2001.1, "2001.1 could be January or October 2001: write 2001-01 or 2001-10"),
        (15, "'15' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_a_date_that_cannot_be_read_is_refused_not_guessed(written: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        read_date(written)
    assert str(caught.value) == message


def test_unreadable_dates_are_located_problems(places: Store, tmp_path: Path) -> None:
    rows = [
        [1, "加拿大中山同乡会", "加拿大", "温哥华", "陈大文", "2003年13月", None],
        [2, "美国中山同乡会", "美国", "旧金山", "李小明", 2001.1, None],
        [3, "秘鲁中山会馆", "秘鲁", "利马", "黄伟", "八十年代", None],
    ]
    book = office_workbook(tmp_path / "侨团名录.xlsx", rows)
    with pytest.raises(LoadError) as caught:
        load(places, [book])
    assert messages(caught.value) == [
        f"{book}[Sheet1]!F4: 成立时间 (founded): '2003年13月' is not a real date",
        f"{book}[Sheet1]!F5: 成立时间 (founded): "
        "2001.1 could be January or October 2001: write 2001-01 or 2001-10",
        f"{book}[Sheet1]!F6: 成立时间 (founded): "
        "'八十年代' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
    ]
    assert not list(places.entities("Association"))


def test_headers_in_the_offices_words_per_kind(places: Store, tmp_path: Path) -> None:
    """网址 is a body's website in a list of bodies, and a source's link elsewhere."""
    orgs = write(
        tmp_path,
        "合作机构.csv",
        "单位名称,所在国,所在城市,成立日期,地址,电话,邮箱,微信,网址,备注\n"
        "温哥华中文学校,加拿大,温哥华,1998-05,Main St 1,604-555-0199,"
        "info@school.example,school_wx,https://school.example,周末中文课\n",
    )
    load(places, [orgs])
    (school,) = places.entities("Organization")
    assert school.name == "温哥华中文学校" and school.description == "周末中文课"
    assert school.properties == {
        "address": "Main St 1",
        "city": "vancouver",
        "country": "canada",
        "email": "info@school.example",
        "founded": "1998-05",
        "phone": "604-555-0199",
        "website": "https://school.example",
        "wechat": "school_wx",
    }
    assert set(school.public().properties) == {"city", "country", "founded"}
    people = write(tmp_path, "people.csv", "kind,姓名,网址\nPerson,王芳,https://news.example\n")
    load(places, [people])
    (wang,) = [e for e in places.entities("Person") if e.name == "王芳"]
    assert wang.sources == [Source(document="people.csv", url="https://news.example")]


def test_a_consulate_list_named_in_the_offices_words(places: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "驻穗领馆"
    sheet.append(["领馆名称", "代表国家", "总领事", "电话"])
    sheet.append(["加拿大驻广州总领事馆", "加拿大", "Jeff Nankivell", "020-8611-6100"])
    path = tmp_path / "名录.xlsx"
    book.save(path)
    load(places, [path])
    (consulate,) = places.entities("Consulate")
    assert consulate.properties["country"] == "canada"
    assert consulate.properties["phone"] == "020-8611-6100"
    (post,) = places.neighbors(consulate.id, types=["HOLDS_POSITION"])
    assert post.entity.name == "Jeff Nankivell" and post.relationship.properties == {
        "title": "总领事"
    }


def test_a_file_that_held_rows_and_made_nothing_fails(places: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["甲", "乙"])
    sheet.append(["一", "二"])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    with pytest.raises(LoadError) as caught:
        load(places, [path])
    assert messages(caught.value) == [
        f"{path}: 1 row, nothing loaded: {path}[Sheet]!1:1: skipped: cannot tell what this "
        "table holds: add a kind column (entities) or type, from and to columns "
        "(relationships), name it after a kind, or give kind"
    ]
    # The library names its parameter; the command says its flag.
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "g.db"), "load", str(path)])
    assert result.exit_code == 1
    assert "name it after a kind, or give --kind" in result.output


def test_the_command_says_what_it_took_and_fails_on_nothing(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    places = write(tmp_path, "places.yaml", PLACES)
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store), "load", str(places)]).exit_code == 0
    result = runner.invoke(cli, ["--store", str(store), "load", str(book)])
    assert result.exit_code == 0, result.output
    assert "header row 3; above it, skipped" in result.stderr
    assert "7 created" not in result.stdout and "19 created" in result.stdout
    shown = runner.invoke(cli, ["--store", str(store), "show", "加拿大中山同乡会", "--json"])
    assert "604-555-0101" not in shown.stdout
    assert json.loads(shown.stdout)["entity"]["properties"]["founded"] == "1985-03-01"
    notes_only = Workbook()
    sheet = notes_only.active
    assert sheet is not None
    sheet.title = "说明"
    sheet["A1"] = "此表待填"
    empty = tmp_path / "侨团.xlsx"
    notes_only.save(empty)
    failed = runner.invoke(cli, ["--store", str(store), "load", str(empty)])
    assert failed.exit_code == 1
    assert f"{empty}: 1 row, nothing loaded: {empty}[说明]: skipped: a sheet of notes" in (
        failed.stderr
    )
    assert "Traceback" not in failed.output
