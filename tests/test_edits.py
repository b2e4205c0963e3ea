"""Everyday writes (renmai.loaders.edits) and what the questions make of them, on both stores."""

from __future__ import annotations

import pytest

from renmai import queries
from renmai.graph.model import Entity, Relationship, RelationshipId
from renmai.graph.store import Store
from renmai.loaders import LoadError, edits
from renmai.queries.agreements import agreements
from renmai.queries.arrows import path_text
from renmai.queries.network import stale_contacts
from renmai.queries.succession import succession


def _graph() -> tuple[list[Entity], list[Relationship]]:
    return (
        [
            Entity(id="china", kind="Country", name="中国"),
            Entity(id="brazil", kind="Country", name="巴西", name_en="Brazil"),
            Entity(id="fao", kind="Organization", name="中山市外事侨务局", home=True),
            Entity(
                id="brazil-gz",
                kind="Consulate",
                name="巴西驻穗领馆",
                properties={"country": "brazil"},
            ),
            Entity(id="zhang", kind="Person", name="张三"),
            Entity(id="zhang-2", kind="Person", name="张三", properties={"country": "china"}),
            Entity(id="wang", kind="Person", name="王五"),
            Entity(id="burnaby", kind="City", name="本拿比"),
            Entity(id="mou", kind="Agreement", name="友好合作备忘录", properties={"date": "2012"}),
        ],
        [
            Relationship(type="LIAISES_WITH", from_id="fao", to_id="wang", since="2012"),
            Relationship(type="KNOWS", from_id="wang", to_id="zhang", since="2012"),
            Relationship(
                type="HOLDS_POSITION",
                from_id="zhang",
                to_id="brazil-gz",
                since="2013",
                properties={"title": "总领事"},
            ),
            Relationship(type="PARTY_TO", from_id="fao", to_id="mou"),
            Relationship(type="PARTY_TO", from_id="burnaby", to_id="mou"),
        ],
    )


@pytest.fixture
def graph(store: Store) -> Store:
    store.write(*_graph())
    return store


def messages(error: LoadError) -> list[str]:
    return [str(p) for p in error.problems]


def test_add_then_add_again_changes_nothing_and_says_so(graph: Store) -> None:
    edit = edits.add(
        graph, "人物", "李四", fields={"title": "总领事", "nationality": "巴西"}, aliases=["Li Si"]
    )
    assert edit.apply(graph).total("created") == 1
    [li] = graph.find("李四")
    assert li.properties == {"nationality": "brazil", "title": "总领事"}
    again = edits.add(graph, "Person", "Li Si")
    assert again.notes == [f"Li Si is already there as {li.id} (Person 李四): nothing to add"]
    assert not again.apply(graph).changed
    assert [r.command for r in graph.history(li.id)] == ["add"]


def test_bad_input_is_located_all_at_once_and_writes_nothing(graph: Store) -> None:
    before = len(graph.history())
    with pytest.raises(LoadError) as caught:
        edits.add(graph, "Person", "李四", fields={"nationality": "火星", "shoe": "42"})
    assert messages(caught.value) == [
        "add: nationality: no Country named '火星' in this load or the store",
        "add: shoe: not a field of Person (its fields: " + ", ".join(graph_fields("Person")) + ")",
    ]
    with pytest.raises(LoadError, match=r"could be any of: zhang .*; zhang-2"):
        edits.link(graph, "张三", "KNOWS", "王五")
    with pytest.raises(LoadError, match="unknown relationship kind 'LOVES'"):
        edits.link(graph, "zhang", "LOVES", "王五")
    with pytest.raises(LoadError, match="not a Person"):
        edits.link(graph, "中山市外事侨务局", "KNOWS", "王五")
    assert len(graph.history()) == before


def graph_fields(kind: str) -> list[str]:
    from renmai.graph.schema import SCHEMA

    return list(SCHEMA.entity_kind(kind).fields)


def test_set_clears_a_field_and_moves_a_reference(graph: Store) -> None:
    edits.set_fields(graph, "zhang-2", {"country": "巴西", "title": "参赞"}).apply(graph)
    moved = graph.get("zhang-2")
    assert moved is not None and moved.properties == {"country": "brazil", "title": "参赞"}
    located = {n.entity.id for n in graph.neighbors("zhang-2", types=["LOCATED_IN"])}
    assert located == {"brazil"}  # the old country's LOCATED_IN went with it
    edits.set_fields(graph, "zhang-2", {"title": ""}, note="not a counsellor").apply(graph)
    cleared = graph.get("zhang-2")
    assert cleared is not None and "title" not in cleared.properties
    record = graph.history("zhang-2")[-1]
    assert (record.command, record.note) == ("set", "not a counsellor")
    with pytest.raises(LoadError, match="a new name is a rename"):
        edits.set_fields(graph, "wang", {"name": "王六"})


def test_rename_keeps_the_old_name_as_an_alias(graph: Store) -> None:
    edits.rename(graph, "王五", "王伍").apply(graph)
    found = queries.lookup(graph, "王五")
    assert found.id == "wang" and found.name == "王伍" and "王五" in found.aliases
    item = graph.history("wang")[-1].items[0]
    assert item.before is not None and item.before["name"] == "王五"


