"""Other people's lists and mapping files through the command (issue 12 §3, §4):
--skip-invalid, --rejects, --decisions, --mapping, `renmai mapping draft`, the
summary of how names resolved, and the file:line of every pair in show, path
and connect."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from fixtures.loader_helpers import BASE, write
from test_cli_load import run
from test_loaders_office import PLACES, office_workbook

from renmai.graph.sqlite_store import SqliteStore

PAIR_OPTIONS = [
    "--as",
    "SISTER_CITY_OF",
    "--from-column",
    "city",
    "--to-column",
    "partner",
    "--to-country-column",
    "country",
    "--since-column",
    "year",
]
#: Line 3 names 仁川 with no country (two cities have that name), line 4 has
#: no partner; lines 2 and 5 are fine.
LIST = """\
city,partner,country,year
中山市,Burnaby,加拿大,2015
中山市,仁川,,2001
中山市,,日本,1999
中山,Penrith,Atlantis,1998
"""


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "graph.db"
    assert run(path, "load", str(BASE)).exit_code == 0
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_show_path_and_connect_print_the_line_of_a_pair(store_path: Path, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", "city,partner,country,year\n中山市,仁川,韩国,2001\n")
    assert run(store_path, "load", str(pairs), *PAIR_OPTIONS).exit_code == 0
    shown = run(store_path, "show", "incheon")
    assert "[2] line 2" in shown.stdout and "[2] pairs.csv" in shown.stdout
    path = run(store_path, "path", "中山市", "incheon")
    assert path.exit_code == 0, path.output
    assert "line 2" in path.stdout and "pairs.csv" in path.stdout
    rows = run(store_path, "path", "中山市", "incheon", "--csv").stdout
    assert "pairs.csv line 2" in rows
    connect = run(store_path, "connect", "incheon")
    assert connect.exit_code == 0, connect.output
    assert "line 2" in connect.stdout and "pairs.csv" in connect.stdout


def test_without_skip_invalid_nothing_is_loaded(store_path: Path, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", LIST)
    before = store_path.read_bytes()
    result = run(store_path, "load", str(pairs), *PAIR_OPTIONS)
    assert result.exit_code == 1
    assert "2 problem(s); nothing written" in result.stderr
    assert store_path.read_bytes() == before
    assert not (tmp_path / "pairs.rejects.csv").exists()


def test_skip_invalid_writes_the_rejects_and_a_decisions_template(
    store_path: Path, tmp_path: Path
) -> None:
    pairs = write(tmp_path, "pairs.csv", LIST)
    result = run(store_path, "load", str(pairs), *PAIR_OPTIONS, "--skip-invalid")
    assert result.exit_code == 0, result.output
    rejects, decisions = tmp_path / "pairs.rejects.csv", tmp_path / "pairs.decisions.csv"
    assert f"Left out 2 of 4 rows: every one, with its problems, in {rejects}" in result.stdout
    assert f"ambiguous names to decide in {decisions} (then --decisions)" in result.stdout
    assert "Names:" in result.stdout and "new: Penrith" in result.stdout
    assert "rejected: 仁川 → ambiguous" in result.stdout
    assert [r["rejected_from"] for r in _rows(rejects)] == [f"{pairs}:3", f"{pairs}:4"]
    # The person decides, and the next run loads the row from the rejects file.
    template = _rows(decisions)
    assert [(t["text"], t["id"]) for t in template] == [("仁川", "")]
    template[0]["id"] = "incheon"
    with decisions.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(template[0]))
        writer.writeheader()
        writer.writerows(template)
    again = run(
        store_path,
        "load",
        str(rejects),
        *PAIR_OPTIONS,
        "--skip-invalid",
        "--decisions",
        str(decisions),
        "--rejects",
        str(tmp_path / "left.csv"),
    )
    assert again.exit_code == 0, again.output
    assert "by a decision: 仁川 → incheon" in again.stdout
    assert [r["rejected_from"] for r in _rows(tmp_path / "left.csv")] == [f"{rejects}:3"]
    sisters = {r.ends for r in SqliteStore(store_path).relationships("SISTER_CITY_OF")}
    assert ("incheon", "zhongshan") in sisters


def test_a_list_whose_every_row_is_left_out_fails(store_path: Path, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", "city,partner,country,year\n中山市,,日本,1999\n")
    result = run(store_path, "load", str(pairs), *PAIR_OPTIONS, "--skip-invalid")
    assert result.exit_code == 1
    assert "nothing loaded: every one of the 1 rows was left out" in result.stderr
    assert len(_rows(tmp_path / "pairs.rejects.csv")) == 1


def test_rejects_need_skip_invalid(store_path: Path, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", LIST)
    result = run(store_path, "load", str(pairs), *PAIR_OPTIONS, "--rejects", "x.csv")
    assert result.exit_code == 2 and "--rejects needs --skip-invalid" in result.output


def test_mapping_draft_then_load(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    assert run(store, "load", str(write(tmp_path, "places.yaml", PLACES))).exit_code == 0
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    drafted = run(store, "mapping", "draft", str(book))
    assert drafted.exit_code == 0, drafted.output
    assert yaml.safe_load(drafted.stdout)["entities"]["row"]["kind"] == "Association"
    out = tmp_path / "侨团.yaml"
    written = run(store, "mapping", "draft", str(book), "-o", str(out))
    assert written.exit_code == 0 and out.read_text(encoding="utf-8") == drafted.stdout
    assert f"Wrote {out}" in written.stderr
    loaded = run(store, "load", str(book), "--mapping", str(out))
    assert loaded.exit_code == 0, loaded.output
    assert "19 created" in loaded.stdout
    shown = json.loads(run(store, "show", "陈大文", "--json").stdout)
    assert shown["entity"]["kind"] == "Person"


def test_a_bad_mapping_file_is_a_located_user_error(tmp_path: Path) -> None:
    store = tmp_path / "graph.db"
    book = office_workbook(tmp_path / "侨团名录.xlsx")
    bad = write(tmp_path, "bad.yaml", "entities:\n  a:\n    kind: Planet\n    name: 社团名称\n")
    result = run(store, "load", str(book), "--mapping", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3: entities.a.kind: unknown kind 'Planet'" in result.stderr
    both = run(store, "load", str(book), "--mapping", str(bad), *PAIR_OPTIONS)
    assert both.exit_code == 2 and "--mapping and --as" in both.output
