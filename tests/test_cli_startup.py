"""``renmai --help`` and ``--version`` start at once: they import none of the
heavy libraries, and a command imports only what it uses (issue #13 §2).

Checked as the imports a fresh process makes, never as a time (the times are
in docs/benchmarks.md, "CLI start-up")."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

#: What no ``--help`` needs: the Neo4j driver, the graph algorithms, the page
#: renderer, Excel, Chinese conversion and pinyin, fuzzy matching, the models.
HEAVY = ("neo4j", "networkx", "pyvis", "openpyxl", "pypinyin", "zhconv", "rapidfuzz", "pydantic")


def renmai(*args: str) -> subprocess.CompletedProcess[str]:
    """A fresh ``renmai ARGS`` process; its last line of stderr lists the
    top-level packages it had imported when it ended."""
    script = (
        "import json, sys\n"
        "from renmai.cli import main\n"
        f"sys.argv = ['renmai', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    status = exit.code\n"
        "print(json.dumps(sorted({m.partition('.')[0] for m in sys.modules})), file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )


def imported_by(*args: str) -> set[str]:
    """The top-level packages a fresh ``renmai ARGS`` process has imported when it ends."""
    return set(json.loads(renmai(*args).stderr.splitlines()[-1]))


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_nothing_heavy(args: list[str]) -> None:
    imported = imported_by(*args)
    assert "click" in imported  # the check sees the imports at all
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_a_command_imports_what_it_uses(tmp_path: Path) -> None:
    """A question on the embedded store needs no driver, no page and no Excel,
    and only the whole-graph questions need networkx."""
    store = tmp_path / "g.json"
    imported = imported_by("--store", str(store), "search", "中山")
    assert {"pypinyin", "rapidfuzz"} <= imported  # it did search
    assert not imported & {"neo4j", "pyvis", "openpyxl", "networkx"}
    assert "networkx" in imported_by("--store", str(store), "brokers")
    assert "pyvis" in imported_by("--store", str(store), "viz", "-o", str(tmp_path / "g.html"))


def test_a_search_for_a_name_the_store_holds_reads_its_pinyin_from_the_store(
    tmp_path: Path,
) -> None:
    """The store keeps the pinyin key of every Chinese name it holds: a search
    for one of them loads no pinyin dictionary, and answers as if it had."""
    store = tmp_path / "g.db"
    reference = Path(__file__).resolve().parent.parent / "data" / "zhongshan"
    renmai("--store", str(store), "load", str(reference))
    imported = imported_by("--store", str(store), "search", "中山", "--json")
    assert "rapidfuzz" in imported  # it did search
    assert not imported & {"pypinyin", "pkg_resources", "openpyxl", "networkx"}
    # Resolving a question's target reads it the same way.
    assert "pypinyin" not in imported_by("--store", str(store), "connect", "以色列")

    def answer() -> str:
        return renmai("--store", str(store), "search", "中山", "--json").stdout

    kept = answer()
    db = sqlite3.connect(store)
    with db:
        db.execute("DELETE FROM pinyin")
    db.close()
    assert "中山" in kept and kept == answer()  # computed by pypinyin this time


def test_a_load_of_json_lines_imports_no_excel(tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "one", "kind": "Person", "name": "Lee"}\n', encoding="utf-8")
    imported = imported_by("--store", str(tmp_path / "g.db"), "load", str(one))
    assert "pydantic" in imported  # it did load
    assert not imported & {"openpyxl", "pypinyin", "pkg_resources", "networkx"}
