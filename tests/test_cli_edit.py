"""The editing commands (add, link, set, rename, end, unlink, remove, log), history,
agreements and stale, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from fixtures.loader_helpers import BASE

from renmai.cli import cli


def run(store: Path, *args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(cli, ["--store", str(store), *args], input=input)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "graph.db"
    assert run(path, "load", str(BASE), "--note", "the base list").exit_code == 0
    return path


def ok(store: Path, *args: str) -> str:
    result = run(store, *args)
    assert result.exit_code == 0, result.output
    return result.output


def history(store: Path, *args: str) -> Any:
    return json.loads(ok(store, "history", *args, "--json"))


def test_add_link_set_rename_and_their_history(store_path: Path) -> None:
    out = ok(store_path, "add", "人物", "李四", "--field", "country=加拿大", "--note", "met him")
    assert "+ entity li-si (Person 李四)" in out and "2 created, 0 updated, 0 deleted" in out
    assert "+ relationship li-si-[LOCATED_IN]->canada" in out  # its country, implied
    again = run(store_path, "add", "Person", "李四")
    assert again.exit_code == 0 and "nothing to add" in again.output
    out = ok(store_path, "link", "李四", "member-of", "香港中山青年协会", "--since", "2015")
    assert "+ relationship li-si-[MEMBER_OF]->hk-zs-youth" in out
    out = ok(store_path, "set", "李四", "title=会长", "country=")
    assert "    title: — → 会长" in out and "    country: canada → —" in out
    ok(store_path, "rename", "李四", "李斯")
    assert json.loads(ok(store_path, "show", "李四", "--json"))["entity"]["name"] == "李斯"
    changes = history(store_path, "李斯")["changes"]
    assert [c["command"] for c in changes] == ["add", "link", "set", "rename"]
    assert changes[0]["note"] == "met him"
    whole = history(store_path)["changes"]
    assert [c["command"] for c in whole][:1] == ["load"] and whole[0]["note"] == "the base list"


def test_bad_input_is_located_and_writes_nothing(store_path: Path) -> None:
    before = store_path.read_bytes()
    result = run(store_path, "link", "仁川", "SISTER_CITY_OF", "本拿比")
    assert result.exit_code == 1
    assert "link: from: '仁川' could be any of: incheon (City 仁川, korea)" in result.output
    result = run(
        store_path, "add", "Person", "王五", "--field", "nationality=火星", "--field", "x=1"
    )
    assert result.exit_code == 1 and result.output.startswith(
        "Error: 2 problem(s); nothing written"
    )
    result = run(store_path, "end", "zs-fao", "LIAISES_WITH", "hk-zs-youth", "--until", "2016-13")
    assert result.exit_code == 2 and "is not a real date" in result.output
    assert store_path.read_bytes() == before


def test_dry_run_and_json(store_path: Path) -> None:
    before = store_path.read_bytes()
    out = ok(
        store_path,
        "end",
        "中山市外事侨务局",
        "联络",
        "香港中山青年协会",
        "--until",
        "2016-06",
        "--dry-run",
    )
    assert "until: — → 2016-06" in out and out.rstrip().endswith(
        "Dry run, nothing written: 0 created, 1 updated, 0 deleted."
    )
    assert store_path.read_bytes() == before
    data = json.loads(
        ok(
            store_path,
            "end",
            "zs-fao",
            "LIAISES_WITH",
            "hk-zs-youth",
            "--until",
            "2016-06",
            "--json",
        )
    )
    assert data["written"] and data["counts"] == {"created": 0, "updated": 1, "deleted": 0}
    assert data["items"][0]["after"]["until"] == "2016-06"
    shown = ok(store_path, "show", "香港中山青年协会")
    assert "←联络(至2016-06 已结束)— 中山市外事侨务局" in shown


def test_remove_asks_and_without_a_terminal_needs_yes(store_path: Path) -> None:
    before = store_path.read_bytes()
    refused = run(store_path, "remove", "香港中山青年协会")
    assert refused.exit_code == 1
    assert "- relationship zs-fao-[LIAISES_WITH]->hk-zs-youth" in refused.output
    assert "confirm with --yes" in refused.output
    assert store_path.read_bytes() == before
    out = ok(store_path, "remove", "香港中山青年协会", "--yes", "--note", "a mistake")
    assert "0 created, 0 updated, 2 deleted" in out
    assert run(store_path, "show", "香港中山青年协会").exit_code == 1
    gone = history(store_path, "香港中山青年协会")
    assert gone["present"] is False and gone["changes"][-1]["note"] == "a mistake"
    assert "  (removed)" in ok(store_path, "history", "香港中山青年协会").splitlines()[0]


def test_unlink_then_unlink_again(store_path: Path) -> None:
    ok(store_path, "unlink", "本拿比", "SISTER_CITY_OF", "中山市", "--yes")
    again = run(store_path, "unlink", "本拿比", "SISTER_CITY_OF", "中山市", "--yes")
    assert again.exit_code == 1 and "no SISTER_CITY_OF relationship" in again.output


def test_log_then_stale_and_agreements(store_path: Path) -> None:
    def stale_ids() -> list[str]:
        return [r["id"] for r in json.loads(ok(store_path, "stale", "--since", "2016", "--json"))]

    assert "burnaby" in stale_ids()
    relationships = json.loads(
        ok(store_path, "stale", "--since", "2016", "--relationships", "--json")
    )
    assert {r["type"] for r in relationships} == {"SISTER_CITY_OF"}
    out = ok(
        store_path,
        "log",
        "2016-05",
        "本拿比市长来访",
        "--with",
        "中山市",
        "--with",
        "本拿比",
        "--kind",
        "visit",
        "--at",
        "中山市",
    )
    assert "4 created" in out
    assert "burnaby" not in stale_ids()
    again = ok(
        store_path, "log", "2016-05", "本拿比市长来访", "--with", "中山市", "--with", "本拿比"
    )
    assert "Nothing to change" in again
    assert json.loads(ok(store_path, "agreements", "--json")) == []
    bad = run(store_path, "agreements", "--status", "bogus")
    assert bad.exit_code == 1
    assert "Error: --status: 'bogus' is not one of in_force, expired" in bad.output


def test_history_of_nothing_and_of_an_unknown_name(store_path: Path) -> None:
    assert "(no changes)" in ok(store_path, "history", "--since", "2999")
    unknown = run(store_path, "history", "无名氏")
    assert unknown.exit_code == 1 and "no entity named '无名氏'" in unknown.output


@pytest.mark.neo4j
def test_an_edit_and_its_history_on_neo4j(neo4j_store: Any, neo4j_target: Any) -> None:
    env = neo4j_target.cli_env()
    runner = CliRunner()
    assert runner.invoke(cli, ["load", str(BASE)], env=env).exit_code == 0
    ended = runner.invoke(
        cli,
        ["end", "zs-fao", "LIAISES_WITH", "hk-zs-youth", "--until", "2016", "--note", "n"],
        env=env,
    )
    assert ended.exit_code == 0, ended.output
    data = json.loads(runner.invoke(cli, ["history", "hk-zs-youth", "--json"], env=env).output)
    assert [c["command"] for c in data["changes"]] == ["load", "end"]
    assert data["changes"][-1]["note"] == "n"
