"""``renmai backup``: a whole copy of the embedded store, made while it is in use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from fixtures.loader_helpers import BASE, snapshot

from renmai.cli import cli
from renmai.graph.model import Entity
from renmai.graph.sqlite_store import SqliteStore
from renmai.loaders import load

#: Writes one entity after another until killed, from a process of its own.
WRITER = """
import sys
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.model import Entity
store = SqliteStore(sys.argv[1])
i = 0
while True:
    store.write([Entity(id=f"w-{i:05d}", kind="Person", name=f"写手{i}")], [])
    i += 1
    if i == 20:
        print("writing", flush=True)
"""


def test_backup_is_a_store_holding_what_the_store_holds(tmp_path: Path) -> None:
    store_path = tmp_path / "graph.db"
    load(SqliteStore(store_path), [BASE])
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["--store", str(store_path), "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Backed up {store_path} to {target}: 9 entities, 7 relationships.\n")
    assert snapshot(target) == snapshot(store_path)
    # The copy is a store of its own: written to, the original does not change.
    before = snapshot(store_path)
    SqliteStore(target).write([Entity(id="only-in-copy", kind="Person", name="副本")], [])
    assert snapshot(store_path) == before
    assert SqliteStore(target).get("only-in-copy") is not None


def test_backup_does_not_replace_a_file_unless_forced(tmp_path: Path) -> None:
    store_path = tmp_path / "graph.db"
    load(SqliteStore(store_path), [BASE])
    target = tmp_path / "copy.db"
    target.write_text("mine", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["--store", str(store_path), "backup", str(target)])
    assert refused.exit_code == 2
    assert f"{target} exists; give --force to replace it" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    forced = CliRunner().invoke(cli, ["--store", str(store_path), "backup", "--force", str(target)])
    assert forced.exit_code == 0, forced.output
    assert snapshot(target) == snapshot(store_path)
    itself = CliRunner().invoke(cli, ["--store", str(store_path), "backup", str(store_path)])
    assert itself.exit_code == 1
    assert f"backup target {store_path} is the store itself" in itself.stderr


def test_backup_while_another_process_writes_is_one_whole_state(tmp_path: Path) -> None:
    store_path = tmp_path / "graph.db"
    SqliteStore(store_path).write([Entity(id="first", kind="Person", name="第一")], [])
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
        copies = [tmp_path / f"copy-{n}.db" for n in range(3)]
        for copy in copies:
            SqliteStore(store_path).backup(copy)
    finally:
        writer.kill()
        writer.wait()
    for copy in copies:
        ids = sorted(e.id for e in SqliteStore(copy).entities())
        # Whole writes only: "first", then w-00000 … w-N without a gap.
        assert ids == ["first", *(f"w-{i:05d}" for i in range(len(ids) - 1))]
        assert len(ids) > 20
