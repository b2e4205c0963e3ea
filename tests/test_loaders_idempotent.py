"""Loads are upserts: the same load twice changes nothing; a changed row updates."""

from __future__ import annotations

from pathlib import Path

from fixtures.loader_helpers import BASE, base_store, graph_snapshot, new_store, snapshot, write

from renmai.loaders import load


def test_second_load_changes_nothing(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    csv = write(
        tmp_path, "people.csv", "kind,name,country,别名\nPerson,黄红星,加拿大,Wong Hung Sing\n"
    )
    first = load(store, [BASE, csv])
    assert first.summary.total("created") > 0
    before = snapshot(store)
    version = store.version
    second = load(store, [BASE, csv])
    assert second.summary.total("created") == second.summary.total("updated") == 0
    assert second.summary.total("unchanged") == first.summary.total("created")
    # Not even rewritten: no write transaction committed anything.
    assert snapshot(store) == before and store.version == version


def test_rows_without_ids_find_their_entity_again(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(tmp_path, "orgs.csv", "kind,name,国家\nOrganization,吉宝集团,中国\n")
    load(store, [path])
    [org] = [e for e in store.entities("Organization") if e.name == "吉宝集团"]
    # The same name in traditional characters, with an English name: an update.
    changed = write(
        tmp_path, "orgs2.csv", "kind,name,name_en,国家\nOrganization,吉寶集團,Keppel,中国\n"
    )
    report = load(store, [changed])
    assert report.summary.entities["Organization"]["updated"] == 1
    updated = store.get(org.id)
    assert updated is not None
    # A row without an id never renames: the first name stays, the new one is an alias.
    assert updated.name == "吉宝集团" and updated.aliases == ["吉寶集團"]
    assert updated.name_en == "Keppel"
    assert len([e for e in store.entities("Organization") if "吉" in e.name]) == 1


def test_changed_row_updates_and_renames_by_id(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    path = write(
        tmp_path, "rename.yaml", "- {id: burnaby, kind: City, name: 本拿比市, level: city}\n"
    )
    report = load(store, [path])
    assert report.summary.entities["City"]["updated"] == 1
    burnaby = store.get("burnaby")
    assert burnaby is not None
    assert burnaby.name == "本拿比市" and "本拿比" in burnaby.aliases
    assert burnaby.properties == {"country": "canada", "level": "city"}


def test_an_interrupted_load_is_completed_by_running_it_again(tmp_path: Path) -> None:
    """Half the data already there (a load of part of it): the full load adds the
    rest, and leaves the part alone."""
    store = new_store(tmp_path)
    part = write(
        tmp_path,
        "part.yaml",
        "entities:\n  - {id: china, kind: Country, name: 中国, name_en: China,"
        " sources: [{document: 测试资料, date: '2016'}]}\n",
    )
    load(store, [part])
    report = load(store, [BASE])
    assert report.summary.entities["Country"] == {"unchanged": 1, "created": 2}
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert graph_snapshot(store) == graph_snapshot(base_store(fresh))


def test_generated_ids_are_stable_and_unique(tmp_path: Path) -> None:
    store = base_store(tmp_path)
    # Another 仁川, in a third country: a new entity, with an id of its own.
    path = write(
        tmp_path,
        "more.yaml",
        "entities:\n"
        "  - {id: japan, kind: Country, name: 日本}\n"
        "  - {kind: City, name: 仁川, country: 日本}\n"
        "  - {kind: City, name: 仁川, country: 韩国}\n",
    )
    first = load(store, [path])
    assert first.summary.entities["City"] == {"created": 1, "unchanged": 1}
    ids = sorted(e.id for e in store.find("仁川"))
    assert ids == ["incheon", "ren-chuan", "renchuan-china"]
    again = load(store, [path])
    assert again.summary.total("created") == 0
