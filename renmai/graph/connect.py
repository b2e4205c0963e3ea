"""Opening a store from the user's options: a Neo4j URI, or the embedded file."""

from __future__ import annotations

import os
from pathlib import Path

from renmai.graph.store import Store, StoreError


def default_store_path() -> Path:
    """``$RENMAI_STORE``, else ``renmai/graph.db`` under the user's data directory."""
    if env := os.environ.get("RENMAI_STORE"):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "renmai" / "graph.db"


def open_store(
    store_path: Path | str | None = None,
    neo4j_uri: str | None = None,
    *,
    password: str | None = None,
) -> Store:
    """The store the options name: ``--neo4j``/``NEO4J_URI`` for Neo4j, else the file.

    An explicit store path wins over ``NEO4J_URI`` in the environment. Neo4j
    credentials come from ``NEO4J_USERNAME`` and ``NEO4J_PASSWORD`` (or
    ``password``, which the CLI prompts for), never from the command line,
    where ``ps`` would show them; a password inside the URI is used and masked.
    The embedded store's file is opened by
    :func:`renmai.graph.migration.open_file_store`, which converts a JSON store
    of an earlier version on first use.
    """
    if store_path is not None and neo4j_uri:
        raise StoreError("give either a store file or a Neo4j URI, not both")
    uri = neo4j_uri or (None if store_path is not None else os.environ.get("NEO4J_URI"))
    if uri:
        from renmai.graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            uri,
            username=os.environ.get("NEO4J_USERNAME", "neo4j"),
            password=password if password is not None else os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE") or None,
        )
    from renmai.graph.migration import open_file_store

    default = store_path is None and "RENMAI_STORE" not in os.environ
    if store_path is None:
        store_path = default_store_path()
        if default:
            store_path.parent.mkdir(parents=True, exist_ok=True)
    return open_file_store(store_path, default=default)
