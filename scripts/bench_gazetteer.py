#!/usr/bin/env python3
"""What the gazetteer costs a command: ``scripts/bench_gazetteer.py [--runs N] [--build]``.

Each run is a fresh Python process that imports what every resolving command
imports anyway (the graph model and name keys), then times the gazetteer's
part of resolving one city, one country and two cities in a division ('Portland,
Oregon', 'Perth, Western Australia'): importing the module, opening the index, and
the four lookups ("cold, index already built"). ``--build`` also
times building the index from the packages into a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_RUN = """
import json, time
import renmai.graph.model, renmai.graph.names
renmai.graph.names.name_key("檀香山")  # zhconv's table: paid by any Chinese name
start = time.perf_counter()
from renmai.graph.gazetteer import open_gazetteer
gaz = open_gazetteer()
opened = time.perf_counter()
city = gaz.city("Honolulu")
country = gaz.country("土耳其")
divisions = [gaz.city("Portland, Oregon"), gaz.city("Perth, Western Australia")]
done = time.perf_counter()
assert city is not None and country is not None and None not in divisions
print(json.dumps({"open": opened - start, "lookup": done - opened, "total": done - start}))
"""


def _run(code: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--build", action="store_true", help="also time an index build")
    args = parser.parse_args()
    _run(_RUN)  # builds the index if it is not there yet
    runs = [_run(_RUN) for _ in range(args.runs)]
    for key in ("open", "lookup", "total"):
        values = sorted(r[key] for r in runs)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        median = statistics.median(values) * 1000
        print(f"{key:7} median {median:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
    if args.build:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            code = (
                "from pathlib import Path; from renmai.graph.gazetteer import build_index; "
                f"build_index(Path({str(Path(tmp) / 'g.sqlite')!r}))"
            )
            subprocess.run([sys.executable, "-c", code], check=True)
            size = (Path(tmp) / "g.sqlite").stat().st_size
            print(f"build   {time.perf_counter() - start:7.1f} s    index {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
