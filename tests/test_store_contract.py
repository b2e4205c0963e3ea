"""The store contract: the same tests against the embedded store and a real Neo4j."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from neo4j import GraphDatabase

from renmai.graph.model import Entity, Relationship, RelationshipId, Source
from renmai.graph.schema import SCHEMA
from renmai.graph.store import (
    IntegrityError,
    InwardSketches,
    Neighbor,
    Store,
    Versioned,
    delete_entity,
    delete_relationship,
    sketch_neighbors,
)

SRC = Source(document="测试文档", excerpt="中山市与本拿比市结为友好城市", locator="line 1")


def _entities() -> list[Entity]:
    return [
        Entity(id="china", kind="Country", name="中国", name_en="China"),
        Entity(id="canada", kind="Country", name="加拿大", name_en="Canada"),
        Entity(
            id="zhongshan",
            kind="City",
            name="中山市",
            name_en="Zhongshan",
            aliases=["Chung Shan"],
            home=True,
            properties={"country": "china", "level": "city"},
            sources=[SRC],
        ),
        Entity(
            id="burnaby",
            kind="City",
            name="本拿比",
            name_en="Burnaby",
            properties={"country": "canada"},
        ),
        Entity(
            id="hk-zs-youth",
            kind="Association",
            name="香港中山青年協會",
            aliases=["Hong Kong Zhongshan Youth Association"],
            properties={"category": "youth"},
        ),
        Entity(
            id="wong",
            kind="Person",
            name="黄红星",
            properties={"title": "高级总监", "phone": "+1 555 0100"},
        ),
    ]


def _relationships() -> list[Relationship]:
    return [
        Relationship(
            type="SISTER_CITY_OF", from_id="zhongshan", to_id="burnaby", since="2012", sources=[SRC]
        ),
        Relationship(
            type="MEMBER_OF", from_id="wong", to_id="hk-zs-youth", properties={"role": "会员"}
        ),
        Relationship(type="SUPPORTED", from_id="zhongshan", to_id="hk-zs-youth", since="2014"),
    ]


@pytest.fixture
def loaded(store: Store) -> Store:
    store.write(_entities(), _relationships())
    return store


def test_write_reports_created_then_unchanged(store: Store) -> None:
    first = store.write(_entities(), _relationships())
    assert first.total("created") == 6 + 3 + 2  # two LOCATED_IN implied by `country`
    assert first.total("updated") == 0
    second = store.write(_entities(), _relationships())
    assert second.total("created") == 0
    assert second.total("unchanged") == first.total("created")
    assert not second.changed


def test_has_entities_tells_an_empty_store_from_a_loaded_one(store: Store) -> None:
    assert not store.has_entities()
    store.write(_entities(), _relationships())
    assert store.has_entities()


def test_loading_twice_changes_no_counts(loaded: Store) -> None:
    before = loaded.counts()
    loaded.write(_entities(), _relationships())
    assert loaded.counts() == before
    assert before.entities == {"Association": 1, "City": 2, "Country": 2, "Person": 1}
    assert before.relationships == {
        "LOCATED_IN": 2,
        "MEMBER_OF": 1,
        "SISTER_CITY_OF": 1,
        "SUPPORTED": 1,
    }


def test_get_round_trips_every_field(loaded: Store) -> None:
    zhongshan = loaded.get("zhongshan")
    assert zhongshan == _entities()[2]
    assert loaded.get("nowhere") is None
    assert set(loaded.get_many(["china", "burnaby", "nowhere"])) == {"china", "burnaby"}


def test_personal_fields_are_stored(loaded: Store) -> None:
    person = loaded.get("wong")
    assert person is not None
    assert person.properties["phone"] == "+1 555 0100"
    assert "phone" not in person.public().properties


def test_find_by_name_alias_traditional_and_pinyin(loaded: Store) -> None:
    assert [e.id for e in loaded.find("中山市")] == ["zhongshan"]
    assert [e.id for e in loaded.find("chung shan")] == ["zhongshan"]
    assert [e.id for e in loaded.find("香港中山青年协会")] == ["hk-zs-youth"]
    assert [e.id for e in loaded.find("Burnaby")] == ["burnaby"]
    assert [e.id for e in loaded.find("bennabi")] == ["burnaby"]
    assert loaded.find("中山市", kind="Country") == []


def test_holders_are_what_find_gives_name_by_name(loaded: Store) -> None:
    names = ["中山市", "chung shan", "Burnaby", "bennabi", "加拿大", "nowhere", "中山"]
    held = loaded.holders(names)
    assert list(held) == names
    assert held == {n: {e.id: e.kind for e in loaded.find(n)} for n in names}
    assert held["bennabi"] == {"burnaby": "City"}
    assert held["nowhere"] == {} and held["中山"] == {}


def test_kinds_are_those_of_the_entities_get_many_gives(loaded: Store) -> None:
    ids = ["zhongshan", "burnaby", "canada", "no-such-id", "中山市"]
    assert loaded.kinds(ids) == {i: e.kind for i, e in loaded.get_many(ids).items()}
    assert loaded.kinds(ids)["burnaby"] == "City" and "no-such-id" not in loaded.kinds(ids)
    assert loaded.kinds([]) == {}


def test_find_is_exact_for_long_and_quoted_names(store: Store) -> None:
    # Names that share a long beginning, and Lucene's own syntax in a name:
    # each is found as itself, and only a whole name matches.
    long_a, long_b = "华" * 300 + "甲", "华" * 300 + "乙"
    odd = 'The "Quoted" \\ Society (a*b?) OR x:y'
    store.write(
        [
            Entity(id="long-a", kind="Organization", name=long_a),
            Entity(id="long-b", kind="Organization", name=long_b),
            Entity(id="odd", kind="Organization", name=odd),
        ],
        [],
    )
    assert [e.id for e in store.find(long_a)] == ["long-a"]
    assert [e.id for e in store.find(long_b)] == ["long-b"]
    assert store.find("华" * 300) == []
    assert [e.id for e in store.find(odd)] == ["odd"]
    assert store.find("The Quoted Society") == []
    assert store.holders([long_a, odd, "x"]) == {
        long_a: {"long-a": "Organization"},
        odd: {"odd": "Organization"},
        "x": {},
    }


def test_neighbors_direction_and_type_filters(loaded: Store) -> None:
    both = loaded.neighbors("zhongshan")
    assert {(n.relationship.type, n.entity.id, n.outgoing) for n in both} == {
        ("LOCATED_IN", "china", True),
        # Symmetric: stored with ends in id order, so burnaby -> zhongshan.
        ("SISTER_CITY_OF", "burnaby", False),
        ("SUPPORTED", "hk-zs-youth", True),
    }
    out = loaded.neighbors("zhongshan", direction="out")
    assert {n.entity.id for n in out} == {"china", "hk-zs-youth"}
    incoming = loaded.neighbors("zhongshan", direction="in")
    assert {n.entity.id for n in incoming} == {"burnaby"}
    typed = loaded.neighbors("zhongshan", types=["SISTER_CITY_OF"])
    assert [n.entity.id for n in typed] == ["burnaby"]
    assert loaded.neighbors("nowhere") == []


def test_neighbors_many_matches_neighbors(loaded: Store) -> None:
    many = loaded.neighbors_many(["zhongshan", "wong", "canada", "nowhere"])
    assert set(many) == {"zhongshan", "wong", "canada"}
    for entity_id, found in many.items():
        assert found == loaded.neighbors(entity_id)
    # Filtered reads (the embedded store answers them from what it kept above).
    for direction in ("out", "in", "both"):
        for types in (None, ["LOCATED_IN"], ["SISTER_CITY_OF", "SUPPORTED"]):
            filtered = loaded.neighbors_many(["zhongshan"], direction=direction, types=types)
            assert filtered["zhongshan"] == loaded.neighbors(
                "zhongshan", direction=direction, types=types
            )


def test_filtered_reads_before_a_whole_read_are_its_filters(loaded: Store) -> None:
    # The embedded store reads a filtered neighbourhood by itself until the
    # whole list is kept: both ways must give the same neighbours, in order.
    ids = ["zhongshan", "canada", "wong"]
    cases = [
        (direction, types)
        for direction in ("out", "in", "both")
        for types in (("LOCATED_IN",), ("SISTER_CITY_OF", "SUPPORTED"), None)
        if (direction, types) != ("both", None)
    ]
    first = {case: loaded.neighbors_many(ids, direction=case[0], types=case[1]) for case in cases}
    whole = loaded.neighbors_many(ids)
    assert sum(len(found) for found in whole.values()) > 3
    for (direction, types), found in first.items():
        assert set(found) == set(whole)
        for entity_id, neighbors in whole.items():
            assert found[entity_id] == [
                n
                for n in neighbors
                if (direction == "both" or n.outgoing == (direction == "out"))
                and (types is None or n.relationship.type in types)
            ]


def test_neighbors_many_among_keeps_only_those_ends(loaded: Store) -> None:
    among = ["burnaby", "china", "nowhere"]
    many = loaded.neighbors_many(["zhongshan", "wong", "canada"], among=among)
    for entity_id, found in many.items():
        assert found == [n for n in loaded.neighbors(entity_id) if n.entity.id in among]
    assert {n.entity.id for n in many["zhongshan"]} == {"burnaby", "china"}
    assert loaded.neighbors_many(["zhongshan"], among=[]) == {"zhongshan": []}
    # The full neighbourhood is unaffected by an earlier filtered read.
    assert len(loaded.neighbors_many(["zhongshan"])["zhongshan"]) == 3


def test_neighbors_many_among_a_long_list(loaded: Store) -> None:
    # As long as a country's members, where a walk's sides meet: read another
    # way than a few ids are (the embedded store filters instead of probing).
    among = [f"member-{i:05d}" for i in range(30_000)] + ["burnaby", "china"]
    many = loaded.neighbors_many(["zhongshan", "wong", "canada"], among=among)
    assert {n.entity.id for n in many["zhongshan"]} == {"burnaby", "china"}
    whole = loaded.neighbors_many(["zhongshan", "wong", "canada"])
    for entity_id, found in many.items():
        assert found == [n for n in whole[entity_id] if n.entity.id in among]


def test_degrees_count_relationships_either_way(loaded: Store) -> None:
    ids = ["zhongshan", "wong", "canada", "burnaby", "nowhere"]
    degrees = loaded.degrees(ids)
    assert set(degrees) == {"zhongshan", "wong", "canada", "burnaby"}
    assert degrees["zhongshan"] == 3
    for entity_id, degree in degrees.items():
        assert degree == len(loaded.neighbors(entity_id))
    assert loaded.degrees([]) == {}


def _weighed_end(end: Entity) -> tuple[object, ...]:
    """What a walk reads of an entity (see Sketches): all a sketch must carry."""
    evidence = {
        f: end.properties[f] for f in SCHEMA.entity_kind(end.kind).evidence if f in end.properties
    }
    return (end.id, end.kind, end.home, evidence)


def _weighed(n: Neighbor) -> tuple[object, ...]:
    """What a walk reads of a neighbour (see Sketches): all a sketch must carry."""
    rel = n.relationship
    return (
        rel.identity,
        n.outgoing,
        rel.since,
        rel.until,
        len(rel.sources),
        *_weighed_end(n.entity),
    )


def test_sketches_carry_what_a_walk_weighs(loaded: Store) -> None:
    expo = Entity(id="expo", kind="Event", name="博览会", properties={"date": "2015-06"})
    went = Relationship(type="PARTICIPATED_IN", from_id="zhongshan", to_id="expo", sources=[SRC])
    loaded.write([expo], [went])
    ids = ["zhongshan", "wong", "canada", "expo", "nowhere"]
    for among in (None, ["burnaby", "expo", "nowhere"]):
        sketch = sketch_neighbors(loaded, ids, among=among)
        whole = loaded.neighbors_many(ids, among=among)
        assert sketch.neighbors.keys() == whole.keys()
        for entity_id, found in whole.items():
            assert [_weighed(n) for n in sketch.neighbors[entity_id]] == [
                _weighed(n) for n in found
            ]
        # Degrees given on the way are the degrees.
        assert sketch.degrees == loaded.degrees(sketch.degrees)


def test_inward_sketches_are_what_points_in(loaded: Store) -> None:
    # An event held in a city (dated: its sketch carries the dates), and a
    # person taken into two entities by two types.
    expo = Entity(
        id="expo", kind="Event", name="博览会", properties={"date": "2015-06", "place": "burnaby"}
    )
    went = Relationship(type="PARTICIPATED_IN", from_id="wong", to_id="expo")
    tie = Relationship(type="ANCESTRAL_HOME", from_id="wong", to_id="zhongshan")
    loaded.write([expo], [went, tie])
    assert isinstance(loaded, InwardSketches)
    ids = ["canada", "burnaby", "china", "zhongshan", "expo", "nowhere"]
    for types in (["LOCATED_IN"], ["LOCATED_IN", "ANCESTRAL_HOME", "PARTICIPATED_IN"], []):
        inward = loaded.sketch_inward(ids, types=types)
        whole = loaded.neighbors_many(ids, direction="in", types=types)
        assert inward.keys() == whole.keys() == set(ids) - {"nowhere"}
        for entity_id, found in whole.items():
            assert [(m.relationship, _weighed_end(m.entity)) for m in inward[entity_id]] == [
                (n.relationship.identity, _weighed_end(n.entity)) for n in found
            ]
    located = loaded.sketch_inward(["burnaby"], types=["LOCATED_IN"])["burnaby"]
    assert [m.entity.id for m in located] == ["expo"]
    assert located[0].entity.properties == {"date": "2015-06"}
    assert [
        m.entity.id
        for m in loaded.sketch_inward(["zhongshan"], types=["ANCESTRAL_HOME"])["zhongshan"]
    ] == ["wong"]


def test_version_changes_when_the_graph_does(
    loaded: Store, reopen: Callable[[Store], Store]
) -> None:
    assert isinstance(loaded, Versioned)
    other = reopen(loaded)
    assert isinstance(other, Versioned)
    first = loaded.version
    assert loaded.version == first
    assert other.version == first
    loaded.write([Entity(id="expo", kind="Event", name="博览会")], [])
    written = loaded.version
    assert written != first
    assert other.version == written
    # Another writer's edit that changes no count.
    edit = Relationship(type="SUPPORTED", from_id="zhongshan", to_id="hk-zs-youth", since="2016")
    assert other.write([], [edit]).changed
    assert loaded.version != written


@pytest.mark.neo4j
def test_neo4j_version_sees_records_added_past_renmai(
    neo4j_store: Store, neo4j_target: Any
) -> None:
    assert isinstance(neo4j_store, Versioned)
    neo4j_store.write(_entities(), _relationships())
    before = neo4j_store.version
    auth = (neo4j_target.username, neo4j_target.password)
    with GraphDatabase.driver(neo4j_target.uri, auth=auth) as driver:
        driver.execute_query(
            "MATCH (a:Entity {id: 'zhongshan'}), (b:Entity {id: 'canada'}) "
            "CREATE (a)-[:SUPPORTED {key: '', sources: '[]'}]->(b)"
        )
    assert neo4j_store.version != before


@pytest.mark.neo4j
def test_neo4j_keeps_sketches_of_hubs_until_the_graph_changes(
    neo4j_store: Store,
    neo4j_target: Any,
    reopen: Callable[[Store], Store],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from renmai.graph import neo4j_store as module

    monkeypatch.setattr(module, "KEPT_DEGREE", 2)  # zhongshan has three relationships

    def weighed(store: Store, entity_id: str) -> list[tuple[object, ...]]:
        return [_weighed(n) for n in store.neighbors(entity_id)]

    neo4j_store.write(_entities(), _relationships())
    # Nothing is kept before the graph has a version (a question reads it
    # first; so does isinstance with the protocol, below).
    unversioned = sketch_neighbors(neo4j_store, ["zhongshan"])
    assert (
        sketch_neighbors(neo4j_store, ["zhongshan"]).neighbors["zhongshan"]
        is not (unversioned.neighbors["zhongshan"])
    )
    assert isinstance(neo4j_store, Versioned)
    first = sketch_neighbors(neo4j_store, ["zhongshan", "wong"])
    again = sketch_neighbors(neo4j_store, ["zhongshan", "wong"])
    assert again.neighbors["zhongshan"] is first.neighbors["zhongshan"]  # kept
    assert again.neighbors["wong"] is not first.neighbors["wong"]  # one relationship: read
    assert again.degrees == first.degrees
    # Written by another process, then past renmai: read again each time.
    reopen(neo4j_store).write(
        [], [Relationship(type="SUPPORTED", from_id="zhongshan", to_id="canada", since="2016")]
    )
    assert neo4j_store.version
    later = sketch_neighbors(neo4j_store, ["zhongshan"])
    assert [_weighed(n) for n in later.neighbors["zhongshan"]] == weighed(neo4j_store, "zhongshan")
    assert len(later.neighbors["zhongshan"]) == 4
    auth = (neo4j_target.username, neo4j_target.password)
    with GraphDatabase.driver(neo4j_target.uri, auth=auth) as driver:
        driver.execute_query("MATCH (:Entity {id: 'zhongshan'})-[r:SUPPORTED]->() DELETE r")
    last = sketch_neighbors(neo4j_store, ["zhongshan"])
    assert [_weighed(n) for n in last.neighbors["zhongshan"]] == weighed(neo4j_store, "zhongshan")
    assert len(last.neighbors["zhongshan"]) == 2


def test_homes(loaded: Store) -> None:
    assert [e.id for e in loaded.homes()] == ["zhongshan"]


def test_newest_date_is_the_latest_evidence_and_follows_writes(loaded: Store) -> None:
    assert loaded.newest_date() == "2014"  # SUPPORTED since 2014, SISTER_CITY_OF 2012
    # A founding date is no contact; the date of an event is.
    founded = loaded.get("hk-zs-youth")
    assert founded is not None
    founded = founded.model_copy(update={"properties": {"founded": "2030"}})
    event = Entity(id="expo", kind="Event", name="博览会", properties={"date": "2015-06"})
    loaded.write([founded, event], [])
    assert loaded.newest_date() == "2015-06"
    assert delete_entity(loaded, "expo")
    assert loaded.newest_date() == "2014"
    rel = Relationship(type="SUPPORTED", from_id="zhongshan", to_id="hk-zs-youth", until="2015-07")
    loaded.write([], [rel])
    assert loaded.newest_date() == "2015-07"
    for stored in list(loaded.relationships()):
        delete_relationship(loaded, stored.identity)
    assert loaded.newest_date() is None


def test_search_candidates_find_partial_names(loaded: Store) -> None:
    assert "hk-zs-youth" in {e.id for e in loaded.search_candidates("中山青年")}
    assert "zhongshan" in {e.id for e in loaded.search_candidates("Zhongshan")}
    assert "burnaby" in {e.id for e in loaded.search_candidates("Burnaby", kind="City")}


def test_update_merges_and_keeps_old_name_as_alias(loaded: Store) -> None:
    renamed = Entity(id="burnaby", kind="City", name="本拿比市", aliases=["Burnaby City"])
    summary = loaded.write([renamed], [])
    assert summary.entities["City"]["updated"] == 1
    burnaby = loaded.get("burnaby")
    assert burnaby is not None
    assert burnaby.name == "本拿比市"
    assert set(burnaby.aliases) == {"Burnaby City", "本拿比"}
    assert burnaby.properties == {"country": "canada"}
    assert [e.id for e in loaded.find("本拿比")] == ["burnaby"]


def test_relationship_update_accumulates_sources(loaded: Store) -> None:
    other = Source(document="另一份文件", excerpt="友城")
    rel = Relationship(type="SISTER_CITY_OF", from_id="burnaby", to_id="zhongshan", sources=[other])
    loaded.write([], [rel])
    stored = loaded.get_relationships([rel.identity])[rel.identity]
    assert stored.since == "2012"
    assert stored.sources == [SRC, other]


def test_integrity_errors_write_nothing(loaded: Store) -> None:
    before = loaded.counts()
    bad = [
        Relationship(type="MEMBER_OF", from_id="wong", to_id="ghost"),
        Relationship(type="REPRESENTS", from_id="zhongshan", to_id="china"),
    ]
    new = Entity(id="markham", kind="City", name="万锦", properties={"country": "canada"})
    with pytest.raises(IntegrityError) as caught:
        loaded.write([new], bad)
    messages = str(caught.value)
    assert "no entity with id 'ghost'" in messages
    assert "REPRESENTS may not join City to Country" in messages
    assert loaded.counts() == before
    assert loaded.get("markham") is None


def test_kind_of_an_id_cannot_change(loaded: Store) -> None:
    with pytest.raises(IntegrityError, match="already a City"):
        loaded.write([Entity(id="burnaby", kind="Organization", name="本拿比")], [])


def test_delete_entity_removes_its_relationships(loaded: Store) -> None:
    assert delete_entity(loaded, "burnaby")
    assert not delete_entity(loaded, "burnaby")
    assert loaded.get("burnaby") is None
    assert "SISTER_CITY_OF" not in loaded.counts().relationships
    assert "burnaby" not in {n.entity.id for n in loaded.neighbors("zhongshan")}


def test_delete_relationship(loaded: Store) -> None:
    rel_id = RelationshipId("SUPPORTED", "zhongshan", "hk-zs-youth")
    assert delete_relationship(loaded, rel_id)
    assert not delete_relationship(loaded, rel_id)
    assert loaded.get_relationships([rel_id]) == {}
    assert loaded.get("hk-zs-youth") is not None


def test_export_is_everything_in_order(loaded: Store) -> None:
    entities = list(loaded.entities())
    assert [e.id for e in entities] == sorted(e.id for e in _entities())
    assert [e.id for e in loaded.entities(kind="City")] == ["burnaby", "zhongshan"]
    rels = list(loaded.relationships())
    assert [r.identity for r in rels] == sorted(r.identity for r in rels)
    assert len(rels) == 5
    assert [r.type for r in loaded.relationships(type="MEMBER_OF")] == ["MEMBER_OF"]


def test_to_networkx_holds_the_whole_graph(loaded: Store) -> None:
    graph = loaded.to_networkx()
    assert graph.number_of_nodes() == 6
    assert graph.number_of_edges() == 5
    assert graph.nodes["zhongshan"]["entity"].name == "中山市"
    data = graph.get_edge_data("burnaby", "zhongshan")
    assert [d["relationship"].type for d in data.values()] == ["SISTER_CITY_OF"]


@pytest.mark.parametrize(
    "name",
    [
        "'}) DETACH DELETE n //",
        "`Entity` $param",
        "<img src=x onerror=alert(1)>",
        "\u202ereversed\u200b zero-width",
    ],
)
def test_hostile_names_are_stored_as_text(store: Store, name: str) -> None:
    store.write([Entity(id="hostile", kind="Organization", name=name, aliases=[name + "!"])], [])
    stored = store.get("hostile")
    assert stored is not None
    assert stored.name == name
    assert store.counts().entities == {"Organization": 1}


@pytest.mark.neo4j
def test_neo4j_keeps_the_newest_date_until_the_graph_changes(
    neo4j_store: Store, neo4j_target: Any
) -> None:
    """The next process reads the kept date; writes through renmai and records
    added past renmai (counts that differ) make it gathered again."""
    from renmai.graph.neo4j_store import Neo4jStore

    def fresh() -> Neo4jStore:
        target = neo4j_target
        return Neo4jStore(target.uri, username=target.username, password=target.password)

    neo4j_store.write(_entities(), _relationships())
    assert fresh().newest_date() == "2014"
    kept = fresh()
    assert kept.run_cypher("MATCH (m:RenmaiCache) RETURN m.newest")[1] == [["2014"]]
    event = Entity(id="expo", kind="Event", name="博览会", properties={"date": "2015-06"})
    neo4j_store.write([event], [])
    assert fresh().newest_date() == "2015-06"
    # Added past renmai (Neo4j Browser): one more relationship, a later date.
    auth = (neo4j_target.username, neo4j_target.password)
    with GraphDatabase.driver(neo4j_target.uri, auth=auth) as driver:
        driver.execute_query(
            "MATCH (a:Entity {id: 'zhongshan'}), (b:Entity {id: 'canada'}) "
            "CREATE (a)-[:SUPPORTED {key: '', sources: '[]', since: '2016'}]->(b)"
        )
    assert fresh().newest_date() == "2016"
