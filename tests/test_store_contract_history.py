"""The store contract, continued: history, replacing writes and deletions, on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from renmai.graph.dedupe import merge_entities
from renmai.graph.history import Change, Deletions
from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.store import IntegrityError, Store, delete_entity

CONSULATE = Entity(
    id="brazil-gz",
    kind="Consulate",
    name="巴西驻穗领馆",
    properties={"country": "brazil"},
)


def _base() -> tuple[list[Entity], list[Relationship]]:
    return (
        [
            Entity(id="brazil", kind="Country", name="巴西", name_en="Brazil"),
            CONSULATE,
            Entity(id="zhang", kind="Person", name="张三", properties={"title": "总领事"}),
            Entity(id="li", kind="Person", name="李四"),
        ],
        [
            Relationship(
                type="HOLDS_POSITION",
                from_id="zhang",
                to_id="brazil-gz",
                since="2013",
                properties={"title": "总领事"},
            ),
            Relationship(type="KNOWS", from_id="zhang", to_id="li"),
        ],
    )


@pytest.fixture
def base(store: Store) -> Store:
    store.write(*_base(), change=Change("load", "base.yaml", "the first list"))
    return store


def test_a_write_with_a_change_keeps_its_record(base: Store) -> None:
    [record] = base.history()
    assert (record.command, record.arguments, record.note) == (
        "load",
        "base.yaml",
        "the first list",
    )
    assert record.counts == {"created": 7, "updated": 0, "deleted": 0}  # + implied LOCATED_IN
    created = {item.id: item for item in record.items}
    assert created["zhang"].action == "created" and created["zhang"].before is None
    assert created["zhang"].after is not None and created["zhang"].after["name"] == "张三"
    rel = str(RelationshipId("HOLDS_POSITION", "zhang", "brazil-gz"))
    assert created[rel].entities == ("zhang", "brazil-gz")
    assert record.time[:2] == "20" and record.id


def test_a_write_that_changes_nothing_keeps_no_record(base: Store) -> None:
    base.write(*_base(), change=Change("load", "base.yaml"))
    assert len(base.history()) == 1


def test_history_of_one_entity_and_since(base: Store) -> None:
    updated = CONSULATE.model_copy(update={"name_en": "Consulate General of Brazil"})
    base.write([updated], [], change=Change("set", "brazil-gz name_en=…"))
    assert [r.command for r in base.history("brazil-gz")] == ["load", "set"]
    assert [r.command for r in base.history("li")] == ["load"]
    assert base.history("nobody") == []
    [first, second] = base.history()
    assert [r.command for r in base.history(since=second.time)] == ["set"]
    assert base.history(since="2999") == []
    [item] = second.items
    assert item.action == "updated" and item.fields_changed() == ["name_en"]
    assert item.before is not None and "name_en" not in item.before
    assert first.time <= second.time


def test_replace_clears_what_a_merge_would_keep(base: Store) -> None:
    cleared = Entity(id="zhang", kind="Person", name="张三")
    summary = base.write([cleared], [], replace=True, change=Change("set", "zhang title="))
    assert summary.total("updated") == 1
    got = base.get("zhang")
    assert got is not None and got.properties == {}
    [_, record] = base.history()
    assert record.items[0].fields_changed() == ["properties"]


def test_an_entity_is_deleted_only_with_all_its_relationships(base: Store) -> None:
    position = RelationshipId("HOLDS_POSITION", "zhang", "brazil-gz")
    with pytest.raises(IntegrityError, match="1 relationship"):
        base.write([], [], deletions=Deletions(["zhang"], [position]), change=Change("remove"))
    assert base.get("zhang") is not None and len(base.history()) == 1
    knows = RelationshipId("KNOWS", "li", "zhang")
    summary = base.write(
        [], [], deletions=Deletions(["zhang"], [position, knows]), change=Change("remove", "张三")
    )
    assert summary.total("deleted") == 3
    assert base.get("zhang") is None and base.neighbors("li") == []
    record = base.history("zhang")[-1]
    assert record.command == "remove"
    gone = {item.id: item for item in record.items}
    assert gone["zhang"].action == "deleted" and gone["zhang"].after is None
    assert gone["zhang"].before is not None and gone["zhang"].before["name"] == "张三"
    assert gone[str(knows)].before is not None


def test_deleting_what_is_not_there_is_refused(base: Store) -> None:
    missing = RelationshipId("KNOWS", "brazil-gz", "li")
    with pytest.raises(IntegrityError, match="no relationship"):
        base.write([], [], deletions=Deletions(relationships=[missing]))
    with pytest.raises(IntegrityError, match="no entity with id 'ghost'"):
        base.write([], [], deletions=Deletions(entities=["ghost"]))


def test_a_relationship_to_a_deleted_entity_is_refused(base: Store) -> None:
    knows = RelationshipId("KNOWS", "li", "zhang")
    position = RelationshipId("HOLDS_POSITION", "zhang", "brazil-gz")
    with pytest.raises(IntegrityError, match="no entity with id 'zhang'"):
        base.write(
            [],
            [Relationship(type="SUPPORTED", from_id="zhang", to_id="brazil-gz")],
            deletions=Deletions(["zhang"], [knows, position]),
        )
    assert base.get("zhang") is not None


def test_delete_entity_and_merge_keep_their_records(base: Store) -> None:
    assert delete_entity(base, "li")
    assert base.history("li")[-1].command == "delete"
    base.write([Entity(id="zhang-2", kind="Person", name="张叁")], [])
    merge_entities(base, "zhang", "zhang-2", note="the same man")
    record = base.history("zhang-2")[-1]
    assert (record.command, record.note) == ("merge", "the same man")
    assert {i.id: i.action for i in record.items}["zhang-2"] == "deleted"


def test_a_bare_write_is_recorded_too(store: Store) -> None:
    entities, relationships = _base()
    store.write(entities, relationships)
    [record] = store.history()
    assert record.command == "write" and record.counts["created"] == 7


def test_a_large_change_keeps_what_it_updated_and_the_ids_it_created(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from renmai.graph import plan

    store.write(*_base())
    monkeypatch.setattr(plan, "DETAIL_LIMIT", 3)
    people = [Entity(id=f"p{i}", kind="Person", name=f"人{i}") for i in range(4)]
    knows = [Relationship(type="KNOWS", from_id="p0", to_id=f"p{i}") for i in range(1, 4)]
    renamed = Entity(id="li", kind="Person", name="李肆")
    store.write([*people, renamed], knows, change=Change("load", "big.csv"))
    record = store.history()[-1]
    assert record.counts == {"created": 7, "updated": 1, "deleted": 0}
    items = {item.id: item for item in record.items}
    # Created entities by id only, created relationships only counted; the update in full.
    assert sorted(items) == ["li", "p0", "p1", "p2", "p3"]
    assert items["p1"].after is None and items["p1"].action == "created"
    assert items["li"].before is not None and items["li"].after is not None
    assert [r.command for r in store.history("p2")] == ["load"]


@pytest.mark.neo4j
def test_neo4j_keeps_the_record_of_a_write_split_into_batches(neo4j_store: Any) -> None:
    neo4j_store.batch_size = 2  # every write below spans several transactions
    neo4j_store.write(*_base(), change=Change("load", "base.yaml"))
    [record] = neo4j_store.history()
    assert record.counts["created"] == 7 and len(record.items) == 7
    neo4j_store.write([Entity(id="zhang-2", kind="Person", name="张叁")], [])
    merge_entities(neo4j_store, "zhang", "zhang-2")
    assert neo4j_store.get("zhang-2") is None
    assert [r.command for r in neo4j_store.history("zhang-2")] == ["write", "merge"]
