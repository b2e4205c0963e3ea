"""Cypher and access (issue 7, part 3): ``renmai cypher`` read-only stops every
kind of write against the real server — write clauses, procedures that write,
schema and administration commands, LOAD CSV (which writes nothing but reads
files and URLs) and TERMINATE TRANSACTIONS — with the data, labels, property
keys, indexes and constraints unchanged afterwards; and passwords never show:
not in errors, not in output, not in the driver's logs, not in a URI.
"""

from __future__ import annotations

import http.server
import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner, Result
from fixtures.loader_helpers import BASE
from fixtures.reliability import observe

from renmai.cli import cli
from renmai.graph.neo4j_store import Neo4jStore
from renmai.graph.store import StoreError
from renmai.loaders import load
from renmai.loaders.export import records

pytestmark = pytest.mark.neo4j


class _Requests(http.server.BaseHTTPRequestHandler):
    """Answers a small CSV and remembers every request."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = b"name\nfetched\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def web() -> Iterator[tuple[str, list[str]]]:
    """A local web server: the URL of a CSV on it, and the requests it got."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Requests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/contacts.csv", _Requests.seen
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def graph(neo4j_target: Any) -> Iterator[Neo4jStore]:
    """The loader tests' base graph in the session's Neo4j."""
    store = Neo4jStore(
        neo4j_target.uri, username=neo4j_target.username, password=neo4j_target.password
    )
    store.clear()
    load(store, [BASE])
    try:
        yield store
    finally:
        store.close()


def cypher(target: Any, *args: str) -> Result:
    return CliRunner().invoke(cli, ["cypher", *args], env={**target.cli_env(), "RENMAI_STORE": ""})


def state(store: Neo4jStore) -> dict[str, Any]:
    """Everything a query could change: the records, and the database's labels,
    relationship types, property keys, indexes and constraints."""

    def names(query: str) -> list[str]:
        return sorted(str(row[0]) for row in store.run_cypher(query, write=True)[1])

    return {
        "records": records(store, contacts=True),
        "labels": names("CALL db.labels()"),
        "types": names("CALL db.relationshipTypes()"),
        "keys": names("CALL db.propertyKeys()"),
        "indexes": names("SHOW INDEXES YIELD name RETURN name"),
        "constraints": names("SHOW CONSTRAINTS YIELD name RETURN name"),
    }


WRITES = {
    "CREATE": "CREATE (n:Entity {id: 'x', name: 'x'}) RETURN n",
    "MERGE": "MERGE (n:Entity {id: 'zhongshan'}) SET n.name = 'x'",
    "SET": "MATCH (n:Entity) SET n.name = 'x'",
    "DETACH DELETE": "MATCH (n:Entity) DETACH DELETE n",
    "REMOVE label": "MATCH (n:City) REMOVE n:City",
    "FOREACH": "FOREACH (i IN range(1, 3) | CREATE (:Entity {id: toString(i)}))",
    "subquery": "MATCH (n:Entity) CALL { WITH n DETACH DELETE n } RETURN count(*)",
    "CALL db.createLabel": "CALL db.createLabel('Intruder')",
    "CALL db.createProperty": "CALL db.createProperty('intruder')",
    "CALL db.createRelationshipType": "CALL db.createRelationshipType('INTRUDES')",
    "CREATE INDEX": "CREATE INDEX intruder FOR (n:Entity) ON (n.name)",
    "CREATE CONSTRAINT": "CREATE CONSTRAINT intruder FOR (n:City) REQUIRE n.name IS UNIQUE",
    "DROP CONSTRAINT": "DROP CONSTRAINT renmai_entity_id",
    "CREATE FULLTEXT INDEX": "CREATE FULLTEXT INDEX intruder FOR (n:Person) ON EACH [n.phone]",
    "DBMS procedure": "CALL db.clearQueryCaches()",
    "administration": "ALTER CURRENT USER SET PASSWORD FROM 'renmai-test-pw' TO 'taken-over'",
    "comment first": "// just a read\nMATCH (n:Entity) DELETE n",
    "PROFILE write": "PROFILE MATCH (n:Entity) SET n.x = 1",
}


@pytest.mark.parametrize("what", list(WRITES))
def test_read_only_refuses_every_kind_of_write(
    graph: Neo4jStore, neo4j_target: Any, what: str
) -> None:
    before = state(graph)
    result = cypher(neo4j_target, WRITES[what])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith("Error: `renmai cypher` is read-only by default, and the query ")
    assert lines[0].endswith("refused before it ran, nothing changed. Add --write to allow it.")
    assert state(graph) == before
    observe(f"cypher/refused-{what}", query=WRITES[what], error=lines[0])


