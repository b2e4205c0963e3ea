"""Graphs for the query tests, and the independent oracle they are checked against.

* :func:`small_world`: a hand-made graph with homes, places, an agreement,
  an event and a hub, for the rules of the walk.
* :func:`random_graph`: a seeded random graph of people, organizations and
  associations, with dates, sources, parallel relationships and geographic
  containment that must never be a bridge.
* :func:`oracle_digraph` and :func:`brute_force_paths`: the documented scoring
  laid over networkx, so that networkx's own shortest-path functions (and its
  simple-path enumeration) give the answers the queries must match.

The helpers themselves are checked in ``tests/test_query_graphs.py``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from renmai.graph.model import Entity, Relationship, Source, implied_relationships
from renmai.graph.store import Store
from renmai.queries.kinds import is_geographic
from renmai.queries.ranking import Ranker

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "zhongshan"


def src(excerpt: str = "seen", document: str = "test.txt") -> list[Source]:
    return [Source(document=document, excerpt=excerpt)]


def ent(entity_id: str, kind: str, name: str, **fields: object) -> Entity:
    """An entity; ``home``, ``name_en``, ``aliases``, ``tags``, ``description``
    go to the core fields, anything else to the kind's properties."""
    core = {
        k: fields.pop(k)
        for k in ("home", "name_en", "aliases", "tags", "description")
        if k in fields
    }
    return Entity(id=entity_id, kind=kind, name=name, properties=fields, sources=src(name), **core)


def rel(
    rel_type: str, a: str, b: str, *, since: str | None = None, n_sources: int = 1, **props: object
) -> Relationship:
    return Relationship(
        type=rel_type,
        from_id=a,
        to_id=b,
        since=since,
        properties=props,
        sources=[
            Source(document="test.txt", excerpt=f"{a} {rel_type} {b} #{i}")
            for i in range(n_sources)
        ],
    )


def small_world() -> tuple[list[Entity], list[Relationship]]:
    """中山 (home city) and its office; Israel with an association, a company
    and a city; the USA with two companies that only share their country;
    an MOU, an event in Israel with a hub of participants, and a town of ours."""
    entities = [
        ent("china", "Country", "中国", name_en="China"),
        ent("israel", "Country", "以色列", name_en="Israel"),
        ent("usa", "Country", "美国", name_en="United States"),
        ent("zs", "City", "中山市", name_en="Zhongshan", home=True, country="china"),
        ent("xiaolan", "City", "小榄镇", level="town", part_of="zs"),
        ent("incheon", "City", "仁川", country="china"),
        ent("fao", "Organization", "中山市外事侨务局", home=True, city="zs", category="government"),
        ent("tel-aviv", "City", "特拉维夫", country="israel"),
        ent("icfa", "Association", "以色列－中国友好协会", country="israel", category="friendship"),
        ent("orec", "Organization", "以色列奥睿克资本集团", city="tel-aviv", category="company"),
        ent("us-a", "Organization", "美国甲公司", country="usa"),
        ent("us-b", "Organization", "美国乙公司", country="usa"),
        ent("mou", "Agreement", "友好合作备忘录", date="2015", category="mou"),
        ent("fair", "Event", "以色列交流会", date="2015-06", place="israel"),
        ent("hub", "Organization", "大枢纽", category="other"),
        ent("il-consulate", "Consulate", "以色列驻穗领馆", country="israel"),
        ent("chen", "Person", "陈先生", phone="+86 760 1234", email="chen@example.org"),
    ]
    rels = [
        rel("PARTY_TO", "fao", "mou", since="2015"),
        rel("PARTY_TO", "icfa", "mou", since="2015"),
        rel("ORGANIZED", "fao", "fair"),
        rel("PARTICIPATED_IN", "orec", "fair"),
        rel("COOPERATES_WITH", "fao", "us-a", since="2014"),
        rel("LIAISES_WITH", "xiaolan", "incheon", since="2013"),
        rel("HOLDS_POSITION", "chen", "us-b", title="经理"),
        rel("LIAISES_WITH", "fao", "chen", since="2016"),
        rel("LIAISES_WITH", "fao", "il-consulate", since="2012"),
    ]
    # A hub: twenty-five organizations joined to it, one of them the office.
    for i in range(25):
        entities.append(ent(f"spoke-{i:02d}", "Organization", f"辐条{i:02d}"))
        rels.append(rel("MEMBER_OF", f"spoke-{i:02d}", "hub"))
    rels.append(rel("MEMBER_OF", "fao", "hub"))
    rels.append(rel("MEMBER_OF", "icfa", "hub"))
    return entities, rels


KINDS = ("Person", "Organization", "Association")
PAIR_TYPES = {
    ("Person", "Person"): ("KNOWS",),
    ("Person", "Organization"): ("HOLDS_POSITION", "MEMBER_OF", "LIAISES_WITH"),
    ("Person", "Association"): ("HOLDS_POSITION", "MEMBER_OF", "LIAISES_WITH"),
    ("Organization", "Organization"): ("COOPERATES_WITH", "LIAISES_WITH", "FRIENDSHIP_MOU_WITH"),
    ("Organization", "Association"): ("COOPERATES_WITH", "MEMBER_OF", "LIAISES_WITH"),
    ("Association", "Association"): ("COOPERATES_WITH", "FRIENDSHIP_MOU_WITH", "MEMBER_OF"),
    ("Association", "Organization"): ("COOPERATES_WITH", "MEMBER_OF", "LIAISES_WITH"),
    ("Organization", "Person"): ("LIAISES_WITH",),
    ("Association", "Person"): ("LIAISES_WITH",),
}


