"""Opening a store from the user's options: a Neo4j URI, or the embedded file."""

from __future__ import annotations

import os
from pathlib import Path

from renmai.graph.embedded import EmbeddedStore, default_store_path
from renmai.graph.store import Store, StoreError


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
    if store_path is None:
        store_path = default_store_path()
        if "RENMAI_STORE" not in os.environ:
            store_path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedStore(store_path)
