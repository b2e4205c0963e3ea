"""The load, validate, dedupe, merge and demo commands, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fixtures.loader_helpers import BASE, CITY_PAIRS, snapshot, write

from renmai.cli import cli
from renmai.graph.sqlite_store import SqliteStore


def run(store: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--store", str(store), *args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "graph.db"


def test_load_then_load_again(store_path: Path) -> None:
    first = run(store_path, "load", str(BASE))
    assert first.exit_code == 0, first.output
    assert "City" in first.output and "SISTER_CITY_OF" in first.output
    assert (
        f"Loaded into {store_path}: 1 file(s), 16 created, 0 updated, 0 unchanged." in first.output
    )
    before = snapshot(store_path)
    second = run(store_path, "load", str(BASE))
    assert second.exit_code == 0
    assert "0 created, 0 updated, 16 unchanged" in second.output
    assert snapshot(store_path) == before


def test_load_errors_exit_non_zero_and_write_nothing(tmp_path: Path, store_path: Path) -> None:
    assert run(store_path, "load", str(BASE)).exit_code == 0
    before = snapshot(store_path)
    bad = write(
        tmp_path,
        "bad.csv",
        "kind,name,country,founded\nCity,长崎,火星国,\nEvent,论坛,中国,\nAssociation,某会,,1999-02-30\n",
    )
    result = run(store_path, "load", str(bad), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: 4 problem(s) in 2 files; nothing written:\n")
    assert (
        f"  {bad}:2: country: no Country named '火星国' in this load or the store" in result.output
    )
    assert f"  {bad}:3: country: not a field of Event" in result.output
    assert f"  {bad}:4: founded: '1999-02-30' is not a real date" in result.output
    assert f"  {tmp_path / 'missing.yaml'}: no such file or folder" in result.output
    assert snapshot(store_path) == before


def test_malformed_file(tmp_path: Path, store_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "entities: [\n")
    result = run(store_path, "load", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:2: not valid YAML" in result.output
    assert not store_path.exists()


def test_validate_writes_nothing(store_path: Path) -> None:
    result = run(store_path, "validate", str(BASE))
    assert result.exit_code == 0, result.output
    assert "Valid: 9 entities, 2 relationships; a load would give: 1 file(s), 16 created" in (
        result.output
    )
    assert not store_path.exists()


def test_dry_run(store_path: Path) -> None:
    result = run(store_path, "load", "--dry-run", str(BASE))
    assert result.exit_code == 0
    assert "Dry run, nothing written: 1 file(s), 16 created" in result.output
    assert not store_path.exists()


def test_mapping_mode(store_path: Path) -> None:
    run(store_path, "load", str(BASE))
    result = run(
        store_path,
        "load",
        str(CITY_PAIRS),
        "--as",
        "sister-city-of",
        "--from-column",
        "Chinese City",
        "--to-column",
        "Foreign City",
        "--to-country-column",
        "Country",
        "--since-column",
        "Year",
    )
    assert result.exit_code == 0, result.output
    assert "new City '江门' (jiangmen) from the gazetteer: geonames id 1806299" in result.output
    store = SqliteStore(store_path)
    assert len(list(store.relationships("SISTER_CITY_OF"))) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-column", "a"], "--from-column need --as"),
        (["--as", "KNOWS", "--from-column", "a"], "--as needs --from-column and --to-column"),
        (["--as", "KNOWS", "--property-column", "role"], "write FIELD=COLUMN"),
    ],
)
def test_mapping_usage_errors(store_path: Path, args: list[str], message: str) -> None:
    result = run(store_path, "load", str(CITY_PAIRS), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_mapping_option_errors_are_user_errors(store_path: Path) -> None:
    result = run(
        store_path,
        "load",
        str(CITY_PAIRS),
        "--as",
        "MEMBER_OF",
        "--from-column",
        "a",
        "--to-column",
        "b",
    )
    assert result.exit_code == 1
    assert "Error: give --from-kind: MEMBER_OF may join" in result.output


def test_unknown_kind_option(store_path: Path) -> None:
    result = run(store_path, "load", "--kind", "Planet", str(BASE))
    assert result.exit_code == 1 and "--kind: unknown kind 'Planet'" in result.output


def test_dedupe_and_merge(tmp_path: Path, store_path: Path) -> None:
    more = write(
        tmp_path,
        "more.yaml",
        "- {kind: Project, name: 中瑞（欧）工业园}\n"
        "- {kind: Project, name: 中瑞(欧)产业园, name_en: Sino-Swiss Industrial Park}\n"
        "- {type: PARTNER_IN, from: zs-fao, to: 中瑞(欧)产业园}\n",
    )
    assert run(store_path, "load", str(BASE), str(more)).exit_code == 0
    table = run(store_path, "dedupe")
    assert table.exit_code == 0
    assert "similar names" in table.output and "zhong-rui-ou-gong-ye-yuan" in table.output
    listed = json.loads(run(store_path, "dedupe", "--json", "--kind", "项目").stdout)
    assert [(p["first"], p["second"]) for p in listed] == [
        ("sino-swiss-industrial-park", "zhong-rui-ou-gong-ye-yuan")
    ]
    merged = run(store_path, "merge", "中瑞（欧）工业园", "Sino-Swiss Industrial Park")
    assert merged.exit_code == 0, merged.output
    assert "Merged sino-swiss-industrial-park (中瑞(欧)产业园) into zhong-rui-ou-gong-ye-yuan" in (
        merged.output
    )
    store = SqliteStore(store_path)
    [partner] = store.relationships("PARTNER_IN")
    assert partner.to_id == "zhong-rui-ou-gong-ye-yuan"
    assert json.loads(run(store_path, "dedupe", "--json").stdout) == []


def test_merge_ambiguous_or_unknown(store_path: Path) -> None:
    run(store_path, "load", str(BASE))
    ambiguous = run(store_path, "merge", "仁川", "incheon")
    assert ambiguous.exit_code == 1
    assert "'仁川' could be any of: incheon" in ambiguous.output
    assert "give the id" in ambiguous.output
    unknown = run(store_path, "merge", "incheon", "火星")
    assert unknown.exit_code == 1 and "no entity named '火星'" in unknown.output


def test_demo_on_a_folder(tmp_path: Path, store_path: Path) -> None:
    folder = tmp_path / "data"
    write(folder, "base.yaml", BASE.read_text(encoding="utf-8"))
    demo_store = tmp_path / "demo.db"
    result = run(store_path, "demo", "--store", str(demo_store), "--data", str(folder))
    assert result.exit_code == 0, result.output
    assert demo_store.exists() and not store_path.exists()
    assert "16 created" in result.output
    assert "Entities" in result.output and "Relationships" in result.output
    assert "We are (home entities): 中山市 (Zhongshan), 中山市外事侨务局" in result.output
    assert "→ 友好城市 sister city of · 城市 City (1): 本拿比 (Burnaby)" in result.output
    assert "→ 联络 liaises with · 社团 Association (1): 香港中山青年协会" in result.output


def test_demo_loads_the_reference_data(store_path: Path) -> None:
    result = run(store_path, "demo")
    assert result.exit_code == 0, result.output
    assert "data/zhongshan" in result.output
    assert "We are (home entities): 中山市" in result.output
    # The editing session, on a scratch copy: the demo's store has none of it.
    assert "now: 巴西驻穗领馆: 总领事 李四 (since 2016-07); before: 张三 (until 2016-06)" in (
        result.output
    )
    assert "$ renmai history 张三" in result.output
    again = run(store_path, "demo")
    assert again.exit_code == 0 and " 0 created, 0 updated" in again.output
    assert run(store_path, "show", "张三").exit_code == 1


def test_progress_bar_for_long_loads(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from renmai.cli import load as load_module

    monkeypatch.setattr(load_module, "PROGRESS_THRESHOLD", 10)
    result = run(store_path, "load", str(BASE))
    assert result.exit_code == 0
    assert "Checking" in result.stderr and "Writing" in result.stderr


def test_export_format_errors_name_the_flag(store_path: Path, tmp_path: Path) -> None:
    """export_format raises a ParameterError about ``fmt``; the command says --format."""
    from renmai.errors import ParameterError
    from renmai.loaders.export import export_format

    with pytest.raises(ParameterError) as raised:
        export_format(tmp_path / "graph.xml", None)
    assert raised.value.param == "fmt" and ": give fmt (json, jsonl, yaml, csv)" in str(
        raised.value
    )
    result = run(store_path, "export", "-o", str(tmp_path / "graph.xml"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot tell the format from 'graph.xml': give --format (json, jsonl, yaml, csv), "
        "or a name ending in .json, .jsonl or .yaml\n"
    )
