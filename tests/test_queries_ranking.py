"""The ranking formula and its weights (docs/ranking.md), number by number."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from renmai.graph.dates import year_of, year_start
from renmai.graph.model import Entity, Relationship, Source
from renmai.graph.schema import SCHEMA
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store
from renmai.queries.ranking import Ranker, last_evidence, ranker_for
from renmai.queries.weights import WEIGHTS_ENV, RankingWeights, WeightsError, load_weights

S = [Source(document="d")]


def test_partial_dates_are_the_middle_of_their_period() -> None:
    assert year_of("2015") == 2015.5
    assert year_of("2015-01") == pytest.approx(2015 + 0.5 / 12)
    assert year_of("2016-12-31") == pytest.approx(2016 + 365.5 / 366)
    assert year_start("2015") == 2015.0
    assert year_start("2015-07") == 2015.5


def test_recency_halves_above_the_floor_every_half_life() -> None:
    ranker = Ranker(RankingWeights(half_life_years=5, recency_floor=0.2), "2020")
    assert ranker.recency("2020") == pytest.approx(1.0)
    assert ranker.recency("2015") == pytest.approx(0.2 + 0.8 * 0.5)
    assert ranker.recency("2010") == pytest.approx(0.2 + 0.8 * 0.25)
    assert ranker.recency(None) == RankingWeights().undated
    assert Ranker(RankingWeights(), None).recency("2015") == RankingWeights().undated


def test_strength_is_base_times_recency_times_sourcing() -> None:
    weights = RankingWeights(per_extra_source=0.05, max_extra=4, unsourced=0.8)
    ranker = Ranker(weights, "2016")
    one = Relationship(type="SISTER_CITY_OF", from_id="a", to_id="b", since="2016", sources=S)
    assert ranker.strength(one, None, None) == pytest.approx(0.9)
    many = one.model_copy(update={"sources": [Source(document=str(i)) for i in range(9)]})
    ranker = Ranker(weights, "2016")
    assert ranker.strength(many, None, None) == pytest.approx(0.9 * (1 + 0.05 * 4))
    bare = one.model_copy(update={"sources": []})
    assert Ranker(weights, "2016").strength(bare, None, None) == pytest.approx(0.9 * 0.8)


def test_schema_strengths_can_be_overridden() -> None:
    weights = RankingWeights(strengths={"KNOWS": 0.95})
    assert weights.base_strength("KNOWS") == 0.95
    assert weights.base_strength("LIAISES_WITH") == 0.85
    with pytest.raises(ValueError, match="unknown relationship kind"):
        RankingWeights(strengths={"FRIENDS": 0.5})
    with pytest.raises(ValueError, match="between 0 and 1"):
        RankingWeights(strengths={"KNOWS": 1.5})


def test_parallel_relationships_add_evidence_up_to_one() -> None:
    ranker = Ranker(RankingWeights(per_parallel=0.1, max_extra=4), "2016")
    assert ranker.combine([0.5]) == 0.5
    assert ranker.combine([0.5, 0.2]) == pytest.approx(0.55)
    assert ranker.combine([0.5] * 10) == pytest.approx(0.5 * 1.4)
    assert ranker.combine([0.9] * 5) == 1.0
    assert ranker.combine([]) == 0.0


def test_hubs_are_divided_by_the_log_of_their_degree() -> None:
    ranker = Ranker(RankingWeights(hub_degree=10), None)
    assert ranker.hub(1) == ranker.hub(10) == 1.0
    assert ranker.hub(100) == pytest.approx(0.5)
    assert ranker.hub(1000) == pytest.approx(1 / 3)
    assert ranker.hub(50) == pytest.approx(1 / math.log10(50))


def test_evidence_includes_event_and_agreement_dates_but_not_source_dates() -> None:
    event = Entity(id="e", kind="Event", name="会", properties={"date": "2014-05"})
    org = Entity(id="o", kind="Organization", name="机构", properties={})
    r = Relationship(
        type="PARTICIPATED_IN",
        from_id="o",
        to_id="e",
        sources=[Source(document="report", date="2016")],
    )
    assert last_evidence(r, org, event) == "2014-05"
    assert last_evidence(r, org, None) is None
    later = r.model_copy(update={"until": "2015"})
    assert last_evidence(later, org, event) == "2015"


def test_contact_kinds_leave_out_where_things_are() -> None:
    contact = SCHEMA.contact_kinds
    assert {"LOCATED_IN", "PART_OF", "REPRESENTS", "ANCESTRAL_HOME"}.isdisjoint(contact)
    assert {"KNOWS", "PARTY_TO", "SISTER_CITY_OF", "LIAISES_WITH"} <= contact
    assert SCHEMA.place_tie_kinds == {"REPRESENTS", "ANCESTRAL_HOME"}


def test_reference_date_is_the_newest_in_the_graph_unless_pinned(embedded_store: Store) -> None:
    embedded_store.write(
        [
            Entity(id="a", kind="Person", name="甲"),
            Entity(id="b", kind="Person", name="乙"),
            Entity(id="e", kind="Event", name="会", properties={"date": "2017-03"}),
            Entity(id="x", kind="Association", name="社", properties={"founded": "2030"}),
        ],
        [Relationship(type="KNOWS", from_id="a", to_id="b", since="2012")],
    )
    assert embedded_store.newest_date() == "2017-03"
    assert ranker_for(embedded_store).reference_date == "2017-03"
    pinned = ranker_for(embedded_store, RankingWeights(reference_date="2020"))
    assert pinned.reference_date == "2020"


def test_weights_load_from_json_yaml_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_json = tmp_path / "w.json"
    as_json.write_text(json.dumps({"hop_penalty": 0.5, "strengths": {"KNOWS": 0.9}}))
    as_yaml = tmp_path / "w.yaml"
    as_yaml.write_text("half_life_years: 2\nreference_date: 2015-06\n")
    assert load_weights(as_json).hop_penalty == 0.5
    assert load_weights(as_yaml).reference_date == "2015-06"
    monkeypatch.delenv(WEIGHTS_ENV, raising=False)
    assert load_weights() == RankingWeights()
    monkeypatch.setenv(WEIGHTS_ENV, str(as_yaml))
    assert load_weights().half_life_years == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hop_penaltee: 0.5\n", "hop_penaltee"),
        ("hop_penalty: 2\n", "hop_penalty"),
        ("- 1\n- 2\n", "mapping"),
        ("reference_date: 2015-13\n", "reference_date"),
        ("{", "not valid JSON/YAML"),
    ],
)
def test_bad_weights_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(WeightsError, match=message):
        load_weights(path)
    with pytest.raises(WeightsError, match="cannot read"):
        load_weights(tmp_path / "missing.yaml")


def test_newest_date_and_ranker_are_kept_until_the_store_changes(
    store: Store, reopen: Callable[[Store], Store]
) -> None:
    store.write(
        [Entity(id="a", kind="Person", name="甲"), Entity(id="b", kind="Person", name="乙")],
        [Relationship(type="KNOWS", from_id="a", to_id="b", since="2010")],
    )
    assert store.newest_date() == "2010"
    ranker = ranker_for(store)
    assert ranker_for(store) is ranker
    assert ranker_for(store, RankingWeights(half_life_years=2)) is not ranker

    store.write([], [Relationship(type="KNOWS", from_id="a", to_id="b", until="2013")])
    assert store.newest_date() == "2013"
    assert ranker_for(store).reference_date == "2013"

    # A write by another process (another open store on the same graph) counts
    # too, though it changes no count.
    other = reopen(store)
    other.write([], [Relationship(type="KNOWS", from_id="a", to_id="b", until="2014")])
    assert store.newest_date() == "2014"
    kept = ranker_for(store)
    assert ranker_for(store) is kept
    other.write([], [Relationship(type="KNOWS", from_id="a", to_id="b", until="2015")])
    assert ranker_for(store) is not kept
    assert ranker_for(store).reference_date == "2015"


def test_a_store_that_knows_its_newest_date_is_asked(tmp_path: Path) -> None:
    class Dated(SqliteStore):
        asked = 0

        def newest_date(self) -> str | None:
            Dated.asked += 1
            return "2030-01"

        def relationships(self, type: str | None = None) -> Iterator[Relationship]:
            raise AssertionError("no scan when the store knows")

    store = Dated(tmp_path / "g.db")
    assert ranker_for(store).reference_date == "2030-01"
    assert ranker_for(store).reference_date == "2030-01" and Dated.asked == 1