def random_graph(
    seed: int, n: int = 28, m: int = 55, homes: int = 1, countries: int = 3
) -> tuple[list[Entity], list[Relationship]]:
    """A seeded random network: ``n`` agents (the first ``homes`` of them "us"),
    ``m`` relationships of the kinds their kinds allow — some of them parallel,
    with random years and source counts — and every agent LOCATED_IN one of a
    few countries (containment that the walk must never use as a bridge)."""
    rng = random.Random(seed)
    entities = [Entity(id=f"c{i}", kind="Country", name=f"国{i}") for i in range(countries)]
    agents = []
    for i in range(n):
        kind = rng.choice(KINDS)
        agents.append(
            Entity(
                id=f"n{i:02d}",
                kind=kind,
                name=f"节点{i:02d}",
                home=i < homes,
                properties={"country": f"c{rng.randrange(countries)}"},
            )
        )
    entities += agents
    rels: dict[tuple[str, str, str], Relationship] = {}
    while len(rels) < m:
        a, b = rng.sample(agents, 2)
        types = PAIR_TYPES.get((a.kind, b.kind))
        if not types:
            continue
        rel_type = rng.choice(types)
        since = str(rng.randint(2000, 2016)) if rng.random() < 0.8 else None
        r = Relationship(
            type=rel_type,
            from_id=a.id,
            to_id=b.id,
            since=since,
            sources=[Source(document="random", excerpt=str(k)) for k in range(rng.randint(0, 3))],
        )
        rels.setdefault((r.type, r.from_id, r.to_id), r)
    return entities, list(rels.values())


def write(store: Store, graph: tuple[Sequence[Entity], Sequence[Relationship]]) -> Store:
    store.write(list(graph[0]), list(graph[1]))
    return store


def load_reference(store: Store) -> Store:
    from renmai.loaders import load

    load(store, [REFERENCE])
    return store


def reference_in_neo4j(target: Any) -> Iterator[Store]:
    """The reference graph in the session's Neo4j (a ``neo4j_target``), for a
    module-scoped fixture: cleared and loaded first, closed afterwards."""
    from renmai.graph.neo4j_store import Neo4jStore

    store = Neo4jStore(target.uri, username=target.username, password=target.password)
    store.clear()
    load_reference(store)
    try:
        yield store
    finally:
        store.close()


# -- the oracle -------------------------------------------------------------------------------


def oracle_digraph(
    entities: Iterable[Entity],
    relationships: Iterable[Relationship],
    ranker: Ranker,
    origins: set[str],
    place_targets: Collection[str] = (),
) -> nx.DiGraph:
    """Both directions of every pair joined by something other than geographic
    containment, weighted ``−log(step × hop_penalty × hub(u))`` as
    ``docs/ranking.md`` defines it (hub 1 at an origin), with the step's score
    factor kept as ``factor``; geographic containment only upward into one of
    ``place_targets`` (the last step into a place asked about)."""
    by_id = {e.id: e for e in entities}
    # The store adds what reference fields imply (an entity's country …).
    rels = list(relationships) + [r for e in by_id.values() for r in implied_relationships(e)]
    degree: dict[str, int] = {}
    for r in rels:
        for end in r.ends:
            degree[end] = degree.get(end, 0) + 1
    pairs: dict[tuple[str, str], list[float]] = {}
    into_places: dict[tuple[str, str], list[float]] = {}
    for r in rels:
        strength = ranker.strength(r, by_id[r.from_id], by_id[r.to_id])
        if not is_geographic(r, by_id[r.to_id]):
            pairs.setdefault((min(r.ends), max(r.ends)), []).append(strength)
        elif r.to_id in place_targets:
            into_places.setdefault(r.ends, []).append(strength)
    steps = [((a, b), s) for (a, b), s in pairs.items()]
    steps += [((b, a), s) for (a, b), s in pairs.items()]
    steps += list(into_places.items())
    graph = nx.DiGraph()
    lam = ranker.weights.hop_penalty
    for (u, v), strengths in steps:
        hub = 1.0 if u in origins else ranker.hub(degree[u])
        factor = ranker.combine(strengths) * lam * hub
        graph.add_edge(u, v, factor=factor, weight=-math.log(factor))
    return graph


def path_score(graph: nx.DiGraph, nodes: Sequence[str]) -> float:
    score = 1.0
    for u, v in itertools.pairwise(nodes):
        score *= graph[u][v]["factor"]
    return score


def brute_force_paths(
    graph: nx.DiGraph, origins: set[str], targets: set[str], cutoff: int
) -> list[tuple[float, tuple[str, ...]]]:
    """Every simple path of at most ``cutoff`` hops from an origin to a target
    that passes through no other origin or target, with its score, best first."""
    found = []
    undirected = graph.to_undirected()
    for s in origins:
        for t in targets:
            if s not in undirected or t not in undirected or s == t:
                continue
            for nodes in nx.all_simple_paths(undirected, s, t, cutoff=cutoff):
                middle = set(nodes[1:-1])
                if middle & origins or middle & targets:
                    continue
                found.append((path_score(graph, nodes), tuple(nodes)))
    found.sort(key=lambda p: (-p[0], p[1]))
    return found
