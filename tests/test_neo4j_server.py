"""The Neo4j test server of scripts/neo4j_server.py, against a real Neo4j 5.26 JVM.

Needs Java 17+ and, on the first run, Maven with Maven Central reachable (about 90 s to fetch
the jars into the cache). Nothing here skips: a missing java or mvn is a test error.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeAlias

import neo4j_server as ns  # scripts/, put on sys.path by conftest.py
import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

pytestmark = pytest.mark.neo4j


# The module is loaded by path, so mypy cannot see its classes.
Server: TypeAlias = Any


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with ns.Neo4jServer() as srv:
        yield srv


def test_ensure_home_is_complete_and_idempotent() -> None:
    home = ns.ensure_home()
    version = ns.neo4j_version()
    assert (home / "lib" / f"neo4j-{version}.jar").is_file()
    assert (home / "lib" / f"neo4j-server-{version}.jar").is_file()
    assert (home / "conf").is_dir()
    started = time.monotonic()
    assert ns.ensure_home() == home
    assert time.monotonic() - started < 5, "a complete cache must not run mvn again"


def test_return_1(server: Server) -> None:
    assert server.uri.startswith("bolt://127.0.0.1:")
    with GraphDatabase.driver(server.uri, auth=(server.username, server.password)) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS x")
        assert [r["x"] for r in records] == [1]
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions, edition")
        assert records[0]["edition"] == "community"
        assert records[0]["versions"] == [ns.neo4j_version()]


def test_cjk_fulltext_analyzer_available(server: Server) -> None:
    with GraphDatabase.driver(server.uri, auth=server.auth) as driver:
        records, _, _ = driver.execute_query(
            "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer RETURN analyzer"
        )
    assert "cjk" in {r["analyzer"] for r in records}


@pytest.mark.parametrize(
    "auth",
    [("neo4j", "wrong-password"), ("neo4j", "neo4j"), ("nobody", "renmai-test-pw")],
)
def test_wrong_credentials_rejected(server: Server, auth: tuple[str, str]) -> None:
    with (
        GraphDatabase.driver(server.uri, auth=auth) as driver,
        pytest.raises(AuthError),
    ):
        driver.verify_connectivity()


def test_raw_bolt_fallback_client(server: Server) -> None:
    # The readiness check's fallback when the driver is not installed.
    assert server.bolt_port is not None
    rows = ns.bolt_query("127.0.0.1", server.bolt_port, server.auth, "RETURN 1, '人脉', [1.5]")
    assert rows == [[1, "人脉", [1.5]]]
    with pytest.raises(ns.BoltFailure) as failure:
        ns.bolt_query("127.0.0.1", server.bolt_port, ("neo4j", "wrong-password"), "RETURN 1")
    assert failure.value.code == "Neo.ClientError.Security.Unauthorized"


def test_listens_on_loopback_only(server: Server) -> None:
    conf = (server.conf_dir / "neo4j.conf").read_text()
    assert "server.default_listen_address=127.0.0.1" in conf
    assert f"server.bolt.listen_address=127.0.0.1:{server.bolt_port}" in conf
    assert "server.http.enabled=false" in conf
    assert "dbms.usage_report.enabled=false" in conf


def _heap_bytes(flag: str) -> str:
    # -Xms256m (ours) vs -Xms262144k (launcher): compare in bytes.
    match = re.fullmatch(r"(-Xm[sx])(\d+)([kmg]?)", flag)
    if match is None:
        return flag
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[match.group(3)]
    return f"{match.group(1)}{int(match.group(2)) * scale}"


def test_command_matches_official_launcher(server: Server) -> None:
    """Our JVM command line equals what `neo4j console --dry-run` prints for the same conf."""
    assert server.home is not None
    env = dict(os.environ, NEO4J_HOME=str(server.home), NEO4J_CONF=str(server.conf_dir))
    proc = subprocess.run(
        [
            str(ns.find_java()),
            "-cp",
            f"{server.home / 'lib'}/*",
            "org.neo4j.server.startup.Neo4jCommand",
            "console",
            "--dry-run",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # It prints the command, then exits 1 because it finds the running server's pid file.
    lines = [line for line in proc.stdout.splitlines() if ns.MAIN_CLASS in line]
    assert len(lines) == 1, proc.stdout + proc.stderr
    launcher = lines[0].split()
    ours = [a for a in server.command() if not a.startswith("-XX:ErrorFile=")]
    assert Path(launcher[0]).resolve() == Path(ours[0]).resolve()
    assert [_heap_bytes(a) for a in launcher[1:]] == [_heap_bytes(a) for a in ours[1:]]


def test_kill_then_restart_on_same_data_and_port() -> None:
    srv = ns.Neo4jServer(keep_data=True)
    try:
        srv.start()
        uri, data_dir = srv.uri, srv.data_dir
        with GraphDatabase.driver(srv.uri, auth=srv.auth) as driver:
            driver.execute_query("CREATE (:Probe {name: '人脉'})")
        srv.kill()  # a crash: no checkpoint, recovery on the next start
        assert not srv.is_running()
        srv.start()
        assert (srv.uri, srv.data_dir) == (uri, data_dir)
        with GraphDatabase.driver(srv.uri, auth=srv.auth) as driver:
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.name AS name")
        assert [r["name"] for r in records] == ["人脉"]
    finally:
        srv.keep_data = False
        srv.stop()
    assert not data_dir.exists()
