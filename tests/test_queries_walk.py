"""The walking rules of connect, path, neighbors and common on a small hand-made
graph (tests/query_graphs.small_world), on both stores."""

from __future__ import annotations

import json

import pytest
from query_graphs import ent, rel, small_world, write

from renmai.cli.render.paths import affiliation_text
from renmai.graph.model import Entity, Relationship
from renmai.graph.store import Store
from renmai.queries import (
    Connection,
    EntityLookupError,
    NoOrigin,
    common,
    connect,
    lookup,
    neighbors,
    path,
)
from renmai.queries.arrows import path_text
from renmai.queries.network import GraphView
from renmai.queries.ranking import Ranker, ranker_for
from renmai.queries.targets import MEMBER_CAP, place_members
from renmai.queries.walk import (
    LocalGraph,
    WalkRule,
    best_first,
    best_paths,
    explore,
    path_rule,
)
from renmai.queries.weights import RankingWeights


@pytest.fixture
def world(store: Store) -> Store:
    return write(store, small_world())


def contacts(answer: Connection) -> list[str]:
    return [c.entity.id for c in answer.contacts]


def test_a_shared_country_is_never_a_bridge(world: Store) -> None:
    answer = connect(world, "美国")
    assert answer.target.mode == "place"
    assert set(answer.target.members) == {"usa", "us-a", "us-b"}
    # us-a through our cooperation; us-b only through 陈先生, its manager —
    # never through the country both companies are in.
    assert contacts(answer) == ["us-a", "chen"]
    chen = answer.contacts[1]
    assert [n.id for n in chen.paths[0].nodes] == ["fao", "chen", "us-b"]
    # Who a person is comes with them: the posts they hold.
    assert affiliation_text(chen) == "美国乙公司 经理"
    for p in answer.paths:
        assert all(step.relationship.type != "LOCATED_IN" for step in p.steps)


def test_a_country_means_what_is_in_it_represents_it_or_came_through_its_events(
    world: Store,
) -> None:
    answer = connect(world, "以色列")
    members = set(answer.target.members)
    assert {"israel", "icfa", "tel-aviv", "orec", "fair", "il-consulate"} <= members
    found = contacts(answer)
    assert {"icfa", "orec", "il-consulate"} <= set(found)
    by_id = {c.entity.id: c for c in answer.contacts}
    # The company is reached through the event held in Israel: the event is
    # the target, the company the introducer we would call.
    assert [n.id for n in by_id["orec"].paths[0].nodes] == ["fao", "fair", "orec"]
    assert path_text(by_id["icfa"].paths[0]) == (
        "中山市外事侨务局 —签署(2015)→ 友好合作备忘录 ←签署(2015)— 以色列－中国友好协会"
    )
    assert by_id["icfa"].reaches == ["icfa"]


def test_our_own_towns_are_a_first_step_but_never_a_middle_one(world: Store) -> None:
    answer = connect(world, "仁川")
    assert contacts(answer) == ["xiaolan"]
    assert path_text(answer.contacts[0].paths[0]) == "中山市 ←隶属— 小榄镇 —联络(2013)→ 仁川"
    # From the office, the town is behind 中山市, which it may not pass through.
    only_office = connect(world, "仁川", origins=[lookup(world, "fao")])
    assert only_office.contacts == []


def test_hubs_lower_the_paths_through_them(world: Store) -> None:
    answer = connect(world, "以色列－中国友好协会", paths_per_contact=5)
    # The hub is an organization, so it is a contact of its own, ranked
    # below the agreement we signed because of its 27 relationships.
    assert contacts(answer) == ["icfa", "hub"]
    via_hub = answer.contacts[1].paths[0]
    assert path_text(via_hub) == "中山市外事侨务局 —成员→ 大枢纽 ←成员— 以色列－中国友好协会"
    ranker = answer.ranker
    member = ranker.strength(rel("MEMBER_OF", "fao", "hub"), None, None)
    lam = ranker.weights.hop_penalty
    assert ranker.hub(27) < 1
    assert via_hub.score == pytest.approx(member * lam * member * lam * ranker.hub(27))
    flat = connect(world, "以色列－中国友好协会", weights=RankingWeights(hub_degree=1000))
    assert flat.contacts[1].score == pytest.approx(member * lam * member * lam)


