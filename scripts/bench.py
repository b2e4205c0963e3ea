#!/usr/bin/env python3
"""Benchmarks of renmai at scale (issue 6); run it as ``scripts/bench``.

    scripts/bench --quick            # small sizes, < 2 min with its own Neo4j start
    scripts/bench                    # 10k and 100k entities (~5 relationships each)
    scripts/bench --sizes 10000 --runs 5 --no-browser --output /tmp/b.md

For each size it generates a synthetic network (``renmai generate``, seed 1)
and measures, each as the median of ``--runs`` runs:

* load throughput into the embedded store and into Neo4j through the real
  loader (``renmai.loaders.load``: read, resolve, check, one ``Store.write``);
* in the same run, on a sample of the same data, a naive loader that writes one
  row per Neo4j transaction, and the ratio of the two;
* the time to open the embedded store;
* ``connect``, ``path`` and ``neighbors`` latency, p50 and p95, over a fixed
  random sample of targets, on both stores (after a warm-up; the first
  ``connect`` of a fresh process is reported apart, as "cold");
* rendering time and file size of a ``viz`` page at 1k and 3k nodes, and the
  time until it is laid out and interactive in headless Chromium;
* peak RSS of each: every measurement runs in its own subprocess, which
  reports its peak RSS (``VmHWM``); Neo4j's own peak is the server's.

The results go into ``docs/benchmarks.md`` between the ``bench:begin`` and
``bench:end`` markers (the rest of the file, the analysis, is kept); with
``--quick`` they are printed and written only where ``--output`` says. Neo4j is
started from ``scripts/neo4j_server.py`` as the tests start it, unless
``--neo4j-uri`` names a server (whose data is deleted!) or ``--no-neo4j``.
Nothing here asserts on time: the tests never do.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import bench_cold  # scripts/, beside this file
from chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
SEED = 1
HOME_OFFICE = "organization-000000"  # the generator's home office, where paths start

Json = dict[str, Any]


@dataclass(frozen=True)
class Config:
    sizes: tuple[int, ...] = (10_000, 100_000)
    runs: int = 3
    #: Runs of the Neo4j load (None: ``runs``).
    neo4j_runs: int | None = None
    #: Targets in the fixed random sample of each query, and passes over it.
    targets: int = 20
    passes: int = 2
    #: Countries asked about in the "connect to a country" row (the largest first).
    countries: int = 3
    #: Rows of each kind the naive one-row-per-transaction loader writes.
    naive_rows: int = 1000
    viz_sizes: tuple[int, ...] = (1000, 3000)
    #: "network": the whole graph of a generated network; "fixture": the viz tests' graph.
    viz_sources: tuple[str, ...] = ("network", "fixture")
    viz_runs: int = 3
    neo4j: bool = True
    neo4j_uri: str | None = None
    browser: bool = True
    quick: bool = False
    heap: str = "2g"
    pagecache: str = "1g"
    output: Path | None = DEFAULT_OUTPUT
    work: Path | None = None
    #: Runs of each cold-process case (the real ``renmai`` command); 0: none.
    cold_runs: int = 5
    #: The stores measured ("embedded", "neo4j"); ``--neo4j-only`` leaves one.
    stores: tuple[str, ...] = ("embedded", "neo4j")
    #: Address-space limit of the embedded store's workers (``--million``): a
    #: store that cannot work within it is reported as where it stops.
    embedded_memory: str | None = None
    #: Runs of a whole fresh ``renmai connect`` process (start-up included).
    cli_runs: int = 3
    #: Load the data in parts of this many entities (None: one load).
    load_parts: int | None = None


QUICK = Config(
    sizes=(1000,),
    runs=3,
    neo4j_runs=2,
    targets=8,
    passes=1,
    countries=2,
    naive_rows=50,
    viz_sizes=(3000,),
    viz_sources=("network",),
    viz_runs=1,
    quick=True,
    cold_runs=3,
    heap="1g",
    pagecache="256m",
    output=None,
)

#: ``--million``: 1M entities (about 5M relationships), run once. The server
#: gets room for the graph; the embedded store a limit, so that it stops with
#: an error rather than take the shared machine's memory.
MILLION = Config(
    sizes=(1_000_000,),
    runs=1,
    targets=20,
    passes=2,
    naive_rows=1000,
    viz_sizes=(),
    heap="3g",
    pagecache="3g",
    output=None,
    embedded_memory="6g",
    cli_runs=2,
    cold_runs=0,
    load_parts=100_000,
)


# ---------------------------------------------------------------------------------------------
# Workers: each measurement in a fresh process, which reports its own peak RSS.
# ---------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM, which starts afresh at exec. (ru_maxrss
    does not: a worker would report the bench process's own size when that is
    larger.)"""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    # Elsewhere: ru_maxrss, in KiB on Linux and bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _created(summary: Any, section: str) -> int:
    return sum(c["created"] for c in getattr(summary, section).values())


def _neo4j_store(args: Json) -> Any:
    from renmai.graph.neo4j_store import Neo4jStore

    return Neo4jStore(args["uri"], username=args["username"], password=args["password"])


def _open(args: Json) -> Any:
    if args["store"] == "neo4j":
        return _neo4j_store(args)
    from renmai.graph.sqlite_store import SqliteStore

    return SqliteStore(args["path"])


