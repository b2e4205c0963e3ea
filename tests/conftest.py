"""Shared fixtures: the two stores, and a real Neo4j server for the session.

The Neo4j server is started once per test session by ``scripts/neo4j_server.py``
(Neo4j Community assembled from Maven Central), unless ``NEO4J_URI`` points at
a server already. With ``RENMAI_REQUIRE_NEO4J=1`` (as ``.ci/run`` sets) a server
that cannot start fails the tests that need it; it never becomes a skip.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
# The project's scripts (the Neo4j test server, the browser's settings) are
# imported by the tests as they are by the benchmark.
sys.path.insert(0, str(ROOT / "scripts"))

import neo4j_server  # noqa: E402


@dataclass(frozen=True)
class Neo4jTarget:
    uri: str
    username: str
    password: str
    #: The server the session started, or None for one given by NEO4J_URI.
    server: Any = None

    def cli_env(self) -> dict[str, str]:
        """The environment that points ``renmai`` at this server."""
        return {
            "NEO4J_URI": self.uri,
            "NEO4J_USERNAME": self.username,
            "NEO4J_PASSWORD": self.password,
        }


def _unavailable(message: str) -> None:
    """A server the tests need cannot start: a failure where it is required
    (``.ci/run``), else a skip that says how to make it one."""
    if os.environ.get("RENMAI_REQUIRE_NEO4J") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message + " (set RENMAI_REQUIRE_NEO4J=1 to make this a failure)")


@pytest.fixture(scope="session")
def neo4j_target() -> Iterator[Neo4jTarget]:
    """A reachable Neo4j: the one in NEO4J_URI, or one started for this session."""
    if uri := os.environ.get("NEO4J_URI"):
        yield Neo4jTarget(
            uri, os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ.get("NEO4J_PASSWORD", "")
        )
        return
    try:
        server = neo4j_server.Neo4jServer()
        server.start()
    except Exception as exc:
        _unavailable(f"could not start the Neo4j test server: {exc}")
    try:
        yield Neo4jTarget(server.uri, server.username, server.password, server)
    finally:
        server.stop()


#: Lock waits end after this long on the spare server, so that a transient
#: error (a lock acquisition timeout) can be provoked without a deadlock.
SPARE_LOCK_TIMEOUT = "1s"


@pytest.fixture(scope="session")
def spare_neo4j() -> Iterator[Any]:
    """A second Neo4j server of its own, started on first use, for tests that
    kill it, restart it or lock its user out (the session's server is left
    alone). ``kill()`` and ``start()`` keep its data and port. Its lock waits
    time out after SPARE_LOCK_TIMEOUT: a retryable transient error."""
    try:
        server = neo4j_server.Neo4jServer(
            heap_initial="128m",
            heap_max="512m",
            pagecache="64m",
            extra_config={"db.lock.acquisition.timeout": SPARE_LOCK_TIMEOUT},
        )
        server.start()
    except Exception as exc:
        _unavailable(f"could not start the spare Neo4j server: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def neo4j_store(neo4j_target: Neo4jTarget) -> Iterator[Store]:
    """A Neo4j store on an empty database."""
    from renmai.graph.neo4j_store import Neo4jStore

    store = Neo4jStore(
        neo4j_target.uri, username=neo4j_target.username, password=neo4j_target.password
    )
    store.clear()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def embedded_store(tmp_path: Path) -> Store:
    """An embedded store in a fresh file."""
    return SqliteStore(tmp_path / "graph.db")


@pytest.fixture
def reopen(request: pytest.FixtureRequest) -> Iterator[Callable[[Store], Store]]:
    """Another open store on the graph of the one given: what another process sees."""
    opened: list[Store] = []

    def another(store: Store) -> Store:
        if isinstance(store, SqliteStore):
            opened.append(SqliteStore(store.path))
        else:
            from renmai.graph.neo4j_store import Neo4jStore

            target: Neo4jTarget = request.getfixturevalue("neo4j_target")
            opened.append(
                Neo4jStore(target.uri, username=target.username, password=target.password)
            )
        return opened[-1]

    yield another
    for store in opened:
        store.close()


@pytest.fixture(params=["embedded", "neo4j"])
def store(request: pytest.FixtureRequest) -> Store:
    """Each store in turn: the contract tests run against both."""
    if request.param == "neo4j":
        request.applymarker(pytest.mark.neo4j)
    return request.getfixturevalue(f"{request.param}_store")  # type: ignore[no-any-return]