def test_keywords_and_sectors_find_what_mentions_them(store: Store) -> None:
    write(
        store,
        (
            [
                ent("zs", "City", "中山市", home=True),
                ent("river", "Organization", "河床俱乐部", description="阿根廷足球豪门"),
                ent("keppel", "Organization", "吉宝集团", tags=["游艇", "yacht"]),
                ent("party", "Organization", "Party Club"),
            ],
            [
                rel("COOPERATES_WITH", "zs", "river", since="2015"),
                rel("LIAISES_WITH", "zs", "keppel"),
                rel("LIAISES_WITH", "zs", "party"),
            ],
        ),
    )
    football = connect(store, "football")
    assert football.target.mode == "keyword"
    assert "足球" in football.target.terms
    assert contacts(football) == ["river"]
    assert contacts(connect(store, "yachting")) == ["keppel"]
    # A Latin keyword matches at the start of a word only.
    with pytest.raises(EntityLookupError, match="nothing mentions"):
        connect(store, "art")


def test_an_ambiguous_target_lists_the_candidates(store: Store) -> None:
    write(
        store,
        (
            [
                ent("zs", "City", "中山市", home=True),
                ent("a1", "Association", "中山同乡会", country="x1"),
                ent("a2", "Association", "中山同乡会", country="x2"),
                ent("x1", "Country", "甲国"),
                ent("x2", "Country", "乙国"),
            ],
            [],
        ),
    )
    with pytest.raises(EntityLookupError) as caught:
        connect(store, "中山同乡会")
    assert "a1" in str(caught.value) and "a2" in str(caught.value)
    with pytest.raises(EntityLookupError, match="give the id"):
        lookup(store, "中山同乡会")


def test_no_home_means_an_error_that_says_what_to_do(store: Store) -> None:
    write(store, ([ent("a", "Person", "甲"), ent("b", "Person", "乙")], []))
    with pytest.raises(NoOrigin, match=r"with origins$") as raised:
        connect(store, "乙")
    assert raised.value.param == "origins"  # the CLI says --from (test_cli_queries)
    answer = connect(store, "乙", origins=[lookup(store, "甲")])
    assert answer.contacts == []


def test_path_between_two_entities_respects_max_hops(world: Store) -> None:
    fao, orec = lookup(world, "fao"), lookup(world, "orec")
    answer = path(world, fao, orec)
    assert [n.id for n in answer.paths[0].nodes] == ["fao", "fair", "orec"]
    assert path(world, fao, orec, max_hops=1).paths == []
    zs, incheon = lookup(world, "zs"), lookup(world, "incheon")
    assert path_text(path(world, zs, incheon).paths[0]) == "中山市 ←隶属— 小榄镇 —联络(2013)→ 仁川"


def test_neighbors_walk_containment_only_from_the_start(world: Store) -> None:
    office = neighbors(world, lookup(world, "fao"), depth=2)
    depth_of = {r.entity.id: r.depth for r in office.rows}
    assert depth_of["zs"] == 1  # its city …
    assert "xiaolan" not in depth_of  # … but not everything in its city
    assert depth_of["icfa"] == 2 and depth_of["spoke-00"] == 2
    israel = neighbors(world, lookup(world, "israel"), depth=2)
    depth_of = {r.entity.id: r.depth for r in israel.rows}
    assert depth_of == {
        "icfa": 1,
        "tel-aviv": 1,
        "fair": 1,
        "il-consulate": 1,
        "orec": 2,  # inward, through Tel Aviv
        "mou": 2,
        "hub": 2,
        "fao": 2,
    }
    only = neighbors(world, lookup(world, "israel"), depth=2, kinds={"Organization"})
    assert {r.entity.id for r in only.rows} == {"orec", "hub", "fao"}
    typed = neighbors(world, lookup(world, "fao"), types={"PARTY_TO"}, depth=2)
    assert [r.entity.id for r in typed.rows] == ["mou", "icfa"]


