"""Every format the loaders read, and what each one's conventions mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.loader_helpers import BASE, base_store, new_store, write
from openpyxl import Workbook

from renmai.cli import cli
from renmai.graph.model import Source
from renmai.graph.store import Store
from renmai.loaders import LoadError, LoadOptions, load, validate


def test_yaml_mapping_form_with_defaults(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    report = load(store, [BASE])
    assert report.written
    burnaby = store.get("burnaby")
    assert burnaby is not None
    # The default source fills the document and date each source leaves out.
    assert burnaby.sources == [
        Source(
            document="测试资料",
            excerpt="与加拿大本拿比市缔结友好城市",
            locator="line 5",
            date="2016",
        )
    ]
    # A record without sources gets the default one.
    china = store.get("china")
    assert china is not None and china.sources == [Source(document="测试资料", date="2016")]
    # Kind by Chinese label, reference by name, relationship ends by name and alias.
    canada = store.get("canada")
    assert canada is not None and canada.kind == "Country"
    assert burnaby.properties["country"] == "canada"
    [sister] = store.relationships("SISTER_CITY_OF")
    assert sister.ends == ("burnaby", "zhongshan") and sister.since == "2015"
    [liaison] = store.relationships("LIAISES_WITH")
    assert liaison.ends == ("zs-fao", "hk-zs-youth")
    assert {e.id for e in store.homes()} == {"zhongshan", "zs-fao"}
    # The country field implies LOCATED_IN, which the store adds.
    assert any(r.ends == ("burnaby", "canada") for r in store.relationships("LOCATED_IN"))


def test_yaml_keeps_values_as_data(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    path = write(
        tmp_path,
        "norway.yaml",
        "- {id: norway, kind: Country, name: 挪威, iso_code: NO}\n"
        "- {id: oslo-event, kind: Event, name: 奥斯陆论坛, date: 2015-06-01, recurring: yes}\n",
    )
    load(store, [path])
    norway, event = store.get("norway"), store.get("oslo-event")
    assert norway is not None and norway.properties["iso_code"] == "NO"
    assert event is not None
    assert event.properties == {"date": "2015-06-01", "recurring": True}


def test_json_and_json_lines(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    entities = write(
        tmp_path,
        "entities.json",
        json.dumps(
            {
                "entities": [
                    {"id": "canada", "kind": "Country", "name": "加拿大"},
                    {"kind": "City", "name": "万锦", "name_en": "Markham", "country": "canada"},
                ]
            },
            ensure_ascii=False,
            indent=2,
        ),
    )
    rels = write(
        tmp_path,
        "more.jsonl",
        '{"kind": "City", "name": "多伦多", "name_en": "Toronto", "country": "加拿大"}\n'
        "\n"
        '{"type": "COOPERATES_WITH", "from": "Markham", "to": "多伦多", "since": "2012"}\n',
    )
    report = load(store, [entities, rels])
    assert report.summary.total("created") == 3 + 2 + 1  # 3 entities, 2 LOCATED_IN, 1 tie
    # Ids made from the English name; the relationship found both by name.
    [tie] = store.relationships("COOPERATES_WITH")
    assert tie.ends == ("markham", "toronto")


def test_csv_with_chinese_headers_and_separators(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "contacts.csv",
        "\ufeff类型,名称,英文名,别名,标签,国家,职务,来源,来源文件\n"
        "人物,黄红星,Huang Hongxing,Wong Hung Sing|黃紅星；H. H. Wong,侨领; 加拿大,加拿大,会长,"
        "加拿大侨领黄红星,2016年工作计划\n"
        ",,,,,,,,\n"
        "社团,加拿大中山同乡会,Chung Shan Association of Canada,,,加拿大,,,\n",
    )
    report = load(store, [path])
    assert report.summary.entities["Person"]["created"] == 1
    [person] = store.entities("Person")
    assert person.id == "huang-hongxing"
    assert person.aliases == ["Wong Hung Sing", "黃紅星", "H. H. Wong"]
    assert person.tags == ["侨领", "加拿大"]
    assert person.properties == {"country": "canada", "title": "会长"}
    assert person.sources == [Source(document="2016年工作计划", excerpt="加拿大侨领黄红星")]
    association = store.get("chung-shan-association-of-canada")
    assert association is not None and association.name == "加拿大中山同乡会"
    # The blank row is skipped; the association has no source columns filled.
    assert association.sources == []


def test_gbk_csv_is_detected(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "associations.csv",
        "名称,国家,类别\n澳门中山青年协会,中国,youth\n",
        encoding="gbk",
    )
    report = load(store, [path])
    [association] = [e for e in store.entities("Association") if e.id != "hk-zs-youth"]
    assert association.name == "澳门中山青年协会"
    assert association.properties == {"category": "youth", "country": "china"}
    assert any("GB18030" in str(w) for w in report.warnings)
    assert "give encoding if the text looks wrong" in str(report.warnings[0])
    # The library names its parameter; the command says its flag.
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "g.db"), "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "give --encoding if the text looks wrong" in result.output


def test_encoding_option(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(tmp_path, "城市.csv", "名称,国家\n长崎,中国\n", encoding="gb2312")
    report = load(store, [path], LoadOptions(encoding="gb2312"))
    assert not report.warnings
    # The file's name says its kind.
    assert [e.name for e in store.find("长崎")] == ["长崎"]


def test_tsv_and_utf16_from_excel(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(tmp_path, "people.txt.tsv", "kind\tname\nPerson\t孙中山\n", encoding="utf-16")
    load(store, [path])
    assert [e.name for e in store.entities("Person")] == ["孙中山"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_one_sheet_per_kind(tmp_path: Path) -> None:
    import datetime as dt

    store = base_store(tmp_path)
    path = _workbook(
        tmp_path / "contacts.xlsx",
        {
            "Person": [
                ["name", "name_en", "title", "country"],
                ["黄红星", "Huang Hongxing", "会长", "Canada"],
                [None, None, None, None],
            ],
            "社团": [["名称", "国家"], ["加拿大中山同乡会", "加拿大"]],
            "关系": [
                ["type", "from", "to", "since", "role"],
                ["MEMBER_OF", "黄红星", "加拿大中山同乡会", dt.datetime(2010, 3, 1), "会长"],
                ["成员", "本拿比", "加拿大中山同乡会", 2011.0, None],
            ],
            "说明": [["这是说明"], ["不是数据"]],
        },
    )
    report = load(store, [path])
    [city_member, member] = sorted(store.relationships("MEMBER_OF"), key=lambda r: r.from_id)
    assert member.from_id == "huang-hongxing" and member.since == "2010-03-01"
    assert member.properties == {"role": "会长"}
    assert city_member.from_id == "burnaby" and city_member.since == "2011"
    # A sheet that says nothing about its contents is skipped, with a warning.
    assert any("说明" in str(w) and "skipped" in str(w) for w in report.warnings)


def test_xlsx_sheet_option_and_kind_option(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = _workbook(
        tmp_path / "list.xlsx",
        {"Sheet1": [["名称"], ["长崎"]], "Sheet2": [["名称"], ["仁川"]]},
    )
    load(store, [path], LoadOptions(sheet="sheet1", kind="城市"))
    assert store.find("长崎", "City") and len(store.find("仁川")) == 2


def test_folder_loads_every_supported_file(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write(folder, "a/places.yaml", BASE.read_text(encoding="utf-8"))
    write(folder, "b/people.csv", "kind,name,country\nPerson,孙中山,中国\n")
    write(folder, "notes.txt", "not data")
    write(folder, ".hidden/x.csv", "garbage")
    write(folder, "~$open.xlsx", "lock file")
    store = new_store(tmp_path)
    report = load(store, [folder])
    assert report.files == [str(folder / "a/places.yaml"), str(folder / "b/people.csv")]
    assert [e.name for e in store.entities("Person")] == ["孙中山"]


def test_validate_writes_nothing(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    report = validate(store, [BASE])
    assert not report.written and not store.path.exists()
    assert report.summary.entities["City"]["created"] == 4


def test_unknown_kind_option(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown kind 'Planet'"):
        validate(new_store(tmp_path), [BASE], LoadOptions(kind="Planet"))


def test_load_error_is_a_user_error(tmp_path: Path) -> None:
    from renmai.errors import RenmaiError

    assert issubclass(LoadError, RenmaiError)


def test_relationship_file_with_end_kinds_and_countries(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "relationships.csv",
        "关系,从,到,终点国家,起始,来源\n"
        "友好城市,中山,仁川,韩国,2001,与韩国仁川结为友城\n"
        "FRIENDSHIP_MOU_WITH,Chung Shan,仁川,China,,\n",
    )
    load(store, [path])
    assert [r.ends for r in store.relationships("SISTER_CITY_OF")] == [
        ("burnaby", "zhongshan"),
        ("incheon", "zhongshan"),
    ]
    assert [r.ends for r in store.relationships("FRIENDSHIP_MOU_WITH")] == [
        ("renchuan-china", "zhongshan")
    ]


def test_possible_duplicates_are_found_on_either_store(store: Store, tmp_path: Path) -> None:
    # By name key, by pinyin across scripts, by a name that is an id; a new
    # name and a place named like nothing stored bring no warning.
    load(store, [BASE])
    path = write(
        tmp_path,
        "Organizations.csv",
        "id,名称\n"
        "copy-1,市外事侨务局\n"
        "copy-2,Zhongshan Shi Wai Shi Qiao Wu Ju\n"
        "copy-3,zs-fao\n"
        "fresh-1,全新的协会\n",
    )
    report = load(store, [path])
    warned = [str(w).split(": new id ")[1].split(" for ")[0] for w in report.warnings]
    assert warned == ["'copy-1'", "'copy-2'", "'copy-3'"]
    assert all("zs-fao (Organization 中山市外事侨务局)" in str(w) for w in report.warnings)
    assert store.get("fresh-1") is not None


def test_possible_duplicates_past_the_full_checks_are_counted_in_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("renmai.loaders.batch.FULL_CHECKS", 1)
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "Organizations.csv",
        "id,名称\ncopy-1,市外事侨务局\nfresh-1,全新的协会\ncopy-2,zs-fao\ncopy-3,市外事侨务局\n",
    )
    report = load(store, [path])
    assert [str(w) for w in report.warnings] == [
        f"{path}:2: new id 'copy-1' for '市外事侨务局', which the store has as "
        "zs-fao (Organization 中山市外事侨务局): a duplicate? (renmai merge joins two)",
        f"{path}:4: 2 more new ids, this one the first, for names that stored entities of "
        "their kind have: duplicates? (renmai dedupe lists them; renmai merge joins two)",
    ]
    assert {"copy-1", "copy-2", "copy-3", "fresh-1"} <= {e.id for e in store.entities()}


def test_home_flag_in_chinese_and_a_possible_duplicate(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path,
        "Organizations.csv",
        "id,名称,本方\nhkmao,港澳事务局,是\nfao-copy,市外事侨务局,否\n",
    )
    report = load(store, [path])
    hkmao = store.get("hkmao")
    assert hkmao is not None and hkmao.kind == "Organization" and hkmao.home
    # A new id for a name the store already has is loaded, with a warning.
    assert [str(w) for w in report.warnings] == [
        f"{path}:3: new id 'fao-copy' for '市外事侨务局', which the store has as "
        "zs-fao (Organization 中山市外事侨务局): a duplicate? (renmai merge joins two)"
    ]
