"""A JSON store of an earlier renmai version is converted into SQLite on first open.

The files in ``fixtures/stores/`` were written by the JSON store itself, from
the loader tests' base graph: ``graph-v1.json`` before it kept history,
``graph-v1-history.json`` by the last version, which did.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fixtures.loader_helpers import BASE, snapshot
from neo4j import GraphDatabase

from renmai.cli import cli
from renmai.graph.connect import default_store_path, open_store
from renmai.graph.migration import open_file_store
from renmai.graph.names import pinyin_key
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store, StoreError
from renmai.loaders import load
from renmai.queries import search

STORES = Path(__file__).parent / "fixtures" / "stores"
#: Written by the JSON store before it kept history, and by the one that did.
OLD = STORES / "graph-v1.json"
OLD_WITH_HISTORY = STORES / "graph-v1-history.json"


def _graph(store: Store) -> tuple[list[str], list[str]]:
    """Everything a store holds, comparable across stores."""
    return (
        [e.model_dump_json() for e in store.entities()],
        [r.model_dump_json() for r in store.relationships()],
    )


@pytest.fixture
def expected(tmp_path: Path) -> tuple[list[str], list[str]]:
    """The graph the old file holds, as a fresh load of the same data gives it."""
    store = SqliteStore(tmp_path / "expected.db")
    load(store, [BASE])
    return _graph(store)


def test_the_default_store_converts_the_old_default_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: tuple[list[str], list[str]]
) -> None:
    monkeypatch.delenv("RENMAI_STORE", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = tmp_path / "data" / "renmai" / "graph.json"
    old.parent.mkdir(parents=True)
    shutil.copy(OLD, old)
    assert default_store_path() == old.with_suffix(".db")

    store = open_store()
    assert isinstance(store, SqliteStore)
    assert store.path == old.with_suffix(".db")
    assert store.migrated_from == old
    assert _graph(store) == expected
    # The JSON file is kept beside, as it was; it is not read again.
    assert not old.exists()
    assert Path(f"{old}.bak").read_bytes() == OLD.read_bytes()
    again = open_store()
    assert isinstance(again, SqliteStore) and again.migrated_from is None
    assert _graph(again) == expected
    # The name keys came along: lookups by pinyin and by English name work.
    assert [hit.entity.id for hit in search(again, "bennabi")][:1] == ["burnaby"]
    assert [e.id for e in again.find("Burnaby")] == ["burnaby"]


@pytest.mark.parametrize("how", ["RENMAI_STORE", "--store"])
def test_a_store_path_ending_in_json_names_the_database_beside_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    expected: tuple[list[str], list[str]],
) -> None:
    """A setting made for an earlier version keeps naming the same graph: the
    JSON file is converted into ``graph.db`` beside it once, and the same
    setting opens ``graph.db`` from then on."""
    monkeypatch.delenv("NEO4J_URI", raising=False)
    old = tmp_path / "work" / "graph.json"
    old.parent.mkdir()
    shutil.copy(OLD, old)
    if how == "RENMAI_STORE":
        monkeypatch.setenv("RENMAI_STORE", str(old))
        options: list[str] = []
    else:
        monkeypatch.delenv("RENMAI_STORE", raising=False)
        options = ["--store", str(old)]
    database = old.with_suffix(".db")

    first = CliRunner().invoke(cli, [*options, "stats", "--json"])
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [
        f"Note: converted the JSON store {old} of an earlier renmai version into {database}; "
        f"the JSON file is kept as {old}.bak"
    ]
    assert json.loads(first.stdout)["entities"] == {
        "Association": 1,
        "City": 4,
        "Country": 3,
        "Organization": 1,
    }
    assert database.is_file() and not old.exists()
    again = CliRunner().invoke(cli, [*options, "show", "burnaby"])
    assert again.exit_code == 0 and again.stderr == ""
    assert "本拿比" in again.stdout
    assert _graph(SqliteStore(database)) == expected


def test_a_json_store_that_cannot_be_read_is_not_converted_and_not_touched(
    tmp_path: Path,
) -> None:
    old = tmp_path / "graph.json"
    doc = json.loads(OLD.read_text(encoding="utf-8"))
    doc["relationships"].append({"type": "KNOWS", "from": "burnaby", "to": "vanished"})
    old.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    broken = old.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_file_store(old)
    message = str(caught.value)
    assert message.startswith(f"cannot convert store {old}: 1 problem(s), nothing written:")
    assert "no entity" in message or "vanished" in message
    assert message.endswith("The JSON file is unchanged.")
    assert old.read_bytes() == broken
    # Nothing was made beside it: no database, no backup.
    assert not list(tmp_path.glob("graph.db*")) and not Path(f"{old}.bak").exists()

    old.write_bytes(broken[: len(broken) // 2])
    with pytest.raises(StoreError, match=r"it is corrupt or truncated .*unchanged$"):
        open_file_store(old)
    assert not old.with_suffix(".db").exists()


def test_a_conversion_cut_short_before_the_rename_is_finished(tmp_path: Path) -> None:
    """Killed after the database was in place, before the JSON file was renamed:
    the next open sees the database came from that very file and renames it."""
    old = tmp_path / "graph.json"
    shutil.copy(OLD, old)
    open_file_store(old).close()
    shutil.copy(Path(f"{old}.bak"), old)  # as if the rename had not happened
    before = snapshot(old.with_suffix(".db"))
    store = open_file_store(old)
    assert store.migrated_from is None
    assert not old.exists() and Path(f"{old}.bak").read_bytes() == OLD.read_bytes()
    assert snapshot(store) == before


def test_a_json_file_beside_an_existing_database_is_left_alone(tmp_path: Path) -> None:
    """Once the database exists, a JSON file of that name (an export, say) is not
    the store's business: it is neither converted nor moved."""
    database = tmp_path / "graph.db"
    load(SqliteStore(database), [BASE])
    export = tmp_path / "graph.json"
    export.write_bytes(OLD.read_bytes().replace(b"Burnaby", b"Burnaby (exported)"))
    kept = export.read_bytes()
    store = open_file_store(export)
    assert store.path == database and store.migrated_from is None
    assert export.read_bytes() == kept