@pytest.mark.parametrize(
    "query",
    [
        "LOAD CSV WITH HEADERS FROM $url AS row RETURN row.name",
        "PROFILE LOAD CSV FROM $url AS row RETURN row",
        "CALL { LOAD CSV FROM $url AS row RETURN row } RETURN count(row)",
        "MATCH (n:City) RETURN n.name AS x UNION LOAD CSV FROM $url AS row RETURN row[0] AS x",
        "CYPHER 5 LOAD CSV FROM $url AS row RETURN row",
    ],
)
def test_read_only_refuses_load_csv_before_it_fetches_anything(
    graph: Neo4jStore, neo4j_target: Any, web: tuple[str, list[str]], query: str
) -> None:
    url, requests = web
    requests.clear()
    before = state(graph)
    result = cypher(neo4j_target, query, "--param", f"url={url}")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: `renmai cypher` is read-only by default, and the query uses LOAD CSV, "
        "which reads files on the server or fetches URLs: refused before it ran, nothing "
        "changed. Add --write to allow it.\n"
    )
    assert requests == [], "the server fetched the URL"
    assert state(graph) == before
    observe("cypher/load-csv", query=query, requests=len(requests))


def test_load_csv_needs_the_plan_check_a_read_transaction_would_run_it(
    graph: Neo4jStore, web: tuple[str, list[str]]
) -> None:
    """Why the plan is checked: LOAD CSV writes nothing, so a read transaction
    alone lets the server fetch the URL. With --write it is allowed."""
    url, requests = web
    requests.clear()
    rows = graph._read_rows("LOAD CSV WITH HEADERS FROM $url AS row RETURN row.name AS n", url=url)
    assert rows == [{"n": "fetched"}] and requests == ["/contacts.csv"]
    _, values = graph.run_cypher(
        "LOAD CSV WITH HEADERS FROM $url AS row RETURN row.name", {"url": url}, write=True
    )
    assert values == [["fetched"]] and len(requests) == 2
    observe("cypher/load-csv-read-transaction", fetched_in_a_read_transaction=True)


def test_terminate_transactions_is_refused(graph: Neo4jStore, neo4j_target: Any) -> None:
    result = cypher(neo4j_target, "TERMINATE TRANSACTIONS 'neo4j-transaction-1'")
    assert result.exit_code == 2
    assert "the query uses TERMINATE TRANSACTIONS, which stops other users' work" in result.stderr