def test_common_lists_who_sits_between_not_where(world: Store) -> None:
    both = common(world, lookup(world, "fao"), lookup(world, "icfa"))
    assert [r.entity.id for r in both.shared] == ["mou", "hub"]
    assert both.direct is None
    assert both.shared[0].score > both.shared[1].score
    companies = common(world, lookup(world, "us-a"), lookup(world, "us-b"))
    assert companies.shared == []  # the United States is not between them


def test_answers_never_carry_contact_details(world: Store) -> None:
    answer = connect(world, "美国")
    text = json.dumps(answer.to_dict(), ensure_ascii=False)
    assert "陈先生" in text
    assert "+86" not in text and "example.org" not in text


def test_connect_json_shape(world: Store) -> None:
    data = connect(world, "以色列").to_dict()
    assert set(data) == {
        "target",
        "origins",
        "max_hops",
        "reference_date",
        "weights",
        "contacts",
        "direct",
        "successions",
    }
    assert data["successions"] == []  # no post on these paths has changed hands
    assert data["target"]["mode"] == "place" and data["target"]["entity"]["id"] == "israel"
    assert data["reference_date"] == "2016"
    first = data["contacts"][0]
    assert set(first) == {"rank", "contact", "score", "affiliations", "reaches", "paths"}
    step = first["paths"][0]["steps"][0]
    assert set(step) == {"from", "to", "arrow", "strength", "factor", "relationships"}
    assert step["relationships"][0]["sources"][0]["document"] == "test.txt"
    scores = [c["score"] for c in data["contacts"]]
    assert scores == sorted(scores, reverse=True)


def test_connect_subgraph_marks_origins_targets_and_the_best_path(world: Store) -> None:
    answer = connect(world, "以色列")
    sub = answer.subgraph()
    assert sub.origins == {"fao", "zs"}
    assert "israel" in sub.targets and "icfa" in sub.targets
    best = answer.contacts[0].paths[0]
    assert sub.highlighted == {s.relationship.identity for s in best.steps}
    # Each path's end hangs on the country it is in.
    assert any(r.type == "LOCATED_IN" and r.to_id == "israel" for r in sub.relationships.values())
    for rid in sub.relationships:
        assert rid.from_id in sub.entities and rid.to_id in sub.entities


@pytest.mark.parametrize("cap", [MEMBER_CAP, 4])
def test_a_place_sent_as_sketches_has_the_members_of_whole_records(world: Store, cap: int) -> None:
    # The store sends sketches (InwardSketches); a graph held in memory gives
    # whole records: the same members, in the same order, taken in by the
    # same relationships, and the store's members are its whole records.
    israel = lookup(world, "以色列")
    sketched = place_members(world, israel, cap=cap)
    whole = place_members(GraphView(world.to_networkx()), israel, cap=cap)
    assert sketched.sketches is not None and whole.sketches is None
    assert list(sketched.members) == list(whole.members) == list(sketched.sketches)
    assert len(sketched.members) == min(cap, len(whole.members))
    assert sketched.members["icfa"] == world.get("icfa")
    assert dict(sketched.members.items()) == whole.members
    assert dict(sketched.via.items()) == whole.via
    assert "nowhere" not in sketched.members
    with pytest.raises(KeyError):
        sketched.members["nowhere"]
    # Without the origins: the rest is left as it was.
    fewer = sketched.without(["icfa", "fao"])
    assert list(fewer.members) == [i for i in whole.members if i != "icfa"]
    assert "icfa" not in fewer.via and fewer.sketches is not None and "icfa" not in fewer.sketches


