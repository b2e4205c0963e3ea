"""Other people's lists (issue 12 §4): load past the bad rows and write them
back for fixing, settle ambiguous names by decisions, say how names resolved,
and source every pair to its line — on both stores."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fixtures.loader_helpers import BASE, messages, write

from renmai.graph.model import Source
from renmai.graph.store import Store
from renmai.loaders import LoadError, LoadOptions, PairMapping, load
from renmai.loaders.rejects import (
    decisions_path,
    default_rejects_path,
    write_decisions_template,
    write_rejects,
)

PAIRS = PairMapping(
    type="SISTER_CITY_OF",
    from_column="city",
    to_column="partner",
    to_country_column="country",
    since_column="year",
)
#: Line 3 names 仁川 with no country (two cities have that name), line 4 has
#: no partner, line 5 a year that is no date; lines 2 and 6 are fine.
LIST = """\
city,partner,country,year
中山市,Burnaby,加拿大,2015
中山市,仁川,,2001
中山市,,日本,1999
中山市,Honolulu,美国,去年
中山,Penrith,Atlantis,1998
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def base(store: Store) -> Store:
    load(store, [BASE])
    return store


def test_without_skipping_a_load_stays_all_or_nothing(base: Store, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", LIST)
    before = base.counts()
    with pytest.raises(LoadError) as caught:
        load(base, [pairs], LoadOptions(pairs=PAIRS))
    assert len(caught.value.problems) == 3
    assert base.counts() == before


def test_skip_invalid_loads_the_valid_rows_and_says_why_the_rest_were_left(
    base: Store, tmp_path: Path
) -> None:
    pairs = write(tmp_path, "pairs.csv", LIST)
    report = load(base, [pairs], LoadOptions(pairs=PAIRS, skip_invalid=True))
    assert report.written
    left = {str(r.record.location): r.because for r in report.rejected}
    assert left == {
        f"{pairs}:3": "partner (to): '仁川' could be any of: incheon (City 仁川, korea); "
        "renchuan-china (City 仁川, china) — give the id",
        f"{pairs}:4": "partner (to): empty: a pair needs both ends",
        f"{pairs}:5": "year (since): '去年' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)",
    }
    sisters = {r.ends: r for r in base.relationships("SISTER_CITY_OF")}
    penrith = next(e for e in base.entities("City") if e.name == "Penrith")
    assert set(sisters) == {("burnaby", "zhongshan"), (penrith.id, "zhongshan")}
    # Every pair has the list at its line as a source.
    assert (
        Source(document="pairs.csv", locator="line 6") in sisters[(penrith.id, "zhongshan")].sources
    )
    assert (
        Source(document="pairs.csv", locator="line 2") in sisters[("burnaby", "zhongshan")].sources
    )
    # Nothing of the left-out rows went in (Honolulu's row had a bad year).
    assert not [e for e in base.entities("City") if e.name == "Honolulu"]
    # The names, by what became of them.
    names = report.names
    assert names.counts["graph"] >= 2  # 中山市, Burnaby, 加拿大 …
    assert names.counts["new"] == 1 and names.examples["new"] == [f"Penrith → {penrith.id}"]
    assert names.counts["rejected"] == 1 and names.examples["rejected"] == ["仁川 → ambiguous"]
    assert [(a.text, [c.id for c in a.candidates]) for a in report.ambiguities] == [
        ("仁川", ["incheon", "renchuan-china"])
    ]
    lines = report.names.lines()
    assert any(line.strip().startswith("1 new: Penrith") for line in lines)


def test_what_names_a_left_out_row_is_left_out_too(base: Store, tmp_path: Path) -> None:
    entities = write(
        tmp_path,
        "Association.csv",
        "name,country,founded\n旧金山中山同乡会,火星国,1990\n温哥华中山同乡会,加拿大,1985\n",
    )
    rels = write(
        tmp_path,
        "relationships.csv",
        "type,from,to\nLIAISES_WITH,zs-fao,旧金山中山同乡会\nLIAISES_WITH,zs-fao,温哥华中山同乡会\n",
    )
    report = load(base, [entities, rels], LoadOptions(skip_invalid=True))
    assert [str(r.record.location) for r in report.rejected] == [f"{entities}:2", f"{rels}:2"]
    assert (
        report.rejected[0].because == "country: no Country named '火星国' in this load or the store"
    )
    assert report.rejected[1].because.startswith("to: no ")
    (kept,) = [e for e in base.entities("Association") if e.name.startswith("温哥华")]
    assert [n.entity.id for n in base.neighbors(kept.id, types=["LIAISES_WITH"])] == ["zs-fao"]


def test_a_problem_not_in_a_row_still_stops_the_load(base: Store, tmp_path: Path) -> None:
    """A file that cannot be read is no row to leave out."""
    broken = write(tmp_path, "broken.yaml", "entities: [\n")
    fine = write(tmp_path, "City.csv", "name,country\n长崎,日本\n")
    with pytest.raises(LoadError) as caught:
        load(base, [broken, fine], LoadOptions(skip_invalid=True))
    assert any(str(broken) in m for m in messages(caught.value))


def test_the_rejects_file_loads_again_once_fixed(base: Store, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", LIST)
    report = load(base, [pairs], LoadOptions(pairs=PAIRS, skip_invalid=True))
    rejects = write_rejects(default_rejects_path(str(pairs)), report.rejected)
    assert rejects == tmp_path / "pairs.rejects.csv"
    rows = _rows(rejects)
    assert list(rows[0]) == [
        "rejected_from",
        "rejected_because",
        "city",
        "partner",
        "country",
        "year",
    ]
    assert [(r["rejected_from"], r["partner"], r["country"], r["year"]) for r in rows] == [
        (f"{pairs}:3", "仁川", "", "2001"),
        (f"{pairs}:4", "", "日本", "1999"),
        (f"{pairs}:5", "Honolulu", "美国", "去年"),
    ]
    # A person fixes two rows and gives up on one.
    rows[0]["country"] = "韩国"
    rows[2]["year"] = "1997"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([rows[0], rows[2]])
    again = load(base, [fixed], LoadOptions(pairs=PAIRS))
    assert again.summary.relationships["SISTER_CITY_OF"]["created"] == 2
    assert ("incheon", "zhongshan") in {r.ends for r in base.relationships("SISTER_CITY_OF")}


def test_an_office_workbook_rejects_say_their_kind(base: Store, tmp_path: Path) -> None:
    """A sheet named for its kind gives a rejects file with a kind column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "社团"
    sheet.append(["社团名称", "国家", "成立时间"])
    sheet.append(["加拿大中山同乡会", "加拿大", "1985年"])
    sheet.append(["美国中山同乡会", "火星国", "2003年"])
    path = tmp_path / "名录.xlsx"
    book.save(path)
    report = load(base, [path], LoadOptions(skip_invalid=True))
    rows = _rows(write_rejects(tmp_path / "out.csv", report.rejected))
    assert rows == [
        {
            "rejected_from": f"{path}[社团]!3:3",
            "rejected_because": "国家 (country): no Country named '火星国' "
            "in this load or the store",
            "kind": "Association",
            "社团名称": "美国中山同乡会",
            "国家": "火星国",
            "成立时间": "2003年",
        }
    ]
    # Once the country is in the graph, the rejects file loads as it is.
    load(base, [write(tmp_path, "us.yaml", "- {id: mars, kind: Country, name: 火星国}\n")])
    load(base, [tmp_path / "out.csv"])
    assert "美国中山同乡会" in {e.name for e in base.entities("Association")}


def test_decisions_settle_an_ambiguous_name(base: Store, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", "city,partner,country,year\n中山市,仁川,,2001\n")
    report = load(base, [pairs], LoadOptions(pairs=PAIRS, skip_invalid=True))
    template = write_decisions_template(
        decisions_path(default_rejects_path(str(pairs))), report.ambiguities
    )
    assert template == tmp_path / "pairs.decisions.csv"
    rows = _rows(template)
    assert rows == [
        {
            "text": "仁川",
            "country": "",
            "id": "",
            "candidates": "incheon (City 仁川, korea); renchuan-china (City 仁川, china)",
            "first_seen": f"{pairs}:2",
        }
    ]
    # An undecided template decides nothing.
    with pytest.raises(LoadError):
        load(base, [pairs], LoadOptions(pairs=PAIRS, decisions=template))
    rows[0]["id"] = "incheon"
    with template.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    settled = load(base, [pairs], LoadOptions(pairs=PAIRS, decisions=template))
    assert settled.names.counts["decision"] == 1
    assert ("incheon", "zhongshan") in {r.ends for r in base.relationships("SISTER_CITY_OF")}


def test_a_decision_for_an_unknown_id_is_a_problem(base: Store, tmp_path: Path) -> None:
    pairs = write(tmp_path, "pairs.csv", "city,partner,country,year\n中山市,仁川,,2001\n")
    decisions = write(tmp_path, "decisions.csv", "text,id\n仁川,incheon-x\n,burnaby\n")
    with pytest.raises(LoadError) as caught:
        load(base, [pairs], LoadOptions(pairs=PAIRS, decisions=decisions))
    assert messages(caught.value) == [
        f"{decisions}:3: text: missing: which name is decided",
        f"{pairs}:2: partner (to): the decision for '仁川' names no City of this load or the store",
    ]
