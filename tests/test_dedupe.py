"""Finding likely duplicates, and merging two entities without losing anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.loader_helpers import base_store

from renmai.graph.dedupe import MergeError, likely_duplicates, merge_entities
from renmai.graph.model import Entity, Relationship, RelationshipId, Source
from renmai.graph.sqlite_store import SqliteStore

PARK = Source(document="工作总结", excerpt="打造中瑞（中欧）工业园")
PARK_2016 = Source(document="2016年计划", excerpt="配合中瑞（欧）产业园开展招商引资")


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    store = base_store(tmp_path)
    store.write(
        [
            Entity(id="park", kind="Project", name="中瑞（欧）工业园", sources=[PARK]),
            Entity(
                id="park-2016",
                kind="Project",
                name="中瑞（欧）产业园",
                name_en="Sino-Swiss Industrial Park",
                tags=["2016"],
                properties={"status": "planned"},
                sources=[PARK_2016],
            ),
            Entity(id="hk-youth-trad", kind="Association", name="香港中山青年協會"),
            Entity(id="fao-2", kind="Organization", name="市外事侨务局"),
            Entity(
                id="park-office",
                kind="Organization",
                name="园区办",
                properties={"parent": "fao-2"},
            ),
            Entity(id="novartis", kind="Organization", name="诺华集团"),
        ],
        [
            Relationship(
                type="PARTNER_IN", from_id="zs-fao", to_id="park-2016", sources=[PARK_2016]
            ),
            Relationship(type="PARTNER_IN", from_id="novartis", to_id="park"),
            Relationship(type="PARTNER_IN", from_id="novartis", to_id="park-2016"),
            Relationship(type="FUNDS", from_id="novartis", to_id="park-2016"),
            Relationship(type="LIAISES_WITH", from_id="zs-fao", to_id="fao-2"),
        ],
    )
    return store


def test_likely_duplicates(store: SqliteStore) -> None:
    found = {
        (p.first.id, p.second.id): (p.reason, round(p.score)) for p in likely_duplicates(store)
    }
    assert found == {
        # Traditional and simplified characters: one name.
        ("hk-youth-trad", "hk-zs-youth"): ("same name", 100),
        # One's name is an alias of the other.
        ("fao-2", "zs-fao"): ("one's name is the other's alias", 100),
        # One character apart.
        ("park", "park-2016"): ("similar names", 83),
    }
    # Two cities called 仁川 in different countries are not duplicates.
    assert not any("incheon" in pair for pair in found)
    assert [p.first.id for p in likely_duplicates(store, kind="Project", threshold=90)] == []


def test_merge_keeps_every_relationship_and_source(store: SqliteStore) -> None:
    result = merge_entities(store, "park", "park-2016")
    assert store.get("park-2016") is None
    kept = store.get("park")
    assert kept is not None
    assert kept.name == "中瑞（欧）工业园"
    assert kept.aliases == ["中瑞（欧）产业园"]
    assert kept.name_en == "Sino-Swiss Industrial Park"
    assert kept.tags == ["2016"] and kept.properties == {"status": "planned"}
    assert set(kept.sources) == {PARK, PARK_2016}
    partners = {r.from_id: r for r in store.relationships("PARTNER_IN")}
    assert set(partners) == {"zs-fao", "novartis"}
    assert all(r.to_id == "park" for r in partners.values())
    assert partners["zs-fao"].sources == [PARK_2016]
    assert [r.ends for r in store.relationships("FUNDS")] == [("novartis", "park")]
    assert result.moved == 3 and result.discarded == []


def test_merge_repoints_references(store: SqliteStore) -> None:
    store.write(
        [
            Entity(id="korea-2", kind="Country", name="大韩民国"),
            Entity(id="other", kind="Person", name="他人", properties={"nationality": "korea-2"}),
        ],
        [],
    )
    result = merge_entities(store, "zs-fao", "fao-2")
    office = store.get("park-office")
    assert office is not None and office.properties == {"parent": "zs-fao"}
    assert [r.ends for r in store.relationships("PART_OF")] == [("park-office", "zs-fao")]
    assert result.repointed == 1
    # The relationship between the two would join the office to itself.
    assert [r.type for r in result.discarded] == ["LIAISES_WITH"]
    assert list(store.relationships("LIAISES_WITH")) == [
        r for r in store.relationships("LIAISES_WITH") if r.ends == ("zs-fao", "hk-zs-youth")
    ]
    # A reference field that implies no relationship is found too.
    merge_entities(store, "korea", "korea-2")
    other = store.get("other")
    assert other is not None and other.properties == {"nationality": "korea"}
    korea = store.get("korea")
    assert korea is not None and "大韩民国" in korea.aliases


def test_an_interrupted_merge_is_completed_by_running_it_again(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise OSError("power cut")

    before = store.to_networkx()
    with monkeypatch.context() as patch:
        # The merge is one write: a crash at its last step, inside the write's
        # transaction (the history record), writes none of it.
        patch.setattr(store, "_keep", crash)
        with pytest.raises(OSError):
            merge_entities(store, "park", "park-2016")
    # Both still there, nothing lost, nothing half-done.
    assert store.get("park-2016") is not None
    after = store.to_networkx()
    assert sorted(after.edges(keys=True)) == sorted(before.edges(keys=True))
    merge_entities(store, "park", "park-2016")
    assert store.get("park-2016") is None
    assert {r.from_id for r in store.relationships("PARTNER_IN")} == {"zs-fao", "novartis"}
    assert store.get_relationships([RelationshipId("PARTNER_IN", "zs-fao", "park")])


@pytest.mark.parametrize(
    ("keep", "drop", "message"),
    [
        ("park", "park", "are the same entity"),
        ("park", "nothing", "no entity with id 'nothing'"),
        (
            "park",
            "novartis",
            "cannot merge 'novartis' \\(a Organization\\) into 'park' \\(a Project\\)",
        ),
        ("park-office", "fao-2", "names 'fao-2' in its parent field"),
    ],
)
def test_merge_refuses(store: SqliteStore, keep: str, drop: str, message: str) -> None:
    with pytest.raises(MergeError, match=message):
        merge_entities(store, keep, drop)