def test_parallel_relationships_strengthen_a_step(embedded_store: Store) -> None:
    people = [
        ent("a", "Person", "甲", home=True),
        ent("b", "Person", "乙"),
        ent("c", "Person", "丙"),
    ]
    write(
        embedded_store,
        (
            people,
            [
                rel("KNOWS", "a", "b", since="2016"),
                rel("KNOWS", "a", "c", since="2016"),
                Relationship(type="KNOWS", from_id="a", to_id="c", key="again", since="2016"),
            ],
        ),
    )
    answer = connect(embedded_store, "b", paths_per_contact=1)
    one = answer.contacts[0].score
    again = connect(embedded_store, "c").contacts[0]
    # The stronger of the two, times 1 + per_parallel for the second one.
    assert again.score == pytest.approx(one * (1 + RankingWeights().per_parallel))
    assert len(again.paths[0].steps[0].links) == 2


def test_frontier_caps_keep_the_best_and_stay_deterministic(world: Store) -> None:
    ranker: Ranker = ranker_for(world, RankingWeights())
    homes = {e.id: e for e in world.homes()}
    targets = {"icfa": world.get("icfa")}
    runs = []
    for _ in range(2):
        graph = LocalGraph(ranker, homes, {k: v for k, v in targets.items() if v})
        explore(world, graph, max_hops=4, frontier_cap=3)
        runs.append([[path_text(p) for p in g.paths] for g in best_paths(graph, max_hops=4)])
    assert runs[0] == runs[1]
    assert runs[0][0][0].startswith("中山市外事侨务局 —签署(2015)→ 友好合作备忘录")


def _walked(store: Store, targets: list[str], rule: WalkRule = path_rule) -> LocalGraph:
    """The local graph of a walk from our entities to ``targets``."""
    homes = {e.id: e for e in store.homes()}
    graph = LocalGraph(ranker_for(store), homes, store.get_many(targets), rule=rule)
    explore(store, graph, max_hops=4)
    return graph


def test_best_first_yields_every_path_best_first_and_drops_what_keep_refuses(
    world: Store,
) -> None:
    graph = _walked(world, ["icfa", "israel"])
    every = list(best_first(graph, max_hops=4))
    assert every == [
        ("fao", "mou", "icfa"),
        ("fao", "il-consulate", "israel"),
        ("fao", "fair", "israel"),
        ("fao", "hub", "icfa"),
    ]
    scores = [graph.path(nodes).score for nodes in every]
    assert scores == sorted(scores, reverse=True)
    # What keep refuses goes, with everything it would have led to; the rest
    # keeps its order.
    assert list(best_first(graph, max_hops=4, keep=lambda nodes: "mou" not in nodes)) == every[1:]
    # The grouping takes its paths from the same sequence.
    (group,) = best_paths(graph, max_hops=4, per_group=3)
    assert [tuple(e.id for e in p.nodes) for p in group.paths] == every[:3]


def test_the_walking_rule_is_a_function_the_graph_is_given(world: Store) -> None:
    def no_memberships(graph: LocalGraph, rel: Relationship, u: str, v: str) -> bool:
        return rel.type != "MEMBER_OF" and path_rule(graph, rel, u, v)

    assert [p.nodes[1].id for p in best_paths(_walked(world, ["icfa"]), max_hops=4)[0].paths] == [
        "mou",
        "hub",
    ]
    graph = _walked(world, ["icfa"], rule=no_memberships)
    (group,) = best_paths(graph, max_hops=4)
    assert [[e.id for e in p.nodes] for p in group.paths] == [["fao", "mou", "icfa"]]


def test_entities_are_found_by_any_of_their_names(world: Store) -> None:
    assert lookup(world, "Israel").id == "israel"
    assert lookup(world, "以色列－中國友好協會").id == "icfa"
    with pytest.raises(EntityLookupError, match="did you mean"):
        lookup(world, "以色列中国友好")
    assert isinstance(lookup(world, "chen"), Entity)