def test_unlink_and_remove_delete_with_their_record(graph: Store) -> None:
    edit = edits.remove(graph, "王五")
    plan = edit.plan(graph)
    assert sorted(str(r.identity) for r in plan.deleted_relationships) == [
        "fao-[LIAISES_WITH]->wang",
        "wang-[KNOWS]->zhang",
    ]
    assert graph.get("wang") is not None  # a plan writes nothing
    edit.apply(graph)
    assert graph.get("wang") is None
    gone = graph.history("wang")[-1]
    assert gone.command == "remove" and gone.counts["deleted"] == 3
    edits.unlink(graph, "burnaby", "签署", "mou").apply(graph)
    assert not graph.get_relationships([RelationshipId("PARTY_TO", "burnaby", "mou")])
    with pytest.raises(LoadError, match="no PARTY_TO relationship"):
        edits.unlink(graph, "burnaby", "PARTY_TO", "mou")


def test_an_ended_post_is_past_and_the_office_names_its_holders(graph: Store) -> None:
    before = queries.path(graph, queries.lookup(graph, "fao"), queries.lookup(graph, "brazil-gz"))
    edits.end(graph, "zhang", "HOLDS_POSITION", "巴西驻穗领馆", "2016-06").apply(graph)
    edits.add(graph, "Person", "李四").apply(graph)
    edits.link(
        graph, "李四", "HOLDS_POSITION", "巴西驻穗领馆", since="2016-07", fields={"title": "总领事"}
    ).apply(graph)
    rel = graph.get_relationships([RelationshipId("HOLDS_POSITION", "zhang", "brazil-gz")])
    assert [r.until for r in rel.values()] == ["2016-06"]  # ended, not deleted
    after = queries.path(graph, queries.lookup(graph, "fao"), queries.lookup(graph, "brazil-gz"))
    via_zhang = [p for p in after.paths if "张三" in path_text(p)]
    assert via_zhang and via_zhang[0].score < before.paths[0].score  # ranked as past
    assert "2013至2016-06 已结束" in path_text(via_zhang[0])
    office = succession(graph, queries.lookup(graph, "brazil-gz"))
    assert office is not None
    assert (
        office.text() == "巴西驻穗领馆: 总领事 李四 (since 2016-07); before: 张三 (until 2016-06)"
    )
    assert "brazil-gz" in after.successions
    assert after.to_dict()["successions"][0]["current"][0]["holder"]["name"] == "李四"
    with pytest.raises(LoadError, match="until: 2012 is before since 2013"):
        edits.end(graph, "zhang", "HOLDS_POSITION", "brazil-gz", "2012")


def test_a_logged_meeting_is_seen_at_once(graph: Store) -> None:
    lapsed = {r.entity.id: r.last for r in stale_contacts(graph, "2015")}
    assert lapsed == {"brazil-gz": "2013", "zhang": "2013", "wang": "2012", "burnaby": "2012"}
    edit = edits.log(
        graph, "2016-11-03", "会见王五", ["中山市外事侨务局", "王五"], category="meeting"
    )
    assert edit.notes == []
    edit.apply(graph)
    event = graph.get(edits.event_id("2016-11-03", "会见王五"))
    assert event is not None and event.properties == {"category": "meeting", "date": "2016-11-03"}
    rows = {r.entity.id: r for r in stale_contacts(graph, "2015")}
    assert sorted(rows) == ["brazil-gz", "burnaby", "zhang"]  # 王五 is off the list
    assert rows["zhang"].last == "2013" and rows["zhang"].what() == "任职·总领事 巴西驻穗领馆"
    # Logging it again changes nothing.
    assert not edits.log(graph, "2016-11-03", "会见王五", ["fao", "wang"]).apply(graph).changed
    assert graph.newest_date() == "2016-11-03"  # recency is measured from it
    lone = edits.log(graph, "2016-12", "电话", ["王五"], category="call")
    assert lone.notes == ["none of us (a home entity) is among the participants: who met them?"]
    with pytest.raises(LoadError, match="category: 'lunch' is not one of"):
        edits.log(graph, "2016-12", "午餐", ["王五"], category="lunch")


def test_agreements_dormant_until_there_is_activity(graph: Store) -> None:
    [row] = agreements(graph)
    assert row.status == "in_force" and row.dormant and not row.declared
    assert [n.entity.id for n in row.parties] == ["fao", "burnaby"]
    assert agreements(graph, dormant_since="2014") == [row]
    edits.log(graph, "2015-05", "本拿比代表团来访", ["fao", "本拿比"], category="delegation").apply(
        graph
    )
    [active] = agreements(graph)
    assert not active.dormant and active.last_activity is not None
    assert active.last_activity.date == "2015-05"
    assert agreements(graph, dormant_since="2014") == []
    edits.set_fields(graph, "mou", {"in_force_until": "2017", "status": ""}).apply(graph)
    assert agreements(graph, expiring_before="2018")[0].agreement.id == "mou"
    assert agreements(graph, as_of="2020")[0].status == "expired"
    assert agreements(graph, status="lapsed") == []


def test_a_logged_visit_counts_in_coverage_and_connect(graph: Store) -> None:
    def brazil() -> queries.CoverageRow:
        rows = queries.coverage(graph, since="2016").rows
        return next(r for r in rows if r.entity is not None and r.entity.id == "brazil")

    assert brazil().live_contacts == 0
    before = queries.connect(graph, "巴西").contacts[0]
    edits.log(
        graph, "2016-09", "拜访巴西驻穗领馆", ["fao", "巴西驻穗领馆"], at="巴西", category="visit"
    ).apply(graph)
    assert brazil().live_contacts == 1 and brazil().status == "live"
    after = queries.connect(graph, "巴西").contacts[0]
    assert after.entity.id == "brazil-gz" and after.score > before.score
    assert "拜访巴西驻穗领馆" in path_text(after.paths[0])
