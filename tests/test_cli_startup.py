"""``renmai --help`` and ``--version`` start at once: they import none of the
heavy libraries, and a command imports only what it uses (issue #13 §2).

Checked as the imports a fresh process makes, never as a time (the times are
in docs/benchmarks.md, "CLI start-up")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: What no ``--help`` needs: the Neo4j driver, the graph algorithms, the page
#: renderer, Excel, Chinese conversion and pinyin, fuzzy matching, the models.
HEAVY = ("neo4j", "networkx", "pyvis", "openpyxl", "pypinyin", "zhconv", "rapidfuzz", "pydantic")


def imported_by(*args: str) -> set[str]:
    """The top-level packages a fresh ``renmai ARGS`` process has imported when it ends."""
    script = (
        "import json, sys\n"
        "from renmai.cli import main\n"
        f"sys.argv = ['renmai', *{list(args)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted({m.partition('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


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
