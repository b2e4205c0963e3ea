"""Path answers on seeded random graphs, checked against networkx as an
independent oracle, on both stores.

The oracle lays the documented step factors over a networkx graph
(tests/query_graphs.oracle_digraph) and lets networkx find the paths:
Dijkstra for the best path, ``shortest_path_length`` for reachability and
fewest hops, and ``all_simple_paths`` for every path within a hop limit.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest
from query_graphs import brute_force_paths, oracle_digraph, random_graph, write

from renmai.graph.store import Store
from renmai.queries import connect, lookup, path
from renmai.queries.ranking import ranker_for
from renmai.queries.weights import RankingWeights

SEEDS = [1, 2, 3, 4, 5]


def _pairs(seed: int, count: int = 5) -> list[str]:
    rng = random.Random(seed * 7919)
    return rng.sample([f"n{i:02d}" for i in range(1, 28)], count)


def _projection(graph: nx.DiGraph) -> nx.Graph:
    return nx.Graph(graph.to_undirected())


@pytest.mark.parametrize("seed", SEEDS)
def test_best_path_is_networkx_dijkstra(store: Store, seed: int) -> None:
    entities, rels = graph = random_graph(seed)
    write(store, graph)
    ranker = ranker_for(store)
    oracle = oracle_digraph(entities, rels, ranker, {"n00"})
    source = lookup(store, "n00")
    for target_id in _pairs(seed):
        answer = path(store, source, lookup(store, target_id), max_hops=8, limit=1)
        if target_id not in oracle or not nx.has_path(oracle, "n00", target_id):
            assert answer.paths == []
            continue
        length, nodes = nx.single_source_dijkstra(oracle, "n00", target_id, weight="weight")
        assert len(nodes) - 1 <= 8, "the random graphs are small enough for 8 hops"
        assert answer.paths, f"{target_id}: networkx found {nodes}"
        assert answer.paths[0].score == pytest.approx(math.exp(-length), rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_hop_limited_paths_are_all_simple_paths_best_first(store: Store, seed: int) -> None:
    entities, rels = graph = random_graph(seed)
    write(store, graph)
    oracle = oracle_digraph(entities, rels, ranker_for(store), {"n00"})
    undirected = _projection(oracle)
    source = lookup(store, "n00")
    for hops in (1, 2, 3):
        for target_id in _pairs(seed, 4):
            answer = path(store, source, lookup(store, target_id), max_hops=hops, limit=5)
            reachable = target_id in undirected and nx.has_path(undirected, "n00", target_id)
            within = reachable and nx.shortest_path_length(undirected, "n00", target_id) <= hops
            assert bool(answer.paths) == within
            expected = brute_force_paths(oracle, {"n00"}, {target_id}, hops)[:5]
            got = [(p.score, tuple(n.id for n in p.nodes)) for p in answer.paths]
            assert [s for s, _ in got] == pytest.approx([s for s, _ in expected], rel=1e-9)
            for (score, nodes), (_, want) in zip(got, expected, strict=True):
                if sum(1 for s, _ in expected if math.isclose(s, score, rel_tol=1e-12)) == 1:
                    assert nodes == want


@pytest.mark.parametrize("seed", SEEDS)
def test_equal_ties_give_networkx_fewest_hops(store: Store, seed: int) -> None:
    flat = RankingWeights(
        strengths={
            k: 1.0
            for k in (
                "KNOWS",
                "HOLDS_POSITION",
                "MEMBER_OF",
                "LIAISES_WITH",
                "COOPERATES_WITH",
                "FRIENDSHIP_MOU_WITH",
            )
        },
        undated=1.0,
        recency_floor=1.0,
        unsourced=1.0,
        per_extra_source=0.0,
        per_parallel=0.0,
        hub_degree=10**6,
    )
    entities, rels = graph = random_graph(seed)
    write(store, graph)
    undirected = _projection(oracle_digraph(entities, rels, ranker_for(store, flat), {"n00"}))
    source = lookup(store, "n00")
    for target_id in _pairs(seed):
        answer = path(store, source, lookup(store, target_id), max_hops=8, weights=flat)
        if target_id not in undirected or not nx.has_path(undirected, "n00", target_id):
            assert answer.paths == []
            continue
        fewest = nx.shortest_path_length(undirected, "n00", target_id)
        assert answer.paths[0].hops == fewest
        assert answer.paths[0].score == pytest.approx(flat.hop_penalty**fewest)


@pytest.mark.parametrize("seed", SEEDS)
def test_connect_groups_are_the_brute_force_best_per_first_contact(store: Store, seed: int) -> None:
    entities, rels = graph = random_graph(seed, homes=2)
    write(store, graph)
    answer = connect(store, "国1", max_hops=3, limit=6, paths_per_contact=2)
    origins = {"n00", "n01"}
    targets = set(answer.target.members) - origins
    assert (
        targets
        == {"c1"} | {e.id for e in entities if e.properties.get("country") == "c1"} - origins
    )
    oracle = oracle_digraph(entities, rels, answer.ranker, origins, {"c1"})
    best: dict[str, list[float]] = {}
    for score, nodes in brute_force_paths(oracle, origins, targets, 3):
        contact = next(n for n in nodes[1:] if n not in origins)
        best.setdefault(contact, []).append(score)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:6]
    got = [(c.entity.id, [p.score for p in c.paths]) for c in answer.contacts]
    assert [s[0] for _, s in got] == pytest.approx([s[0] for _, s in ranked], rel=1e-9)
    for (contact, scores), (want_contact, want) in zip(got, ranked, strict=True):
        assert scores == pytest.approx(want[:2], rel=1e-9)
        if sum(1 for _, s in ranked if math.isclose(s[0], scores[0], rel_tol=1e-12)) == 1:
            assert contact == want_contact
    for c in answer.contacts:
        for p in c.paths:
            # Containment only as the last step, into the country itself.
            for step in p.steps:
                if step.relationship.type == "LOCATED_IN":
                    assert step is p.steps[-1] and step.target.id == "c1"
