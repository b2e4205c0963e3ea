"""Entity resolution: scripts, punctuation, aliases, romanisations, kind and country."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.loader_helpers import base_store

from renmai.graph.model import Entity, Relationship
from renmai.graph.resolve import EntityIndex, countries_of, resolve, resolve_any
from renmai.graph.sqlite_store import SqliteStore


def _ids(store: SqliteStore | None, text: str, **kwargs: object) -> tuple[str, list[str]]:
    found = resolve(store, text, **kwargs)  # type: ignore[arg-type]
    return found.status, [e.id for e in found.candidates]


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    store = base_store(tmp_path)
    store.write(
        [
            Entity(id="sino-swiss-park", kind="Project", name="中瑞（欧）工业园"),
            Entity(
                id="cuiheng",
                kind="City",
                name="Cuiheng New District",
                aliases=["Cuiheng"],
                properties={"country": "china"},
            ),
            Entity(id="zhongshan-road", kind="City", name="中山路"),
            Entity(id="zhongshan-mountain", kind="City", name="钟山"),
            Entity(id="zhongshan-hill", kind="City", name="中山"),
            Entity(
                id="sgp-assoc",
                kind="Association",
                name="新加坡中山会馆",
                aliases=["Chung Shan Association (Singapore)"],
            ),
            Entity(id="shiqi", kind="City", name="石岐区", properties={"part_of": "zhongshan"}),
        ],
        [],
    )
    return store


def test_traditional_and_simplified(store: SqliteStore) -> None:
    assert _ids(store, "香港中山青年協會") == ("found", ["hk-zs-youth"])
    assert _ids(store, "香港中山青年协会") == ("found", ["hk-zs-youth"])


def test_full_and_half_width_punctuation_and_spacing(store: SqliteStore) -> None:
    assert _ids(store, "中瑞(欧)工业园") == ("found", ["sino-swiss-park"])
    assert _ids(store, " 中瑞 ( 欧 ) 工业园 ") == ("found", ["sino-swiss-park"])
    assert _ids(store, "BURNABY") == ("found", ["burnaby"])


def test_aliases_including_cantonese_romanisations(store: SqliteStore) -> None:
    # "Chung Shan" cannot be derived from 中山 (pinyin: Zhongshan): only the
    # declared alias finds it.
    found = resolve(store, "chung shan", kind="City")
    assert found.entity is not None and found.entity.id == "zhongshan" and found.how == "name"
    assert _ids(store, "Chung Shan Association (Singapore)") == ("found", ["sgp-assoc"])
    assert _ids(store, "Chung Shan Association") == ("missing", [])


def test_pinyin_against_latin_names_and_back(store: SqliteStore) -> None:
    found = resolve(store, "ben na bi")
    assert found.entity is not None and found.entity.id == "burnaby"
    # The pinyin of Chinese text against a Latin-script name.
    found = resolve(store, "翠亨")
    assert found.entity is not None and found.entity.id == "cuiheng"
    assert found.how == "romanisation"


def test_same_pinyin_different_characters_never_match(store: SqliteStore) -> None:
    assert _ids(store, "钟山") == ("found", ["zhongshan-mountain"])
    # A declared English name wins over pinyin derived from characters.
    assert _ids(store, "Zhongshan") == ("found", ["zhongshan"])
    # In Latin letters 中山 and 钟山 are one name: ambiguous, not a guess.
    hills = [Entity(id="a", kind="City", name="中山"), Entity(id="b", kind="City", name="钟山")]
    assert _ids(None, "Zhongshan", batch=hills) == ("ambiguous", ["a", "b"])
    assert _ids(store, "Zhongshan Lu") == ("found", ["zhongshan-road"])


def test_ambiguous_names_use_kind_then_country(store: SqliteStore) -> None:
    assert _ids(store, "仁川") == ("ambiguous", ["incheon", "renchuan-china"])
    assert _ids(store, "仁川", country="korea") == ("found", ["incheon"])
    assert _ids(store, "仁川", country="韩国") == ("found", ["incheon"])
    assert _ids(store, "仁川", country="China") == ("found", ["renchuan-china"])
    # A country that is not known tells nothing apart.
    assert _ids(store, "仁川", country="火星") == ("ambiguous", ["incheon", "renchuan-china"])
    # 中山 is the city (an alias) and a hill: the kind does not help, so it
    # stays ambiguous rather than guessed.
    assert _ids(store, "中山", kind="City") == ("ambiguous", ["zhongshan", "zhongshan-hill"])
    assert _ids(store, "中山", kind="Organization") == ("missing", [])


def test_country_sets_aside_a_single_candidate_elsewhere(store: SqliteStore) -> None:
    found = resolve(store, "Burnaby", country="korea")
    assert found.status == "missing" and [e.id for e in found.set_aside] == ["burnaby"]
    assert "set aside: burnaby" in found.explain()


def test_country_through_the_containment_chain(store: SqliteStore) -> None:
    shiqi = store.get("shiqi")
    assert shiqi is not None
    # 石岐区 PART_OF 中山市 LOCATED_IN 中国.
    assert countries_of(shiqi, store) == {"china"}
    store.write(
        [Entity(id="shiqi-ca", kind="City", name="石岐区", properties={"country": "canada"})], []
    )
    assert _ids(store, "石岐区", country="china") == ("found", ["shiqi"])
    assert _ids(store, "石岐区", country="canada") == ("found", ["shiqi-ca"])


def test_ids_first_and_kinds_respected(store: SqliteStore) -> None:
    assert resolve(store, "burnaby").how == "id"
    assert _ids(store, "burnaby", kind=("Country", "Person")) == ("missing", [])
    assert _ids(store, "  ") == ("missing", [])


def test_the_batch_is_searched_and_wins_over_the_store(store: SqliteStore) -> None:
    renamed = Entity(id="burnaby", kind="City", name="本拿比市", aliases=["本拿比", "Burnaby City"])
    batch = EntityIndex([renamed, Entity(id="markham", kind="City", name="万锦")])
    found = resolve(store, "Burnaby City", batch=batch)
    assert found.entity == renamed
    assert _ids(store, "萬錦", batch=batch) == ("found", ["markham"])
    # Without a store at all.
    assert _ids(None, "万锦", batch=[Entity(id="m", kind="City", name="萬錦")]) == ("found", ["m"])


def test_resolve_any_tries_each_name(store: SqliteStore) -> None:
    found = resolve_any(store, ["本拿比市", "Burnaby"], kind="City")
    assert found.entity is not None and found.entity.id == "burnaby"
    assert resolve_any(store, ["无", "名"]).status == "missing"


def test_explain(store: SqliteStore) -> None:
    assert resolve(store, "仁川").explain() == (
        "'仁川' could be any of: incheon (City 仁川, korea); "
        "renchuan-china (City 仁川, china) — give the id"
    )
    assert resolve(store, "火星").explain() == "no entity named '火星'"


def test_relationships_do_not_confuse_resolution(store: SqliteStore) -> None:
    store.write([], [Relationship(type="PART_OF", from_id="zhongshan-hill", to_id="zhongshan")])
    assert countries_of(store.get("zhongshan-hill"), store) == {"china"}  # type: ignore[arg-type]