def work_load(args: Json) -> Json:
    """The real loader, into an empty store."""
    from renmai.loaders import load

    if args["store"] == "neo4j":
        store = _neo4j_store(args)
        store.clear()
    else:
        from renmai.graph.sqlite_store import SqliteStore

        path = Path(args["path"])
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        store = SqliteStore(path)
    parts = args.get("parts") or [args["data"]]
    created = {"entities": 0, "relationships": 0}
    start = time.perf_counter()
    for part in parts:
        # Only the counts are kept: a report holds its load's records, and
        # keeping every part's held a whole 1M network (the growth part to
        # part that stopped the embedded store on its 6 GB limit).
        summary = load(store, [part]).summary
        for section in created:
            created[section] += _created(summary, section)
    seconds = time.perf_counter() - start
    store.close()
    return {"seconds": seconds, **created, "parts": len(parts)}


def split_load(data: Path, entities: int) -> list[str]:
    """The network's two files in parts, loaded one after the other: each
    part ``entities`` entities, or five times as many relationships (the
    entities first, so that every relationship finds its ends stored). The
    loader checks a whole load in memory; parts keep a 1M load within a few
    GB. Written once, beside the data."""
    parts = data.with_name(f"{data.name}-parts-{entities}")
    if not parts.exists():
        building = parts.with_name(parts.name + ".tmp")
        shutil.rmtree(building, ignore_errors=True)
        for name, size in (("entities", entities), ("relationships", 5 * entities)):
            with (data / f"{name}.jsonl").open(encoding="utf-8") as lines:
                for number in itertools.count():
                    chunk = list(itertools.islice(lines, size))
                    if not chunk:
                        break
                    folder = building / f"{name}-{number:03d}"
                    folder.mkdir(parents=True)
                    (folder / f"{name}.jsonl").write_text("".join(chunk), encoding="utf-8")
        building.rename(parts)
    return [str(p) for p in sorted(parts.iterdir(), key=lambda p: (p.name[0] != "e", p.name))]


def work_open(args: Json) -> Json:
    from renmai.graph.sqlite_store import SqliteStore

    start = time.perf_counter()
    store = SqliteStore(args["path"])
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "entities": sum(store.counts().entities.values())}


def _records(path: Path) -> Iterator[Json]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _entity_of(record: Json) -> Any:
    """An entity straight from a generated record (fields as the loader maps them)."""
    from renmai.graph.model import Entity

    core = {"id", "kind", "name", "name_en", "aliases", "tags", "description", "home", "sources"}
    fields = {k: v for k, v in record.items() if k in core}
    return Entity(**fields, properties={k: v for k, v in record.items() if k not in core})


def work_naive(args: Json) -> Json:
    """One row per transaction: the same statements and rows as Neo4jStore.write, but
    each in its own managed transaction, on a random sample of the data."""
    from renmai.graph.model import Relationship
    from renmai.graph.neo4j_store import label, node_properties, rel_type, relationship_properties

    data = Path(args["data"])
    rng = random.Random(args["seed"])
    core = {"type", "from", "to", "key", "since", "until", "sources"}
    path = data / "relationships.jsonl"
    with path.open(encoding="utf-8") as fh:
        count = sum(1 for _ in fh)
    # The same sample as of the list of them all, without holding them all (1M).
    chosen = rng.sample(range(count), min(args["rows"], count))
    wanted = set(chosen)
    picked: dict[int, Json] = {}
    for number, record in enumerate(_records(path)):
        if number in wanted:
            picked[number] = record
    sample = [
        Relationship.model_validate(
            {
                **{k: v for k, v in r.items() if k in core},
                "properties": {k: v for k, v in r.items() if k not in core},
            }
        )
        for r in (picked[i] for i in chosen)
    ]
    ends = {end for rel in sample for end in rel.ends}
    entities = [_entity_of(r) for r in _records(data / "entities.jsonl") if r["id"] in ends]
    entities = rng.sample(entities, len(entities))[: max(args["rows"], 1)]
    written = {e.id for e in entities}
    sample = [r for r in sample if r.from_id in written and r.to_id in written]

    store = _neo4j_store(args)
    store.clear()
    driver = store._driver

    def one(cypher: str, params: Json) -> None:
        with driver.session(database=store.database) as session:
            session.execute_write(lambda tx: tx.run(cypher, params).consume())

    start = time.perf_counter()
    for entity in entities:
        cypher = f"MERGE (n:Entity {{id: $id}}) SET n = $props, n:{label(entity.kind)}"
        one(cypher, {"id": entity.id, "props": node_properties(entity)})
    entity_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for rel in sample:
        cypher = (
            "MATCH (a:Entity {id: $from}) MATCH (b:Entity {id: $to}) "
            f"MERGE (a)-[r:{rel_type(rel.type)} {{key: $key}}]->(b) SET r = $props"
        )
        params = {"from": rel.from_id, "to": rel.to_id, "key": rel.key}
        one(cypher, {**params, "props": relationship_properties(rel)})
    rel_seconds = time.perf_counter() - start
    store.clear()
    store.close()
    return {
        "entities": len(entities),
        "entity_seconds": entity_seconds,
        "relationships": len(sample),
        "relationship_seconds": rel_seconds,
    }


