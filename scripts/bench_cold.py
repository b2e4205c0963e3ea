"""Cold processes: the wall time of the real ``renmai`` command (issue 13 §2).

A person at the command line pays for everything a command does from exec to
exit: the interpreter, the imports, opening the store, the query, the output.
Each case here runs ``renmai`` afresh ``runs`` times and keeps the median wall
time, the median CPU time, and each run's peak RSS (``ru_maxrss`` of that child,
from ``wait4``).
Used by ``scripts/bench``; nothing here asserts on time.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Json = dict[str, Any]
RENMAI = Path(sys.executable).with_name("renmai")
ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "zhongshan"
GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Case:
    """One command line to time, and the target it has (seconds, MB or None)."""

    graph: str
    name: str
    args: tuple[str, ...]
    seconds: float | None = None
    rss_mb: float | None = None


def _environment() -> dict[str, str]:
    """The user's environment without a store chosen for them: every case names its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("RENMAI_STORE", "NEO4J_URI")}
    env["PYTHONDONTWRITEBYTECODE"] = "0"
    return env


def run_once(args: Sequence[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS in MB of one
    ``renmai`` process. On a shared machine the wall time carries the wait for
    a core; the CPU time is what the command itself costs.

    The peak RSS is GNU time's (``%M``): a child forked from this process
    inherits its high-water mark across exec, so its own ``ru_maxrss`` would
    report this process's size; ``time`` forks it from a small process."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        process = subprocess.Popen(
            [GNU_TIME, "-f", "%M", "-o", rss.name, str(RENMAI), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=_environment(),
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"renmai {' '.join(args)} failed: {error.strip()}")
        if process.stderr:
            process.stderr.close()
        peak_kib = int(rss.read().split()[-1])
    return seconds, usage.ru_utime + usage.ru_stime, peak_kib / 1024


def measure(case: Case, runs: int, before_each: Any = None) -> Json:
    """The case run ``runs`` times after one untimed run (which fills the page
    cache, as a person's previous command would have)."""
    if before_each:
        before_each(-1)
    run_once(case.args)
    seconds, cpu, rss = [], [], []
    for i in range(runs):
        if before_each:
            before_each(i)
        wall, used, peak = run_once(case.args)
        seconds.append(wall)
        cpu.append(used)
        rss.append(peak)
    return {
        "graph": case.graph,
        "name": case.name,
        "command": "renmai " + " ".join(_shown(case.args)),
        "seconds": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "runs": runs,
        "cpu": statistics.median(cpu),
        "rss_mb": statistics.median(rss),
        "target_s": case.seconds,
        "target_mb": case.rss_mb,
    }


def _shown(args: Sequence[str]) -> list[str]:
    """The command line as the report shows it: store and file paths shortened."""
    shown = []
    for arg in args:
        path = Path(arg)
        shown.append(path.name if path.is_absolute() else arg)
    return shown


def reference_store(work: Path) -> Path:
    """The Zhongshan reference graph, loaded by the real ``renmai load``."""
    store = work / "reference.db"
    if not store.exists():
        run_once(["--store", str(store), "load", str(REFERENCE)])
    return store


def _name_of(data: Path, entity_id: str) -> str:
    with (data / "entities.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["id"] == entity_id:
                return str(record["name"])
    raise KeyError(entity_id)


def cold_runs(
    work: Path, sizes: Sequence[int], data_of: Any, target_of: Any, runs: int
) -> list[Json]:
    """Every cold case: ``--help`` and ``--version``, the reference graph, and
    ``search``/``show``/``connect``/a one-entity load at each size (``data_of(n)``
    the network's folder, ``target_of(n)`` an entity id of it, ``work/graph-N.db``
    the loaded store)."""
    results = [
        measure(Case("—", "--help", ("--help",), seconds=0.3), runs),
        measure(Case("—", "--version", ("--version",), seconds=0.3), runs),
    ]
    reference = str(reference_store(work))
    for case in (
        Case("reference", "search", ("--store", reference, "search", "中山"), seconds=0.5),
        # A Chinese text that is no stored name: its pinyin is computed (pypinyin loads).
        Case("reference", "search (unknown text)", ("--store", reference, "search", "中山侨务")),
        Case("reference", "connect", ("--store", reference, "connect", "以色列"), seconds=0.8),
    ):
        results.append(measure(case, runs))
    for n in sizes:
        store = str(work / f"graph-{n}.db")
        target = target_of(n)
        name = _name_of(data_of(n), target)
        big = n >= 100_000
        label = f"{n // 1000}k" if n % 1000 == 0 else str(n)
        cases = [
            Case(label, "search", ("--store", store, "search", name), seconds=0.6 if big else None),
            Case(label, "show", ("--store", store, "show", target), seconds=0.6 if big else None),
            Case(
                label,
                "connect",
                ("--store", store, "connect", target),
                seconds=1.5 if big else None,
                rss_mb=300 if big else None,
            ),
        ]
        results += [measure(case, runs) for case in cases]
        one = work / f"one-{n}.jsonl"

        def new_entity(i: int, one: Path = one, n: int = n) -> None:
            """A file of one entity not in the store yet, before each run."""
            record = {"id": f"bench-one-{n}-{time.time_ns()}-{i}", "kind": "Person", "name": "新人"}
            one.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")

        load_one = Case(
            label,
            "load a one-entity file",
            ("--store", store, "load", str(one)),
            seconds=0.5 if big else None,
        )
        results.append(measure(load_one, runs, before_each=new_entity))
    return results


def table(results: Sequence[Json]) -> list[str]:
    """The cold-process rows of the report, and how each compares with its target."""
    lines = [
        "| graph | command | wall (median) | min–max | CPU (median) | runs | peak RSS | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        targets = []
        if r["target_s"] is not None:
            held = "holds" if r["seconds"] <= r["target_s"] else "missed"
            targets.append(f"≤ {r['target_s']} s **{held}**")
        if r["target_mb"] is not None:
            held = "holds" if r["rss_mb"] < r["target_mb"] else "missed"
            targets.append(f"< {r['target_mb']} MB **{held}**")
        lines.append(
            f"| {r['graph']} | `{r['command']}` | {r['seconds']:.2f} s | "
            f"{r['min']:.2f}–{r['max']:.2f} s | {r['cpu']:.2f} s | {r['runs']} | "
            f"{r['rss_mb']:,.0f} MB | "
            f"{'; '.join(targets) or '—'} |"
        )
    return lines
