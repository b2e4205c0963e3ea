"""Every query on the Zhongshan reference graph (data/zhongshan), on both stores.

Two things are checked:

* what the seed document says (data/zhongshan/source.txt): asking who gets us
  to 以色列, 巴西, 硅谷, 哥斯达黎加, 阿根廷, 新加坡, 瑞士, 斯里兰卡, 澳门 or 香港
  surfaces the organizations and people it names for each;
* one answer whichever store: the embedded store and Neo4j give identical
  answers, JSON for JSON, for every query.

The reference graph is loaded once per store for the module.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from query_graphs import load_reference, reference_in_neo4j

from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store
from renmai.queries import (
    Connection,
    brokers,
    common,
    connect,
    coverage,
    describe,
    lookup,
    neighbors,
    path,
    search,
    stale,
)
from renmai.queries.arrows import path_text


@pytest.fixture(scope="module")
def reference_embedded(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = SqliteStore(tmp_path_factory.mktemp("reference") / "graph.db")
    return load_reference(store)


@pytest.fixture(scope="module")
def reference_neo4j(neo4j_target: Any) -> Iterator[Store]:
    yield from reference_in_neo4j(neo4j_target)


@pytest.fixture(params=["embedded", "neo4j"])
def reference(request: pytest.FixtureRequest) -> Store:
    """The reference graph in each store in turn."""
    if request.param == "neo4j":
        request.applymarker(pytest.mark.neo4j)
    store: Store = request.getfixturevalue(f"reference_{request.param}")
    return store


# -- §2: what the seed document says --------------------------------------------------------

#: For each target: names (or a distinctive part of them) that must be among
#: the contacts we would call, and ones that must appear somewhere in the
#: answer (on a path, or as a contact's post). From source.txt.
EXPECTED: dict[str, tuple[list[str], list[str]]] = {
    # 与以色列－中国友好协会、亚太菁英会……共同签署友好合作备忘录；与以色列奥睿克资本集团签署……
    "以色列": (
        ["以色列－中国友好协会", "亚太菁英会", "以色列奥睿克资本集团"],
        ["以色列科技创新及人才交流会"],
    ),
    # 巴西驻穗领馆大力支持我市企业赴巴西参加“环球资源采购交易会”
    "巴西": (["巴西驻穗领馆"], ["环球资源采购交易会"]),
    # 华源科技协会高级总监黄红星，在硅谷合作设立美国中山创新创业孵化基地
    "硅谷": (["黄红星"], ["华源科技协会", "创新创业孵化基地"]),
    # 出席了哥斯达黎加全国运动会开幕式，该国劳拉总统亲自会见代表团一行
    "哥斯达黎加": (["劳拉", "哥斯达黎加"], ["哥斯达黎加全国运动会"]),
    # 中山市与阿根廷足球豪门——河床俱乐部签署合作协议
    "阿根廷": (["河床俱乐部"], ["河床俱乐部合作协议"]),
    # 新加坡吉宝集团旗下的吉宝湾项目；以新加坡中山会馆为试点
    "新加坡": (["吉宝集团", "新加坡中山会馆"], ["吉宝湾"]),
    # 拜访全球制药业巨头瑞士诺华集团；在瑞士苏黎世高端论坛上推介
    "瑞士": (["诺华集团"], ["苏黎世高端论坛"]),
    # 市旅游局与斯里兰卡国家旅游推广局签署了《友好合作备忘录》；斯里兰卡绘画比赛
    "斯里兰卡": (["斯里兰卡"], ["斯里兰卡国家旅游推广局", "斯里兰卡绘画比赛"]),
    # 澳门中山青年协会；澳门科技大学；游艇自由行项目合作协议书
    "澳门": (["澳门中山青年协会", "澳门科技大学", "澳门"], ["游艇自由行"]),
    # 香港中山青年协会、香港青年专业联盟；香港理工大学；香港职业训练局；香港中文大学崇基学院
    "香港": (
        ["香港中山青年协会", "香港青年专业联盟", "香港理工大学", "香港职业训练局"],
        ["香港中文大学崇基学院"],
    ),
}


def surfaced(answer: Connection) -> set[str]:
    names = {n.name for p in answer.paths for n in p.nodes}
    names |= {a.entity.name for c in answer.contacts for a in c.affiliations}
    return names


def _has(names: set[str], wanted: str) -> bool:
    return wanted in names or any(wanted in name for name in names)


@pytest.mark.parametrize("target", list(EXPECTED))
def test_connect_surfaces_what_the_document_names(reference: Store, target: str) -> None:
    answer = connect(reference, target)
    assert answer.target.mode == "place"
    contacts = [c.entity.name for c in answer.contacts]
    want_contacts, want_anywhere = EXPECTED[target]
    for name in want_contacts:
        assert name in contacts, f"{target}: {name} not among the contacts {contacts}"
    names = surfaced(answer)
    for name in want_anywhere:
        assert _has(names, name), f"{target}: nothing named like {name} in {sorted(names)}"
    # Best first, and the best is someone the document names for the target.
    scores = [c.score for c in answer.contacts]
    assert scores == sorted(scores, reverse=True)
    assert contacts[0] in want_contacts or any(w in contacts[0] for w in want_contacts)


def test_every_path_starts_at_home_and_never_bridges_a_place(reference: Store) -> None:
    homes = {e.id for e in reference.homes()}
    assert {e.name for e in reference.homes()} >= {"中山市", "中山市外事侨务局"}
    for target in EXPECTED:
        answer = connect(reference, target)
        place = answer.target.entity
        assert place is not None
        for p in answer.paths:
            assert p.nodes[0].id in homes
            assert not homes & {n.id for n in p.nodes[1:]}
            for step in p.steps[1:-1]:
                for link in step.links:
                    assert link.relationship.type not in ("LOCATED_IN",), path_text(p)
            assert p.hops <= 4


@pytest.mark.parametrize(
    ("keyword", "contact"),
    [
        ("游艇", "吉宝集团"),
        ("football", "河床俱乐部"),
        ("biotech", "诺华集团"),
        ("足球", "河床俱乐部"),
    ],
)
def test_sectors_and_keywords(reference: Store, keyword: str, contact: str) -> None:
    answer = connect(reference, keyword)
    assert answer.target.mode == "keyword"
    assert answer.contacts[0].entity.name == contact


def test_lookups_around_connect(reference: Store) -> None:
    fao = lookup(reference, "市外事侨务局")
    river = lookup(reference, "河床俱乐部")
    route = path(reference, fao, river)
    assert route.paths[0].hops == 1
    assert path_text(route.paths[0]).startswith("中山市外事侨务局 —联络")
    near = neighbors(reference, river)
    assert "阿根廷" in {r.entity.name for r in near.rows}
    both = common(
        reference, lookup(reference, "以色列－中国友好协会"), lookup(reference, "亚太菁英会")
    )
    shared = [r.entity.name for r in both.shared]
    assert shared[0] == "中山市与以色列－中国友好协会、亚太菁英会友好合作备忘录"
    assert "以色列" not in shared  # a shared country is not between them


def test_brokers_coverage_and_stale(reference: Store) -> None:
    top = brokers(reference, limit=10)
    assert top and all(not b.entity.home for b in top)
    assert top[0].articulation and top[0].lost > 0
    rows = {r.name: r for r in coverage(reference).rows}
    # The document gives no year for the Israeli ties: they are undated, not stale.
    assert rows["以色列"].status in ("live", "undated") and rows["以色列"].contacts >= 3
    assert rows["以色列"].relationships >= 10 and rows["以色列"].stale == 0
    assert rows["巴西"].status == "live" and rows["巴西"].last == "2013"
    assert rows["中国"].status == "home"
    assert {r.status for r in rows.values()} <= {"home", "live", "stale", "undated", "none"}
    old = stale(reference, "2014")
    assert old and all(r.last is not None and r.last < "2014" for r in old)
    assert any(r.ours for r in old)


# -- §5: one answer, whichever store ----------------------------------------------------------

Query = Callable[[Store], Any]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _connect(target: str) -> Query:
    return lambda store: connect(store, target).to_dict()


QUERIES: dict[str, Query] = {
    **{
        f"connect {t}": _connect(t)
        for t in [*EXPECTED, "游艇", "football", "biotech", "河床俱乐部", "黄红星"]
    },
    "connect --from 本拿比": lambda s: connect(
        s, "香港", origins=[lookup(s, "本拿比")], max_hops=5
    ).to_dict(),
    "path": lambda s: path(s, lookup(s, "中山市"), lookup(s, "诺华集团")).to_dict(),
    "path 2 hops": lambda s: path(
        s, lookup(s, "香港理工大学"), lookup(s, "澳门科技大学"), max_hops=6
    ).to_dict(),
    "neighbors": lambda s: neighbors(s, lookup(s, "中山市外事侨务局"), depth=2).to_dict(),
    "neighbors of a country": lambda s: neighbors(s, lookup(s, "美国"), depth=2).to_dict(),
    "common": lambda s: common(s, lookup(s, "中山市"), lookup(s, "澳门")).to_dict(),
    "brokers": lambda s: [b.as_row() for b in brokers(s, limit=None)],
    "coverage": lambda s: coverage(s).to_dict(),
    "coverage by region": lambda s: coverage(s, by="region", since="2015").to_dict(),
    "stale": lambda s: [r.to_dict() for r in stale(s, "2015", include_undated=True)],
    "search": lambda s: [
        h.as_row() for q in ("中山", "Hong Kong", "zhongshan") for h in search(s, q)
    ],
    "show": lambda s: describe(s, lookup(s, "中山市外事侨务局")).to_dict(),
}


@pytest.mark.neo4j
@pytest.mark.parametrize("name", list(QUERIES))
def test_both_stores_give_the_same_answer(
    reference_embedded: Store, reference_neo4j: Store, name: str
) -> None:
    query = QUERIES[name]
    assert _json(query(reference_embedded)) == _json(query(reference_neo4j))


def test_reference_graph_loads_to_the_same_counts(
    reference_embedded: Store, tmp_path: Path
) -> None:
    again = load_reference(SqliteStore(tmp_path / "again.db"))
    assert again.counts() == reference_embedded.counts()
    assert sum(reference_embedded.counts().entities.values()) > 150