def test_the_server_refuses_a_write_even_if_the_plan_check_were_gone(
    graph: Neo4jStore, neo4j_target: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second line: the query runs in a read transaction, where the server
    itself refuses any write."""
    monkeypatch.setattr(Neo4jStore, "check_read_only", lambda self, query, params=None: None)
    before = state(graph)
    for query in (WRITES["CREATE"], WRITES["CALL db.createLabel"], WRITES["CREATE INDEX"]):
        result = cypher(neo4j_target, query)
        assert result.exit_code == 2
        assert result.stderr == (
            "Error: the query writes, and `renmai cypher` is read-only by default: the server "
            "refused the write and nothing changed. Add --write to allow it.\n"
        )
    assert state(graph) == before
    observe("cypher/second-line", error=result.stderr.strip())


def test_reads_run_and_writes_run_with_write(graph: Neo4jStore, neo4j_target: Any) -> None:
    for query in (
        "MATCH (c:City) RETURN c.name AS name ORDER BY name",
        "PROFILE MATCH (c:City) RETURN c.name AS name ORDER BY name",
        "EXPLAIN MATCH (c:City) RETURN c.name",
        "CALL db.labels() YIELD label RETURN label",
        "CALL db.index.fulltext.queryNodes('renmai_names', '中山') YIELD node RETURN node.id",
    ):
        result = cypher(neo4j_target, query, "--json")
        assert result.exit_code == 0, result.output
    written = cypher(
        neo4j_target, "--write", "CREATE (n:Scratch {id: 'scratch'}) RETURN n.id AS id"
    )
    assert written.exit_code == 0 and "scratch" in written.stdout
    removed = cypher(neo4j_target, "--write", "MATCH (n:Scratch) DELETE n RETURN count(*) AS n")
    assert removed.exit_code == 0


# -- passwords ---------------------------------------------------------------------------------
SECRET = "s3cret-Hunter2-pw"


def test_a_wrong_password_never_shows(spare_neo4j: Any) -> None:
    """The message says the credentials were refused; the password is nowhere:
    not in stdout or stderr, and not in any record the driver logs, even at DEBUG."""
    server = spare_neo4j
    if not server.is_running():
        server.start()
    _usable_again(server)
    logger = logging.getLogger("neo4j")
    logged: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(record.getMessage())

    handler = Capture(logging.DEBUG)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        result = CliRunner().invoke(
            cli, ["stats"], env={"NEO4J_URI": server.uri, "NEO4J_PASSWORD": SECRET}
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Neo4j at {server.uri} refused the credentials")
    assert logged, "the driver logged nothing at DEBUG"
    assert SECRET not in result.output and not any(SECRET in line for line in logged)
    # A password inside the URI is masked in the same message.
    host = server.uri.removeprefix("bolt://")
    in_uri = CliRunner().invoke(
        cli, ["stats"], env={"NEO4J_URI": f"bolt://neo4j:{SECRET}@{host}", "NEO4J_PASSWORD": ""}
    )
    assert in_uri.exit_code == 1
    assert in_uri.stderr.startswith(f"Error: Neo4j at bolt://neo4j:***@{host} refused")
    assert SECRET not in in_uri.output
    observe(
        "access/wrong-password",
        debug_records=len(logged),
        error=in_uri.stderr.strip().replace(host, "127.0.0.1:PORT"),
    )
    _usable_again(server)


def _usable_again(server: Any) -> None:
    """Wait out the server's lock-out after failed logins (5 s by default)."""
    for _ in range(60):
        try:
            Neo4jStore(server.uri, username=server.username, password=server.password).close()
            return
        except StoreError:
            time.sleep(1)


def test_a_password_in_the_uri_is_used_and_masked_everywhere(
    graph: Neo4jStore, neo4j_target: Any
) -> None:
    host = neo4j_target.uri.removeprefix("bolt://")
    uri = f"bolt://{neo4j_target.username}:{neo4j_target.password}@{host}"
    masked = f"bolt://{neo4j_target.username}:***@{host}"
    # From the environment: used, and the "Store:" line masks it.
    result = CliRunner().invoke(
        cli, ["stats"], env={"NEO4J_URI": uri, "NEO4J_PASSWORD": "", "RENMAI_STORE": ""}
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Store: {masked}\n")
    assert neo4j_target.password not in result.output
    # On the command line: used, masked, and a warning that ps shows it.
    result = CliRunner().invoke(cli, ["--neo4j", uri, "stats"], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: the password in the --neo4j URI is visible to other users (ps); "
        "set NEO4J_PASSWORD or use --ask-password instead.\n"
    )
    assert result.stdout.startswith(f"Store: {masked}\n")
    # In every error message too: a query error, a bad URI, an unreachable server.
    failed = CliRunner().invoke(cli, ["cypher", "MATCH (n RETURN n"], env={"NEO4J_URI": uri})
    assert failed.exit_code == 2 and masked in failed.stderr
    for bad in (f"bolt://neo4j:{SECRET}@[::1", f"http://neo4j:{SECRET}@{host}"):
        result = CliRunner().invoke(cli, ["stats"], env={"NEO4J_URI": bad})
        assert result.exit_code == 1 and "***" in result.stderr and SECRET not in result.output
    assert neo4j_target.password not in failed.output


def test_the_password_can_be_typed_at_a_hidden_prompt(graph: Neo4jStore, neo4j_target: Any) -> None:
    env = {"NEO4J_URI": neo4j_target.uri, "NEO4J_PASSWORD": "not-it", "RENMAI_STORE": ""}
    result = CliRunner().invoke(
        cli, ["--ask-password", "stats", "--json"], env=env, input=f"{neo4j_target.password}\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "Neo4j password: \n"  # the prompt, on stderr, nothing echoed
    assert neo4j_target.password not in result.output
    assert json.loads(result.stdout)["entities"]["City"] == 4
    # For the embedded store there is nothing to ask.
    alone = CliRunner().invoke(cli, ["--ask-password", "--store", "x.json", "stats"])
    assert alone.exit_code == 2 and "--ask-password is for the Neo4j store" in alone.stderr


def test_there_is_no_password_option() -> None:
    """A password is never a command-line value (``ps`` would show it)."""
    result = CliRunner().invoke(cli, ["--password", SECRET, "stats"])
    assert result.exit_code == 2 and "No such option '--password'" in result.stderr
    helptext = CliRunner().invoke(cli, ["--help"]).stdout
    assert "--password" not in helptext and "--ask-password" in helptext


def test_store_location_never_holds_the_password(neo4j_target: Any) -> None:
    host = neo4j_target.uri.removeprefix("bolt://")
    store = Neo4jStore(f"bolt://{neo4j_target.username}:{neo4j_target.password}@{host}")
    try:
        assert store.location == store.uri == f"bolt://{neo4j_target.username}:***@{host}"
        shown = [v for v in vars(store).values() if isinstance(v, str)]
        assert not any(neo4j_target.password in v for v in shown)
    finally:
        store.close()