def test_a_json_store_at_a_database_path_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copy(OLD, path)
    with pytest.raises(StoreError) as caught:
        SqliteStore(path)
    assert str(caught.value) == (
        f"store {path} is a JSON store of an earlier renmai version; give its name ending "
        f"in .json (mv '{path}' '{path}.json') and renmai converts it on first use"
    )
    assert path.read_bytes() == OLD.read_bytes()
    os.rename(path, f"{path}.json")
    converted = open_file_store(f"{path}.json")
    assert converted.path == tmp_path / "store.db"
    assert sum(converted.counts().entities.values()) == 9


def test_the_history_a_json_store_kept_comes_along(tmp_path: Path) -> None:
    """A JSON store of the version that kept history: every record of it is in
    the database, oldest first, then the conversion itself."""
    old = tmp_path / "graph.json"
    shutil.copy(OLD_WITH_HISTORY, old)
    kept = json.loads(OLD_WITH_HISTORY.read_text(encoding="utf-8"))["changes"]
    store = open_file_store(old)
    history = store.history()
    assert [r.to_dict() for r in history[:-1]] == kept
    assert [(r.command, r.note) for r in history] == [
        ("load", None),
        ("add", "met at the expo"),
        ("delete", None),
        ("convert", None),
    ]
    assert history[-1].arguments == str(old)
    assert history[-1].counts["created"] == 9 + 7
    # Indexed by entity like every later change: the visitor's add and delete.
    assert [r.command for r in store.history("visitor")] == ["add", "delete"]
    assert store.get("visitor") is None


def test_a_database_of_the_first_name_keys_gets_its_pinyin_table(tmp_path: Path) -> None:
    # Stores written before the pinyin table existed say names version 1: on
    # first open their keys are made again, and the table filled.
    path = tmp_path / "graph.db"
    store = SqliteStore(path)
    load(store, [BASE])
    store.close()
    db = sqlite3.connect(path)
    keys = sorted(db.execute("SELECT key, entity FROM name_keys"))
    with db:
        db.execute("DROP TABLE pinyin")
        db.execute("UPDATE meta SET value = 1 WHERE name = 'names'")
    db.close()
    store = SqliteStore(path)
    hits = [(h.entity.id, h.score, h.how) for h in search(store, "中山")]
    store.close()
    db = sqlite3.connect(path)
    assert sorted(db.execute("SELECT key, entity FROM name_keys")) == keys
    kept = dict(db.execute("SELECT text, key FROM pinyin"))
    db.close()
    assert kept and all(kept[text] == pinyin_key(text) for text in kept)
    assert hits and hits == [
        (h.entity.id, h.score, h.how) for h in search(open_store(path), "中山")
    ]


@pytest.mark.neo4j
def test_a_neo4j_database_without_the_name_key_index_gets_it_and_its_terms(
    neo4j_store: Store, neo4j_target: Any, reopen: Callable[[Store], Store]
) -> None:
    # Databases written before the name-key index: no index, no terms on the
    # nodes. The next open makes both, and names are found again.
    from renmai.graph.neo4j_store import KEYS_INDEX, Neo4jStore

    assert isinstance(neo4j_store, Neo4jStore)
    load(neo4j_store, [BASE])
    expected = {n: [e.id for e in neo4j_store.find(n)] for n in ("中山市", "bennabi", "Burnaby")}
    assert all(expected.values())
    auth = (neo4j_target.username, neo4j_target.password)
    with GraphDatabase.driver(neo4j_target.uri, auth=auth) as driver:
        driver.execute_query(f"DROP INDEX {KEYS_INDEX}")
        driver.execute_query("MATCH (n:Entity) REMOVE n._terms")
    again = reopen(neo4j_store)
    assert {n: [e.id for e in again.find(n)] for n in expected} == expected
    left = neo4j_store.run_cypher("MATCH (n:Entity) WHERE n._terms IS NULL RETURN count(n) AS c")
    assert left == (["c"], [[0]])
