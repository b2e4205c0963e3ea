"""Ranked name search and `show`'s entity detail, on both stores."""

from __future__ import annotations

import pytest
from query_graphs import ent, rel, write

from renmai.graph.store import Store
from renmai.queries import describe, lookup, search
from renmai.queries.search import SearchHit, match, score_key


@pytest.fixture
def names(store: Store) -> Store:
    return write(
        store,
        (
            [
                ent("switzerland", "Country", "瑞士", name_en="Switzerland"),
                ent(
                    "novartis",
                    "Organization",
                    "诺华集团",
                    name_en="Novartis",
                    aliases=["瑞士诺华集团"],
                    country="switzerland",
                ),
                ent("visit", "Event", "拜访瑞士诺华集团", date="2014"),
                ent(
                    "sg-csa",
                    "Association",
                    "新加坡中山会馆",
                    name_en="Chung Shan Association (Singapore)",
                ),
                ent("hk-youth", "Association", "香港中山青年协会"),
                ent("hk-office", "Organization", "香港中山青年协会中山联络处", parent="hk-youth"),
                ent("river", "Organization", "河床俱乐部", name_en="Club Atlético River Plate"),
                ent("zs", "City", "中山市", name_en="Zhongshan", home=True),
                ent(
                    "chen",
                    "Person",
                    "陈先生",
                    title="会长",
                    phone="+86 760 0000",
                    email="chen@example.org",
                ),
            ],
            [
                rel("PARTICIPATED_IN", "novartis", "visit"),
                rel("LIAISES_WITH", "zs", "novartis", since="2014"),
                rel("HOLDS_POSITION", "chen", "sg-csa", title="会长"),
                rel("LIAISES_WITH", "zs", "chen"),
            ],
        ),
    )


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.entity.id for h in hits]


def test_exact_beats_prefix_beats_contains(names: Store) -> None:
    hits = search(names, "香港中山青年协会")
    assert ids(hits)[:2] == ["hk-youth", "hk-office"]
    assert [h.how for h in hits[:2]] == ["exact", "prefix"]
    hits = search(names, "诺华集团")
    assert ids(hits)[:2] == ["novartis", "visit"]
    assert hits[1].how == "contains" and hits[0].score > hits[1].score


def test_traditional_characters_match_simplified_names(names: Store) -> None:
    assert ids(search(names, "香港中山青年協會"))[0] == "hk-youth"
    assert search(names, "諾華")[0].entity.id == "novartis"


def test_english_names_aliases_and_pinyin(names: Store) -> None:
    assert search(names, "Novartis")[0].how == "exact"
    assert search(names, "novartis")[0].entity.id == "novartis"
    assert ids(search(names, "river plate")) == ["river"]
    assert search(names, "瑞士诺华集团")[0].name == "瑞士诺华集团"
    top = search(names, "zhongshan")[0]
    assert top.entity.id == "zs" and top.how == "exact"
    assert "sg-csa" in ids(search(names, "xinjiapo"))


def test_small_typos_are_forgiven(names: Store) -> None:
    hit = search(names, "Novarits")[0]
    assert (hit.entity.id, hit.how) == ("novartis", "fuzzy")
    assert search(names, "Chung Shan Asociation")[0].entity.id == "sg-csa"


def test_kind_filter_and_limit(names: Store) -> None:
    assert ids(search(names, "诺华", kind="Event")) == ["visit"]
    assert len(search(names, "中山", limit=2)) == 2
    assert search(names, "   ") == []
    assert search(names, "完全无关的东西") == []


def test_scores_of_keys() -> None:
    assert score_key("abc", "abc") == (100.0, "exact")
    assert score_key("ab", "abcd") == (95.0, "prefix")
    assert score_key("bc", "abcd") == (85.0, "contains")
    assert score_key("abce", "abcd") == (56.25, "fuzzy")
    assert score_key("xyz", "abcd") is None


def test_cross_script_matches_score_a_little_less(names: Store) -> None:
    zs = lookup(names, "zs")
    same_script = match(zs, "中山市")
    across = match(zs, "zhongshanshi")
    assert same_script is not None and across is not None
    assert same_script.score == 100 and across.score == 98


def test_describe_groups_relationships_by_kind_in_schema_order(names: Store) -> None:
    detail = describe(names, lookup(names, "novartis"))
    assert list(detail.relationships) == ["LOCATED_IN", "PARTICIPATED_IN", "LIAISES_WITH"]
    data = detail.to_dict()
    assert data["entity"]["name_en"] == "Novartis"
    groups = {g["type"]: g for g in data["relationships"]}
    assert groups["LIAISES_WITH"]["relationships"][0]["direction"] == "in"
    assert groups["LIAISES_WITH"]["relationships"][0]["other"]["name"] == "中山市"
    assert groups["LIAISES_WITH"]["label"] == "联络"


def test_describe_hides_contact_details_unless_asked(names: Store) -> None:
    detail = describe(names, lookup(names, "陈先生"))
    hidden = detail.to_dict()["entity"]["properties"]
    assert hidden == {"title": "会长"}
    shown = detail.to_dict(show_contacts=True)["entity"]["properties"]
    assert shown["phone"] == "+86 760 0000" and shown["email"] == "chen@example.org"
