"""``renmai generate``: a synthetic network that is deterministic, sized as asked,
heavy-tailed like a real social network, and loads cleanly.

No timing is asserted here: ``scripts/bench`` measures speed.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixtures.loader_helpers import snapshot

from renmai.cli import cli
from renmai.graph.schema import SCHEMA
from renmai.graph.sqlite_store import SqliteStore
from renmai.loaders import load
from renmai.loaders.synthetic import generate

N = 2000


def _generate(directory: Path, n: int = N, seed: int = 7) -> None:
    result = CliRunner().invoke(
        cli, ["generate", "--entities", str(n), "--seed", str(seed), "-o", str(directory)]
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {n} entities" in result.output


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _implied(entity: dict[str, object]) -> list[tuple[str, str]]:
    """(from, to) of the relationships the entity's reference fields imply."""
    fields = SCHEMA.entity_kind(str(entity["kind"])).fields
    return [
        (str(entity["id"]), str(entity[name]))
        for name, spec in fields.items()
        if spec.implies and entity.get(name)
    ]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("network")
    _generate(directory)
    return directory


def test_same_seed_same_bytes_other_seed_other_network(network: Path, tmp_path: Path) -> None:
    _generate(tmp_path / "again")
    _generate(tmp_path / "other", seed=8)
    for name in ("entities.jsonl", "relationships.jsonl"):
        assert (tmp_path / "again" / name).read_bytes() == (network / name).read_bytes()
        assert (tmp_path / "other" / name).read_bytes() != (network / name).read_bytes()


def test_counts_kinds_and_dates(network: Path) -> None:
    entities = _records(network / "entities.jsonl")
    rels = _records(network / "relationships.jsonl")
    assert len(entities) == N
    assert len({e["id"] for e in entities}) == N
    implied = sum(len(_implied(e)) for e in entities)
    # About five relationships per entity, counting the implied ones.
    assert 4.5 <= (len(rels) + implied) / N <= 5.5
    kinds = Counter(str(e["kind"]) for e in entities)
    assert set(kinds) == set(SCHEMA.entity_kind_names)
    assert kinds.most_common(1)[0][0] == "Person"
    assert sum(1 for e in entities if e.get("home")) == 2
    types = Counter(str(r["type"]) for r in rels)
    for rtype in ("MEMBER_OF", "HOLDS_POSITION", "KNOWS", "PARTICIPATED_IN", "PARTY_TO"):
        assert types[rtype] > 0, rtype
    years = {int(str(r["since"])) for r in rels}
    assert min(years) >= 2006 and max(years) - min(years) >= 15
    # Leaders hold posts in several associations.
    posts = Counter(str(r["from"]) for r in rels if r["type"] == "HOLDS_POSITION")
    assert max(posts.values()) >= 3


def test_degrees_are_heavy_tailed(network: Path) -> None:
    entities = _records(network / "entities.jsonl")
    degree: Counter[str] = Counter()
    ends = [(str(r["from"]), str(r["to"])) for r in _records(network / "relationships.jsonl")]
    ends += [pair for e in entities for pair in _implied(e)]
    for a, b in ends:
        degree[a] += 1
        degree[b] += 1
    degrees = sorted(degree[str(e["id"])] for e in entities)
    median = statistics.median(degrees)
    assert 2 <= median <= 12
    assert degrees[-1] >= 20 * median  # hubs: an association, a busy person, a big city
    assert degrees[int(0.99 * len(degrees))] >= 4 * median
    # Associations' membership is heavy-tailed too, not uniform.
    members = Counter(
        str(r["to"]) for r in _records(network / "relationships.jsonl") if r["type"] == "MEMBER_OF"
    )
    sizes = sorted(members.values())
    assert sizes[-1] >= 10 * statistics.median(sizes)


def test_loads_cleanly_into_the_embedded_store(network: Path, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "graph.db")
    report = load(store, [network])
    assert report.written
    assert report.warnings == []
    entities = _records(network / "entities.jsonl")
    rels = _records(network / "relationships.jsonl")
    implied = sum(len(_implied(e)) for e in entities)
    counts = store.counts()
    assert sum(counts.entities.values()) == N
    assert sum(counts.relationships.values()) == len(rels) + implied
    assert report.summary.total("created") == N + len(rels) + implied

    # Opened again from the file: the same graph, edges keyed by identity.
    reopened = SqliteStore(tmp_path / "graph.db")
    assert reopened.counts() == counts
    graph = reopened.to_networkx()
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert key == str(data["relationship"].identity)
    assert [e.id for e in reopened.homes()] == [e.id for e in store.homes()]

    # Loading it again changes nothing, row for row.
    before = snapshot(tmp_path / "graph.db")
    again = load(reopened, [network])
    assert not again.summary.changed
    assert snapshot(tmp_path / "graph.db") == before


def test_generate_rejects_a_tiny_network(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", "--entities", "10", "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "10 is not in the range" in result.output
    with pytest.raises(ValueError, match="at least"):
        generate(10)