def _timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def work_queries(args: Json) -> Json:
    """connect / path / neighbors over fixed samples; the first connect is "cold"."""
    from renmai.queries import connect, neighbors, path

    opened = time.perf_counter()
    store = _open(args)
    first = store.get(args["targets"][0])
    assert first is not None, "the generated network was not loaded"
    # Cold: what a fresh `renmai connect` process pays: the first query (and the open).
    cold = _timed(lambda: connect(store, first))
    cold_with_open = (time.perf_counter() - opened) * 1000
    found = store.get_many(args["targets"])
    sample = [found[i] for i in args["targets"] if i in found]
    found = store.get_many(args["countries"])
    countries = [found[i] for i in args["countries"] if i in found]
    office = store.get(HOME_OFFICE)
    assert office is not None
    for target in store.get_many(args["warmup"]).values():
        connect(store, target)
        path(store, office, target)
        neighbors(store, target)
    kinds: dict[str, Callable[[Any], Any]] = {
        "connect": lambda t: connect(store, t),
        "connect to a country": lambda t: connect(store, t),
        "path": lambda t: path(store, office, t),
        "neighbors": lambda t: neighbors(store, t),
    }
    results: Json = {}
    for name, query in kinds.items():
        chosen = countries if name == "connect to a country" else sample
        passes = [
            [_timed(lambda q=query, t=t: q(t)) for t in chosen] for _ in range(args["passes"])
        ]
        results[name] = passes
    store.close()
    return {"cold_ms": cold, "cold_with_open_ms": cold_with_open, "latencies": results}


def work_viz(args: Json) -> Json:
    """A page of ``n`` nodes: the whole graph of a generated network (about five
    relationships per entity), or the viz tests' synthetic subgraph (about 1.6)."""
    from renmai.viz import write_html

    tmp = Path(tempfile.mkdtemp(prefix="renmai-bench-viz-"))
    try:
        if args["source"] == "fixture":
            sys.path.insert(0, str(ROOT / "tests"))
            from viz_fixtures import synthetic

            sub = synthetic(args["n"])
        else:
            from renmai.graph.sqlite_store import SqliteStore
            from renmai.loaders import load
            from renmai.loaders.synthetic import write_network
            from renmai.viz.select import whole_graph

            write_network(tmp / "data", args["n"], args["seed"])
            store = SqliteStore(tmp / "graph.db")
            load(store, [tmp / "data"])
            sub = whole_graph(store)
        page = tmp / "page.html"
        renders = []
        for _ in range(args["runs"]):
            start = time.perf_counter()
            write_html(sub, page)
            renders.append(time.perf_counter() - start)
        result: Json = {
            "nodes": len(sub.entities),
            "edges": len(sub.relationships),
            "render_s": statistics.median(renders),
            "bytes": page.stat().st_size,
        }
        if args["browser"]:
            result["browser_s"] = _browser_ready(page, args["runs"])
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _browser_ready(page_path: Path, runs: int) -> float | None:
    """Seconds from navigation until the page says it is ready (laid out,
    interactive), as tests/test_viz_browser.py measures it; median of runs."""
    if not CHROMIUM.exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    profile = tempfile.mkdtemp(prefix="renmai-bench-chromium-")
    times = []
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=str(CHROMIUM),
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1400, "height": 900},
            )
            try:
                for _ in range(runs):
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(page_path.resolve().as_uri())
                    page.wait_for_function(
                        "() => window.renmai && window.renmai.ready", polling=50, timeout=120_000
                    )
                    times.append(time.perf_counter() - start)
                    page.close()
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return statistics.median(times)


WORKERS: dict[str, Callable[[Json], Json]] = {
    "load": work_load,
    "open": work_open,
    "naive": work_naive,
    "queries": work_queries,
    "viz": work_viz,
}


def worker_main(task: str, raw: str) -> int:
    result = WORKERS[task](json.loads(raw))
    result["rss_mb"] = _peak_rss_mb()
    print(json.dumps(result))
    return 0


def _limit_memory(limit: str) -> Callable[[], None]:
    """A pre-exec hook capping the worker's address space at ``limit`` ("6g")."""
    size = int(float(limit[:-1]) * 1024 ** "kmg".index(limit[-1].lower()) * 1024)

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return apply


