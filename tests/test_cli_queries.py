"""The question commands end to end: search, show, connect, path, neighbors,
common, brokers, coverage, stale and cypher — tables, --json, --csv, --html,
errors — on the reference graph, in the embedded store and in Neo4j."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from query_graphs import ent, load_reference, reference_in_neo4j, rel, write

from renmai.cli import cli
from renmai.graph.sqlite_store import SqliteStore


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "graph.db"
    load_reference(SqliteStore(path))
    return path


@pytest.fixture(scope="module")
def neo4j_reference(neo4j_target: Any) -> Iterator[Any]:
    for _ in reference_in_neo4j(neo4j_target):
        yield neo4j_target


def run(graph: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", str(graph), *args])


def ok(graph: Path, *args: str) -> str:
    result = run(graph, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def as_json(graph: Path, *args: str) -> Any:
    return json.loads(ok(graph, *args, "--json"))


def as_csv(graph: Path, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ok(graph, *args, "--csv"))))


def test_search_table_json_and_csv(graph_file: Path) -> None:
    table = ok(graph_file, "search", "诺华")
    assert table.splitlines()[0].split()[:3] == ["score", "name", "kind"]
    assert "诺华集团" in table.splitlines()[2]
    hits = as_json(graph_file, "search", "Hong Kong Polytechnic")
    assert hits[0]["name"] == "香港理工大学"
    rows = as_csv(graph_file, "search", "中山", "--kind", "社团", "--limit", "3")
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"Association"}


def test_show_lists_fields_sources_and_relationships_by_kind(graph_file: Path) -> None:
    out = ok(graph_file, "show", "河床俱乐部")
    assert out.startswith("河床俱乐部  (机构 Organization, id ")
    assert "Club Atlético River Plate" in out
    assert "位于 LOCATED_IN (1)" in out and "—位于→ 阿根廷" in out
    assert "[1] “十二五”中山外事侨务港澳工作总结" in out
    data = as_json(graph_file, "show", "river-plate")
    assert data["entity"]["name"] == "河床俱乐部"


def test_connect_table_names_contacts_paths_and_sources(graph_file: Path) -> None:
    out = ok(graph_file, "connect", "以色列")
    assert out.startswith("Who can get us to 以色列 and the ")
    assert "from 中山市, 中山市外事侨务局, 中山市港澳事务局 · at most 4 hops" in out
    assert "\n1. " in out
    for name in ("以色列－中国友好协会", "亚太菁英会", "以色列奥睿克资本集团"):
        assert f". {name} (" in out
    assert "中山市外事侨务局 —联络→ 以色列－中国友好协会" in out
    assert "line 43 「" in out  # the source behind the step
    assert "\n[1] “十二五”中山外事侨务港澳工作总结及2016年中山外事侨务港澳工作计划" in out


def test_connect_json_csv_limit_and_from(graph_file: Path) -> None:
    data = as_json(graph_file, "connect", "香港", "--limit", "2", "--paths", "1")
    assert [c["rank"] for c in data["contacts"]] == [1, 2]
    assert all(len(c["paths"]) == 1 for c in data["contacts"])
    assert data["contacts"][0]["score"] >= data["contacts"][1]["score"]
    rows = as_csv(graph_file, "connect", "香港", "--limit", "2", "--paths", "1")
    assert [r["contact"] for r in rows[:2]] == [c["contact"]["name"] for c in data["contacts"]]
    assert rows[0]["path"] == data["contacts"][0]["paths"][0]["text"]
    elsewhere = as_json(graph_file, "connect", "香港", "--from", "burnaby", "--max-hops", "6")
    assert [o["id"] for o in elsewhere["origins"]] == ["burnaby"]
    starts = {p["nodes"][0]["id"] for c in elsewhere["contacts"] for p in c["paths"]}
    assert starts == {"burnaby"}


def test_connect_html_writes_one_page(graph_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "israel.html"
    result = run(graph_file, "connect", "以色列", "--html", str(page))
    assert result.exit_code == 0, result.output
    assert f"Wrote {page}" in result.stderr
    html = page.read_text(encoding="utf-8")
    assert "以色列－中国友好协会" in html and "<html" in html.lower()


def test_keywords(graph_file: Path) -> None:
    out = ok(graph_file, "connect", "football", "--limit", "1")
    assert "“football” — " in out and "\n1. 河床俱乐部 (机构)" in out


def test_weights_change_the_scores(graph_file: Path, tmp_path: Path) -> None:
    weights = tmp_path / "w.yaml"
    weights.write_text("hop_penalty: 0.4\n")
    base = as_json(graph_file, "connect", "阿根廷", "--limit", "1")
    steep = as_json(graph_file, "connect", "阿根廷", "--limit", "1", "--weights", str(weights))
    assert steep["weights"]["hop_penalty"] == 0.4
    assert steep["contacts"][0]["score"] == pytest.approx(base["contacts"][0]["score"] / 2)
    weights.write_text("hop_penalty: 4\n")
    bad = run(graph_file, "connect", "阿根廷", "--weights", str(weights))
    assert bad.exit_code == 1 and "hop_penalty" in bad.stderr and "Traceback" not in bad.output


def test_path_neighbors_common(graph_file: Path, tmp_path: Path) -> None:
    out = ok(graph_file, "path", "中山市外事侨务局", "诺华集团")
    assert out.startswith("中山市外事侨务局 (机构) → 诺华集团 (机构), at most 4 hops")
    assert "\n1.\n" in out
    data = as_json(graph_file, "path", "市外事侨务局", "河床俱乐部")
    assert data["paths"][0]["hops"] == 1
    rows = as_csv(graph_file, "neighbors", "河床俱乐部", "--depth", "2", "--kind", "机构")
    assert rows and {r["kind"] for r in rows} == {"Organization"}
    assert {r["depth"] for r in rows} <= {"1", "2"}
    typed = as_json(graph_file, "neighbors", "中山市", "--type", "签署")
    assert {n["kind"] for n in typed["neighbors"]} == {"Agreement"}
    both = ok(graph_file, "common", "以色列－中国友好协会", "亚太菁英会")
    assert both.startswith("Directly: ")
    assert "中山市与以色列－中国友好协会、亚太菁英会友好合作备忘录" in both
    for command in (
        ["path", "中山市", "澳门"],
        ["neighbors", "澳门"],
        ["common", "中山市", "澳门"],
    ):
        page = tmp_path / f"{command[0]}.html"
        assert run(graph_file, *command, "--html", str(page)).exit_code == 0
        assert page.stat().st_size > 1000


def test_brokers_coverage_stale(graph_file: Path) -> None:
    brokers = as_json(graph_file, "brokers", "--limit", "5")
    assert len(brokers) == 5 and brokers[0]["lost"] >= brokers[-1]["lost"]
    coverage = as_csv(graph_file, "coverage")
    assert {"name", "region", "status", "live_contacts", "last"} <= set(coverage[0])
    gaps = as_json(graph_file, "coverage", "--gaps")
    assert gaps["rows"] and {r["status"] for r in gaps["rows"]} <= {"stale", "undated", "none"}
    regions = as_json(graph_file, "coverage", "--by", "region", "--since", "2014")
    assert regions["since"] == "2014" and {r["name"] for r in regions["rows"]} >= {"东亚", "欧洲"}
    stale = as_json(graph_file, "stale", "--since", "2014", "--ours", "--relationships")
    assert stale and all(r["last"] < "2014" and r["ours"] for r in stale)
    table = ok(graph_file, "stale", "--since", "2014", "--limit", "3", "--relationships")
    assert len(table.splitlines()) == 5
    # Per contact (the default): each entity once, with its last contact and what it was.
    contacts = as_json(graph_file, "stale", "--since", "2014", "--ours")
    assert contacts and all(r["last"] < "2014" and r["what"] for r in contacts)
    assert len({r["id"] for r in contacts}) == len(contacts)
    table = ok(graph_file, "stale", "--since", "2014", "--limit", "3")
    assert len(table.splitlines()) == 5 and table.startswith("last  name")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stale", "--since", "2014-13"], "not a real date"),
        (["stale"], "Missing option '--since'"),
        (["search", "x", "--kind", "Planet"], "not an entity kind"),
        (["neighbors", "河床俱乐部", "--type", "LIKES"], "not a relationship kind"),
        (["connect", "以色列", "--json", "--csv"], "choose one of --json and --csv"),
        (["connect", "以色列", "--max-hops", "0"], "--max-hops"),
    ],
)
def test_usage_errors(graph_file: Path, args: list[str], message: str) -> None:
    result = run(graph_file, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_library_parameters_are_said_as_flags(tmp_path: Path) -> None:
    """connect raises NoOrigin naming its parameter ``origins``; the user reads --from."""
    store = SqliteStore(tmp_path / "g.db")
    write(store, ([ent("a", "Person", "甲"), ent("b", "Person", "乙")], [rel("KNOWS", "a", "b")]))
    result = run(tmp_path / "g.db", "connect", "乙")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no home entities to start from: mark ours with `home: true` in the data, "
        "or say where to start with --from\n"
    )


def test_unknown_and_ambiguous_entities(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "g.db")
    write(
        store,
        (
            [
                ent("zs", "City", "中山市", home=True),
                ent("x1", "Country", "甲国"),
                ent("x2", "Country", "乙国"),
                ent("a1", "Association", "中山同乡会", country="x1"),
                ent("a2", "Association", "中山同乡会", country="x2"),
                ent("p", "Person", "陈先生", phone="+86 760 5555", email="chen@example.org"),
            ],
            [rel("LIAISES_WITH", "zs", "a1"), rel("LIAISES_WITH", "zs", "p")],
        ),
    )
    graph = tmp_path / "g.db"
    ambiguous = run(graph, "connect", "中山同乡会")
    assert ambiguous.exit_code == 1
    assert "could mean any of these; give the id instead" in ambiguous.stderr
    assert "a1 (Association 中山同乡会, x1)" in ambiguous.stderr
    assert "a2 (Association 中山同乡会, x2)" in ambiguous.stderr
    assert "Traceback" not in ambiguous.output
    assert run(graph, "path", "中山市", "中山同乡会").exit_code == 1
    assert ok(graph, "connect", "a1").count("中山同乡会") >= 1
    missing = run(graph, "show", "中山同乡")
    assert missing.exit_code == 1 and "did you mean" in missing.stderr
    # Contact details only when asked for.
    assert "+86" not in ok(graph, "show", "陈先生")
    assert "+86 760 5555" in ok(graph, "show", "陈先生", "--show-contacts")
    assert "+86" not in ok(graph, "connect", "陈先生", "--json")


def test_cypher_on_the_embedded_store_says_how_to_use_neo4j(graph_file: Path) -> None:
    result = run(graph_file, "cypher", "MATCH (n) RETURN count(n)")
    assert result.exit_code == 2
    assert "Cypher needs the Neo4j store" in result.stderr
    assert "--neo4j" in result.stderr and "NEO4J_URI" in result.stderr
    assert str(graph_file) in result.stderr


# -- on Neo4j --------------------------------------------------------------------------------


def neo(target: Any, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv("NEO4J_USERNAME", target.username)
    monkeypatch.setenv("NEO4J_PASSWORD", target.password)
    return CliRunner().invoke(cli, ["--neo4j", target.uri, *args])


@pytest.mark.neo4j
def test_cypher_reads_with_parameters(
    neo4j_reference: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = (
        "MATCH (c:Consulate)-[:REPRESENTS]->(n:Country {name: $country}) "
        "RETURN c.name AS consulate, n.name AS country"
    )
    result = neo(neo4j_reference, monkeypatch, "cypher", query, "--param", "country=巴西", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"consulate": "巴西驻穗领馆", "country": "巴西"}]
    table = neo(neo4j_reference, monkeypatch, "cypher", query, "--param", "country=巴西")
    assert table.stdout.splitlines()[0].split() == ["consulate", "country"]
    counted = neo(
        neo4j_reference,
        monkeypatch,
        "cypher",
        "MATCH (n:Entity) WHERE n.home RETURN n.name AS name ORDER BY name",
        "--csv",
    )
    assert counted.stdout.splitlines()[0] == "name"
    assert "中山市外事侨务局" in counted.stdout


@pytest.mark.neo4j
def test_cypher_is_read_only_unless_write(
    neo4j_reference: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    create = "CREATE (n:Entity:Person {id: 'cypher-test', kind: 'Person', name: '测试'})"
    refused = neo(neo4j_reference, monkeypatch, "cypher", create)
    assert refused.exit_code == 2
    assert "read-only by default" in refused.stderr and "--write" in refused.stderr
    count = "MATCH (n {id: 'cypher-test'}) RETURN count(n) AS n"
    assert json.loads(neo(neo4j_reference, monkeypatch, "cypher", count, "--json").stdout) == [
        {"n": 0}
    ]
    written = neo(neo4j_reference, monkeypatch, "cypher", create, "--write")
    assert written.exit_code == 0, written.output
    assert json.loads(neo(neo4j_reference, monkeypatch, "cypher", count, "--json").stdout) == [
        {"n": 1}
    ]
    gone = neo(
        neo4j_reference, monkeypatch, "cypher", "MATCH (n {id: 'cypher-test'}) DELETE n", "--write"
    )
    assert gone.exit_code == 0
    broken = neo(neo4j_reference, monkeypatch, "cypher", "MATCH (n RETURN n")
    assert broken.exit_code == 2 and "the query failed" in broken.stderr


@pytest.mark.neo4j
def test_the_same_answers_on_neo4j(
    graph_file: Path, neo4j_reference: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (
        ["connect", "以色列", "--json"],
        ["path", "中山市", "诺华集团", "--json"],
        ["neighbors", "河床俱乐部", "--depth", "2", "--csv"],
        ["common", "中山市", "澳门", "--json"],
        ["brokers", "--csv"],
        ["coverage", "--json"],
        ["stale", "--since", "2015", "--csv"],
        ["search", "中山", "--json"],
        ["show", "巴西驻穗领馆", "--json"],
    ):
        there = neo(neo4j_reference, monkeypatch, *args)
        assert there.exit_code == 0, there.output
        assert there.stdout == ok(graph_file, *args), args


def test_every_command_has_help(graph_file: Path) -> None:
    for command in (
        "search",
        "show",
        "connect",
        "path",
        "neighbors",
        "common",
        "brokers",
        "coverage",
        "stale",
        "cypher",
    ):
        text = ok(graph_file, command, "--help")
        assert text.startswith("Usage: ") and f" {command} " in text.splitlines()[0]
