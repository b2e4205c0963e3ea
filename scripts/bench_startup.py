#!/usr/bin/env python3
"""How fast the ``renmai`` command starts: ``scripts/bench_startup.py [--runs N] [--tree DIR]``.

Each run is a fresh process of the installed entry point (``.venv/bin/renmai
--help`` and ``--version``), timed wall clock; prints the median and the
fastest run, and the heavy libraries a ``--help`` process imported. With
``--tree DIR`` it starts the CLI from another checkout instead (e.g. a git
worktree of an older commit), for a before/after comparison.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

HEAVY = ("neo4j", "networkx", "pyvis", "openpyxl", "pypinyin", "zhconv", "rapidfuzz", "pydantic")


def command(args: list[str], tree: str | None) -> list[str]:
    if tree is None:
        renmai = shutil.which("renmai") or f"{sys.prefix}/bin/renmai"
        return [renmai, *args]
    code = (
        f"import sys; sys.path.insert(0, {tree!r}); sys.argv = ['renmai', *{args!r}]\n"
        "from renmai.cli import main\nmain()"
    )
    return [sys.executable, "-c", code]


def wall_times(args: list[str], runs: int, tree: str | None) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command(args, tree), capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def heavy_imports(tree: str | None) -> list[str]:
    path = f"sys.path.insert(0, {tree!r}); " if tree else ""
    code = (
        f"import sys; {path}sys.argv = ['renmai', '--help']\n"
        "from renmai.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stderr.splitlines()[-1].split() if done.stderr.strip() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--tree", default=None, help="start the CLI from this checkout")
    options = parser.parse_args()
    for args in (["--help"], ["--version"]):
        times = wall_times(args, options.runs, options.tree)
        print(
            f"renmai {' '.join(args)}: median {statistics.median(times):.3f} s, "
            f"fastest {min(times):.3f} s ({options.runs} runs)"
        )
    print("heavy libraries --help imports:", " ".join(heavy_imports(options.tree)) or "none")


if __name__ == "__main__":
    main()