def run_worker(task: str, args: Json, timeout: float = 3600, *, memory: str | None = None) -> Json:
    """Run one measurement in a fresh Python process; its last stdout line is the
    result. ``memory`` caps its address space (a MemoryError is its failure)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", task, json.dumps(args)]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            preexec_fn=_limit_memory(memory) if memory else None,
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"bench worker {task} failed: no result in {timeout:.0f} s") from None
    if done.returncode != 0:
        # The last lines say why (a traceback ends with its error).
        lines = [line for line in done.stderr.splitlines() if line.strip()] or ["(no output)"]
        raise RuntimeError(f"bench worker {task} failed: {lines[-1]}\n" + "\n".join(lines[-40:]))
    result: Json = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 1))
    return float(ordered[int(rank) - 1])


@dataclass
class Neo4jTarget:
    uri: str
    username: str
    password: str
    server: Any = None
    version: str = ""

    def args(self) -> Json:
        return {"uri": self.uri, "username": self.username, "password": self.password}

    def peak_rss_mb(self) -> float | None:
        pid = getattr(self.server, "pid", None)
        if pid is None:
            return None
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None


class Neo4jStarter:
    """Starts the project's Neo4j test server in a thread, so that other work
    can go on while the JVM comes up. The thread lives until :meth:`stop`: the
    server is started with ``die_with_parent``, which ties the JVM to the
    thread that started it."""

    def __init__(self, config: Config, given: Neo4jTarget | None = None) -> None:
        self.config = config
        self.target = given
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._ready = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        if given is not None:
            self._ready.set()

    def begin(self) -> Neo4jStarter:
        if self.target is None:
            self._thread.start()
        return self

    def _serve(self) -> None:
        start = time.perf_counter()
        server = None
        try:
            import neo4j_server  # scripts/, beside this file

            server = neo4j_server.Neo4jServer(
                heap_initial=self.config.heap,
                heap_max=self.config.heap,
                pagecache=self.config.pagecache,
            )
            server.start()
            self.target = Neo4jTarget(
                server.uri, server.username, server.password, server, neo4j_server.neo4j_version()
            )
        except BaseException as exc:  # reported by wait()
            self.error = exc
        self.seconds = time.perf_counter() - start
        self._ready.set()
        self._done.wait()
        if server is not None:
            server.stop()

    def wait(self) -> Neo4jTarget:
        self._ready.wait()
        if self.error is not None or self.target is None:
            raise RuntimeError(f"could not start Neo4j: {self.error}")
        return self.target

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()


@dataclass
class Results:
    config: Config
    started: str
    command: str
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    neo4j_version: str = ""
    neo4j_start_s: float | None = None
    neo4j_peak_mb: float | None = None
    loads: list[Json] = field(default_factory=list)
    naive: list[Json] = field(default_factory=list)
    opens: list[Json] = field(default_factory=list)
    queries: list[Json] = field(default_factory=list)
    viz: list[Json] = field(default_factory=list)
    cold: list[Json] = field(default_factory=list)
    #: Measurements that could not complete (the embedded store at 1M), and why.
    stopped: list[Json] = field(default_factory=list)
    #: Where the tables measured so far are written after each measurement.
    so_far: Path | None = None
    #: The run was interrupted (Ctrl-C): the tables hold what was measured.
    interrupted: bool = False
    #: Whole fresh ``renmai connect`` processes: wall seconds, start-up included.
    cli: list[Json] = field(default_factory=list)
    seconds: float = 0.0


def measured(results: Results) -> None:
    """Write the tables measured so far: a long run that fails or is stopped
    late keeps what it measured."""
    if results.so_far is not None:
        results.load_after = os.getloadavg()
        results.so_far.write_text(report(results) + "\n", encoding="utf-8")


def _stopped(results: Results, n: int, store: str, exc: RuntimeError) -> None:
    """Note a measurement that could not complete, and go on with the next."""
    say(f"{n}: the {store} store stopped: {str(exc).splitlines()[0]}")
    results.stopped.append({"size": n, "store": store, "error": str(exc)})
    measured(results)


def _sample_ids(data: Path, count: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """Fixed random samples: query targets, warm-up targets, countries."""
    entities = list(_records(data / "entities.jsonl"))
    candidates = sorted(e["id"] for e in entities if not e.get("home"))
    rng = random.Random(seed)
    chosen = rng.sample(candidates, min(len(candidates), count + 3))
    countries = sorted(e["id"] for e in entities if e["kind"] == "Country" and not e.get("home"))
    # The largest diaspora countries first (the generator ranks them by Zipf weight).
    return chosen[:count], chosen[count:], countries


def bench_embedded(
    n: int, config: Config, data: Path, store_path: Path, results: Results, query_args: Json
) -> None:
    """Load, open and query the embedded store (within ``config.embedded_memory``)."""
    store_args = {"store": "embedded", "path": str(store_path), "data": str(data)}
    memory = config.embedded_memory
    say(f"{n}: embedded load x{config.runs}")
    # In the same parts as the Neo4j load: the store is measured, not the
    # loader's check of a whole 1M network held at once.
    parts = split_load(data, config.load_parts) if config.load_parts else None
    load_args = {**store_args, "parts": parts}
    runs = [run_worker("load", load_args, memory=memory) for _ in range(config.runs)]
    results.loads.append({"size": n, "store": "embedded", "runs": runs})
    measured(results)
    say(f"{n}: embedded open x{config.runs}")
    opens = [
        run_worker("open", {"path": str(store_path)}, memory=memory)
        for _ in range(max(config.runs, 3))
    ]
    results.opens.append({"size": n, "runs": opens})
    measured(results)
    say(f"{n}: embedded queries")
    results.queries.append(
        {
            "size": n,
            "store": "embedded",
            **run_worker("queries", {**store_args, **query_args}, memory=memory),
        }
    )
    measured(results)


def bench_size(
    n: int, config: Config, work: Path, results: Results, neo4j: Neo4jStarter | None
) -> None:
    from renmai.loaders.synthetic import write_network

    data = work / f"network-{n}"
    if not (data / "relationships.jsonl").exists():
        say(f"{n}: generating the network")
        write_network(data, n, SEED)
    store_path = work / f"graph-{n}.db"
    targets, warmup, countries = _sample_ids(data, config.targets, SEED)
    countries = countries[: config.countries]

    query_args = {
        "targets": targets,
        "warmup": warmup,
        "countries": countries,
        "passes": config.passes,
    }
    if "embedded" in config.stores:
        try:
            bench_embedded(n, config, data, store_path, results, query_args)
        except RuntimeError as exc:  # where the embedded store stops (--million)
            _stopped(results, n, "embedded", exc)
    if neo4j is None or "neo4j" not in config.stores:
        return
    try:
        bench_neo4j(n, config, data, results, neo4j.wait(), query_args)
    except RuntimeError as exc:  # a worker that failed: the rest is still measured
        _stopped(results, n, "neo4j", exc)


def bench_neo4j(
    n: int, config: Config, data: Path, results: Results, target: Neo4jTarget, query_args: Json
) -> None:
    """The naive sample, then load, query and a fresh ``renmai connect`` on Neo4j."""
    say(f"{n}: naive one-row-per-transaction sample ({config.naive_rows} rows of each)")
    naive = run_worker(
        "naive", {**target.args(), "data": str(data), "rows": config.naive_rows, "seed": SEED}
    )
    results.naive.append({"size": n, **naive})
    measured(results)
    neo4j_runs = config.neo4j_runs or config.runs
    say(f"{n}: Neo4j load x{neo4j_runs}")
    parts = split_load(data, config.load_parts) if config.load_parts else None
    runs = [
        run_worker("load", {"store": "neo4j", **target.args(), "data": str(data), "parts": parts})
        for _ in range(neo4j_runs)
    ]
    results.loads.append({"size": n, "store": "neo4j", "runs": runs})
    measured(results)
    say(f"{n}: Neo4j queries")
    results.queries.append(
        {
            "size": n,
            "store": "neo4j",
            **run_worker("queries", {"store": "neo4j", **target.args(), **query_args}),
        }
    )
    measured(results)
    say(f"{n}: a fresh `renmai connect` process x{config.cli_runs}")
    env = {"NEO4J_URI": target.uri, "NEO4J_USERNAME": target.username}
    env["NEO4J_PASSWORD"] = target.password
    walls = [cli_connect(query_args["targets"][0], env) for _ in range(config.cli_runs)]
    results.cli.append({"size": n, "store": "neo4j", "seconds": walls})
    measured(results)


def cli_connect(target: str, env: dict[str, str]) -> float:
    """Wall seconds of one whole ``renmai connect`` command: Python's start,
    imports, connecting, the schema check and the question."""
    renmai = Path(sys.executable).with_name("renmai")
    start = time.perf_counter()
    done = subprocess.run(
        [str(renmai), "connect", target],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"renmai connect {target} failed:\n{done.stderr[-2000:]}")
    return seconds


def run(config: Config) -> Results:
    start = time.perf_counter()
    results = Results(
        config=config,
        started=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        command="scripts/bench " + " ".join(sys.argv[1:]),
        load_before=os.getloadavg(),
    )
    work = config.work or Path(tempfile.mkdtemp(prefix="renmai-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    # Beside the kept data, else where a removed temporary folder does not take it.
    results.so_far = (config.work or Path(tempfile.gettempdir())) / "renmai-bench-so-far.md"
    say(f"the tables so far: {results.so_far}")
    starter: Neo4jStarter | None = None
    try:
        if config.neo4j:
            if config.neo4j_uri:
                given = Neo4jTarget(
                    config.neo4j_uri,
                    os.environ.get("NEO4J_USERNAME", "neo4j"),
                    os.environ.get("NEO4J_PASSWORD", ""),
                )
                starter = Neo4jStarter(config, given).begin()
            else:
                say("starting Neo4j (scripts/neo4j_server.py)")
                starter = Neo4jStarter(config).begin()
                if not config.quick:
                    # Measure nothing while the JVM starts on the same two cores.
                    starter.wait()
                    say(f"Neo4j ready in {starter.seconds:.1f} s")
        for n in config.sizes:
            bench_size(n, config, work, results, starter)
        # The cold cases are the embedded store's (issue 13): a Neo4j-only run
        # has no embedded store to start them on.
        if config.cold_runs and "embedded" in config.stores:
            say(f"cold processes x{config.cold_runs}")
            results.cold = bench_cold.cold_runs(
                work,
                config.sizes,
                lambda n: work / f"network-{n}",
                lambda n: _sample_ids(work / f"network-{n}", config.targets, SEED)[0][0],
                config.cold_runs,
            )
            measured(results)
        for n in config.viz_sizes:
            for source in config.viz_sources:
                if source == "fixture" and not (ROOT / "tests" / "viz_fixtures.py").exists():
                    continue
                say(f"viz page of {n} nodes ({source})")
                viz_args = {
                    "n": n,
                    "seed": SEED,
                    "runs": config.viz_runs,
                    "browser": config.browser,
                    "source": source,
                }
                results.viz.append({"size": n, "source": source, **run_worker("viz", viz_args)})
                measured(results)
    except KeyboardInterrupt:
        say("interrupted: the tables hold what was measured")
        results.interrupted = True
    finally:
        if starter is not None and starter.target is not None:
            results.neo4j_version = starter.target.version
            results.neo4j_start_s = starter.seconds if starter.target.server else None
            results.neo4j_peak_mb = starter.target.peak_rss_mb()
        if starter is not None:
            starter.stop()
        if config.work is None:
            shutil.rmtree(work, ignore_errors=True)
    results.load_after = os.getloadavg()
    results.seconds = time.perf_counter() - start
    return results


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GB RAM"
    return f"{os.cpu_count()} cores ({model or platform.machine()}){memory}"


def summarize(results: Results) -> dict[str, Json]:
    """The medians and percentiles every table and target reads."""
    summary: dict[str, Json] = {}
    for entry in results.loads:
        runs = entry["runs"]
        seconds = median([r["seconds"] for r in runs])
        summary[f"load/{entry['store']}/{entry['size']}"] = {
            "seconds": seconds,
            "min": min(r["seconds"] for r in runs),
            "max": max(r["seconds"] for r in runs),
            "entities": runs[0]["entities"],
            "relationships": runs[0]["relationships"],
            "rss_mb": median([r["rss_mb"] for r in runs]),
        }
    for entry in results.naive:
        real = summary.get(f"load/neo4j/{entry['size']}")
        e_rate = entry["entities"] / entry["entity_seconds"]
        r_rate = entry["relationships"] / entry["relationship_seconds"]
        naive: Json = {"entity_rate": e_rate, "relationship_rate": r_rate, **entry}
        if real:
            naive["seconds"] = real["entities"] / e_rate + real["relationships"] / r_rate
            naive["ratio"] = naive["seconds"] / real["seconds"]
        summary[f"naive/{entry['size']}"] = naive
    for entry in results.opens:
        runs = entry["runs"]
        summary[f"open/{entry['size']}"] = {
            "seconds": median([r["seconds"] for r in runs]),
            "rss_mb": median([r["rss_mb"] for r in runs]),
        }
    for entry in results.queries:
        for name, passes in entry["latencies"].items():
            summary[f"query/{entry['store']}/{entry['size']}/{name}"] = {
                "p50": median([percentile(p, 0.5) for p in passes]),
                "p95": median([percentile(p, 0.95) for p in passes]),
                "max": max(max(p) for p in passes),
                "targets": len(passes[0]),
                "passes": len(passes),
                "rss_mb": entry["rss_mb"],
            }
        summary[f"cold/{entry['store']}/{entry['size']}"] = {
            "ms": entry["cold_ms"],
            "with_open_ms": entry["cold_with_open_ms"],
        }
    for entry in results.viz:
        summary[f"viz/{entry['source']}/{entry['size']}"] = entry
    return summary


def _check(value: float | None, limit: float, *, at_least: bool = False) -> str:
    if value is None:
        return "not measured"
    holds = value >= limit if at_least else value < limit
    return "**holds**" if holds else "**missed**"


def targets_table(results: Results, summary: dict[str, Json]) -> list[str]:
    big = max(results.config.sizes)
    note = "" if big >= 100_000 else f" (largest size run: {_size(big)}; the targets are at 100k)"
    rows: list[list[str]] = []

    def get(key: str, name: str) -> float | None:
        entry = summary.get(key)
        return None if entry is None or entry.get(name) is None else float(entry[name])

    for n in results.config.sizes:
        ratio = get(f"naive/{n}", "ratio")
        rows.append(
            [
                f"Neo4j load ≥ 10× the naive one-row-per-transaction loader ({_size(n)})",
                "—" if ratio is None else f"{ratio:,.0f}×",
                _check(ratio, 10, at_least=True),
            ]
        )
    size = 100_000
    checks = [
        (
            "Neo4j: 100k entities + their relationships loaded < 2 min",
            f"load/neo4j/{size}",
            "seconds",
            120,
            "s",
        ),
        (
            "Embedded: the same loaded ≤ 45 s (issue 13)",
            f"load/embedded/{size}",
            "seconds",
            45,
            "s",
        ),
        ("Embedded: opened < 3 s", f"open/{size}", "seconds", 3, "s"),
        ("Embedded: peak memory of the load < 2 GB", f"load/embedded/{size}", "rss_mb", 2048, "MB"),
        (
            "Embedded: peak memory of open + queries < 2 GB",
            f"query/embedded/{size}/connect",
            "rss_mb",
            2048,
            "MB",
        ),
    ]
    for store in ("embedded", "neo4j"):
        checks.append(
            (f"`connect` p95 < 300 ms ({store})", f"query/{store}/{size}/connect", "p95", 300, "ms")
        )
        for query in ("path", "neighbors"):
            checks.append(
                (
                    f"`{query}` p95 < 100 ms ({store})",
                    f"query/{store}/{size}/{query}",
                    "p95",
                    100,
                    "ms",
                )
            )
    for label, key, name, limit, unit in checks:
        value = get(key, name)
        shown = (
            "—"
            if value is None
            else f"{value:,.1f} {unit}"
            if unit != "MB"
            else (f"{value:,.0f} MB")
        )
        rows.append([label, shown, _check(value, limit)])
    for source, what in (
        ("network", "whole generated network, ~5 edges/node"),
        ("fixture", "viz tests' subgraph, ~1.6 edges/node"),
    ):
        viz = summary.get(f"viz/{source}/3000") or {}
        total, shown = None, "—"
        if viz.get("browser_s") is not None:
            total = viz["render_s"] + viz["browser_s"]
            shown = (
                f"{total:.1f} s (Python {viz['render_s']:.1f} s + browser "
                f"{viz['browser_s']:.1f} s; {viz['edges']:,} edges)"
            )
        rows.append(
            [
                f"3,000-node page laid out and interactive in headless Chromium < 5 s ({what})",
                shown,
                _check(total, 5),
            ]
        )
    return [f"### Targets{note}", "", *_table(["target", "measured", ""], rows)]


def neo4j_targets_table(results: Results, summary: dict[str, Json]) -> list[str]:
    """The targets of issue 14 (Neo4j as fast as the embedded store), at the
    sizes this run measured: a value holds when it is at most its limit."""
    rows: list[list[str]] = []
    checks: list[tuple[str, str, str, float, str]] = []
    sizes = results.config.sizes
    if 100_000 in sizes:
        n = 100_000
        checks += [
            (f"Neo4j `{q}` p95 ≤ {lim} ms (100k)", f"query/neo4j/{n}/{q}", "p95", lim, "ms")
            for q, lim in (("connect", 200), ("path", 80), ("neighbors", 10))
        ]
        checks += [
            (
                f"`connect` to a country p95 ≤ 1 s ({store}, 100k)",
                f"query/{store}/{n}/connect to a country",
                "p95",
                1000,
                "ms",
            )
            for store in ("embedded", "neo4j")
        ]
        checks.append(("Neo4j load of 100k + 499k ≤ 45 s", f"load/neo4j/{n}", "seconds", 45, "s"))
    if 1_000_000 in sizes:
        n = 1_000_000
        checks += [
            (
                "Neo4j load of 1M (~5M relationships) ≤ 10 min",
                f"load/neo4j/{n}",
                "seconds",
                600,
                "s",
            ),
            ("Neo4j `connect` p95 ≤ 500 ms (1M)", f"query/neo4j/{n}/connect", "p95", 500, "ms"),
            ("Neo4j `path` p95 ≤ 200 ms (1M)", f"query/neo4j/{n}/path", "p95", 200, "ms"),
            (
                "the renmai process of the questions < 1 GB (Neo4j, 1M)",
                f"query/neo4j/{n}/connect",
                "rss_mb",
                1024,
                "MB",
            ),
        ]
    for label, key, name, limit, unit in checks:
        entry = summary.get(key)
        value = None if entry is None or entry.get(name) is None else float(entry[name])
        shown = (
            "—" if value is None else f"{value:,.0f} MB" if unit == "MB" else f"{value:,.1f} {unit}"
        )
        verdict = (
            "not measured" if value is None else "**holds**" if value <= limit else "**missed**"
        )
        rows.append([label, shown, verdict])
    for entry in results.cli:
        best = median(entry["seconds"])
        rows.append(
            [
                f"a fresh `renmai connect` process ≤ 1.5 s wall ({entry['store']}, "
                f"{_size(entry['size'])})",
                f"{best:.2f} s",
                "**holds**" if best <= 1.5 else "**missed**",
            ]
        )
    if not rows:
        return []
    return ["### Targets of issue 14 (Neo4j)", "", *_table(["target", "measured", ""], rows)]


def report(results: Results) -> str:
    config = results.config
    summary = summarize(results)
    lines = [
        f"Run {results.started} on {_machine()}, Python {platform.python_version()}"
        + (f", Neo4j {results.neo4j_version}" if results.neo4j_version else "")
        + f"; load average {' / '.join(f'{x:.1f}' for x in results.load_before)} at the start,"
        f" {' / '.join(f'{x:.1f}' for x in results.load_after)} at the end"
        f" (other work shares the machine); {results.seconds / 60:.1f} min in all"
        + (" — interrupted, the tables hold what was measured." if results.interrupted else "."),
        "",
        f"Command: `{results.command}` — loads: medians of {config.runs} runs"
        + (
            f" ({config.neo4j_runs} into Neo4j)"
            if config.neo4j_runs and config.neo4j_runs != config.runs
            else ""
        )
        + ", each in a fresh process; peak RSS is that process's `VmHWM`."
        + (" The embedded measurements ran while Neo4j was starting." if config.quick else "")
        + (
            f" Neo4j: the project's test server (`scripts/neo4j_server.py`), heap "
            f"{config.heap}, page cache {config.pagecache}, started in "
            f"{results.neo4j_start_s:.0f} s; its own peak RSS (VmHWM) "
            f"{results.neo4j_peak_mb:,.0f} MB."
            if results.neo4j_start_s is not None and results.neo4j_peak_mb is not None
            else ""
        ),
        "",
        *targets_table(results, summary),
        "",
        *neo4j_targets_table(results, summary),
        "",
        "### Load (`renmai.loaders.load`: read, resolve, check, one `Store.write`)",
        "",
    ]
    rows = []
    for n in config.sizes:
        for store in ("embedded", "neo4j"):
            entry = summary.get(f"load/{store}/{n}")
            if not entry:
                continue
            s = entry["seconds"]
            rows.append(
                [
                    _size(n),
                    store,
                    f"{_n(entry['entities'])} + {_n(entry['relationships'])}",
                    f"{s:.1f} s ({entry['min']:.1f}–{entry['max']:.1f})",
                    _n(entry["entities"] / s),
                    _n(entry["relationships"] / s),
                    f"{entry['rss_mb']:,.0f} MB",
                ]
            )
        naive = summary.get(f"naive/{n}")
        if naive and "seconds" in naive:
            rows.append(
                [
                    _size(n),
                    f"naive, 1 row/tx (sample {naive['entities']} + "
                    f"{naive['relationships']}, extrapolated)",
                    "same",
                    f"{naive['seconds']:,.0f} s = {naive['ratio']:,.0f}× the loader",
                    _n(naive["entity_rate"]),
                    _n(naive["relationship_rate"]),
                    f"{naive['rss_mb']:,.0f} MB",
                ]
            )
    header = [
        "size",
        "store",
        "entities + relationships",
        "time",
        "entities/s",
        "rels/s",
        "peak RSS",
    ]
    lines += [*_table(header, rows), ""]
    lines += ["### Open the embedded store", ""]
    rows = [
        [_size(n), f"{e['seconds']:.2f} s", f"{e['rss_mb']:,.0f} MB"]
        for n in config.sizes
        if (e := summary.get(f"open/{n}"))
    ]
    lines += [*_table(["size", "open", "peak RSS"], rows), ""]
    lines += [
        "### Queries (ms; p50 / p95 over a fixed random sample of targets, median of "
        f"{config.passes} passes, after a warm-up)",
        "",
    ]
    rows = []
    for n in config.sizes:
        for store in ("embedded", "neo4j"):
            cold = summary.get(f"cold/{store}/{n}")
            for name in ("connect", "connect to a country", "path", "neighbors"):
                entry = summary.get(f"query/{store}/{n}/{name}")
                if not entry:
                    continue
                rows.append(
                    [
                        _size(n),
                        store,
                        name,
                        f"{entry['p50']:,.0f}",
                        f"{entry['p95']:,.0f}",
                        f"{entry['max']:,.0f}",
                        str(entry["targets"]),
                        f"{entry['rss_mb']:,.0f} MB",
                    ]
                )
            if cold:
                rows.append(
                    [
                        _size(n),
                        store,
                        "first `connect` of a process (cold; + open)",
                        f"{cold['ms']:,.0f}",
                        "",
                        f"{cold['with_open_ms']:,.0f}",
                        "1",
                        "",
                    ]
                )
        for entry in results.cli:
            if entry["size"] == n:
                walls = [w * 1000 for w in entry["seconds"]]
                rows.append(
                    [
                        _size(n),
                        entry["store"],
                        "a whole `renmai connect` process (wall, start-up included)",
                        f"{median(walls):,.0f}",
                        "",
                        f"{max(walls):,.0f}",
                        str(len(walls)),
                        "",
                    ]
                )
    header = ["size", "store", "query", "p50", "p95", "max", "targets", "peak RSS"]
    lines += [*_table(header, rows), ""]
    if results.cold:
        lines += [
            "### Cold processes (the real `renmai` command from exec to exit; median of "
            f"{config.cold_runs} runs after one untimed run)",
            "",
            *bench_cold.table(results.cold),
            "",
        ]
    for entry in results.stopped:
        error = entry["error"].strip().splitlines()
        within = (
            f" (within {config.embedded_memory} of address space)"
            if entry["store"] == "embedded" and config.embedded_memory
            else ""
        )
        lines += [
            f"The {entry['store']} store stopped at {_size(entry['size'])}{within}: "
            f"`{error[0][:300]}`",
            "",
        ]
    lines += [
        "### Viz pages (`write_html`, layout included; ready = laid out and interactive)",
        "",
    ]
    rows = []
    for n, source in [(n, s) for n in config.viz_sizes for s in ("network", "fixture")]:
        v = summary.get(f"viz/{source}/{n}")
        if not v:
            continue
        browser = v.get("browser_s")
        rows.append(
            [
                "generated network (whole graph)" if source == "network" else "viz tests' fixture",
                _n(v["nodes"]),
                _n(v["edges"]),
                f"{v['render_s']:.2f} s",
                f"{v['bytes'] / 1e6:.1f} MB",
                "—" if browser is None else f"{browser:.2f} s",
                "—" if browser is None else f"{v['render_s'] + browser:.2f} s",
                f"{v['rss_mb']:,.0f} MB",
            ]
        )
    header = [
        "graph",
        "nodes",
        "edges",
        "render (Python)",
        "file",
        "ready in Chromium",
        "total",
        "peak RSS (Python)",
    ]
    lines += [*_table(header, rows), ""]
    return "\n".join(lines)


def write_report(text: str, output: Path) -> None:
    """Put the tables between the markers, keeping the rest of the file."""
    block = f"{BEGIN}\n{text}\n{END}"
    if output.exists():
        current = output.read_text(encoding="utf-8")
        if BEGIN in current and END in current:
            head, rest = current.split(BEGIN, 1)
            tail = rest.split(END, 1)[1]
            output.write_text(head + block + tail, encoding="utf-8")
            return
        output.write_text(current.rstrip("\n") + "\n\n" + block + "\n", encoding="utf-8")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(f"# Benchmarks\n\n{block}\n", encoding="utf-8")


def parse_args(argv: Sequence[str]) -> Config:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--sizes", help="comma-separated entity counts (default 10000,100000)")
    parser.add_argument("--runs", type=int, help="runs per measurement (median)")
    parser.add_argument("--targets", type=int, help="query targets in the sample")
    parser.add_argument("--naive-rows", type=int, help="rows of the naive loader's sample")
    parser.add_argument("--viz-sizes", help="comma-separated node counts (default 1000,3000)")
    parser.add_argument(
        "--million",
        action="store_true",
        help="1M entities (~5M relationships), once; the embedded store within 6 GB",
    )
    parser.add_argument("--no-neo4j", action="store_true", help="embedded store only")
    parser.add_argument("--neo4j-only", action="store_true", help="the Neo4j store only")
    parser.add_argument(
        "--cold-runs", type=int, help="runs of each cold `renmai` process (default 5; 0: none)"
    )
    parser.add_argument(
        "--neo4j-uri", help="use this server instead of starting one (ITS DATA IS DELETED)"
    )
    parser.add_argument("--no-browser", action="store_true", help="no headless Chromium")
    parser.add_argument("--output", type=Path, help=f"markdown file (default {DEFAULT_OUTPUT})")
    parser.add_argument("--work", type=Path, help="keep data and stores in this folder")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else MILLION if args.million else Config()
    changes: Json = {}
    if args.sizes:
        changes["sizes"] = tuple(int(s) for s in args.sizes.split(","))
    if args.viz_sizes:
        changes["viz_sizes"] = tuple(int(s) for s in args.viz_sizes.split(","))
    for name in ("runs", "targets", "naive_rows", "output", "work", "cold_runs"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.no_neo4j:
        changes["neo4j"] = False
    if args.neo4j_only:
        changes["stores"] = ("neo4j",)
    if args.neo4j_uri:
        changes["neo4j_uri"] = args.neo4j_uri
    if args.no_browser:
        changes["browser"] = False
    return replace(config, **changes)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        return worker_main(argv[1], argv[2])
    config = parse_args(argv)
    results = run(config)
    text = report(results)
    print(text)
    if results.interrupted:
        say(f"not written to {config.output}: the run was interrupted")
        return 130
    if config.output is not None:
        write_report(text, config.output)
        say(f"wrote {config.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
