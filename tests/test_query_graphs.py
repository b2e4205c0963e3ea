"""The query tests' graphs and oracle (tests/query_graphs.py) checked themselves."""

from __future__ import annotations

from query_graphs import oracle_digraph, random_graph

from renmai.queries.ranking import Ranker


def test_random_graph_is_deterministic_and_valid() -> None:
    first, second = random_graph(7), random_graph(7)
    assert first == second
    assert random_graph(8) != first
    entities, rels = first
    assert len([e for e in entities if e.home]) == 1
    assert len(rels) == 55


def test_oracle_scores_are_products_of_factors() -> None:
    from renmai.queries.weights import RankingWeights

    entities, rels = random_graph(3)
    ranker = Ranker(RankingWeights(), "2016")
    graph = oracle_digraph(entities, rels, ranker, {"n00"})
    assert all(0 < d["factor"] <= 1 for *_, d in graph.edges(data=True))
    assert all(not n.startswith("c") for n in graph.nodes), "containment is never an edge"
