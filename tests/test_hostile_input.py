"""Hostile and broken input, thrown at every loader format (issue 7, part 1).

Property tests (hypothesis, derandomized: the same examples on every run)
build records — valid ones, and ones with malformed rows, duplicate ids of
two kinds, reference cycles, dangling references, bad dates and numbers,
huge fields, control characters and mixed scripts — write them as CSV (in
several encodings), Excel, JSON, JSON Lines, YAML or a third-party pairs
list (mapping mode), and then often break the file: truncate it, splice in
bytes, or read it in the wrong encoding. Whatever comes out, a load either
succeeds (and a second load changes nothing) or raises ``LoadError`` whose
every problem names the file and, for a problem with a field, its line or
cell; any other exception fails the test, and after an error the store is
byte for byte (embedded) or record for record (Neo4j) what it was.

Then names made to attack — Cypher, backticks, parameters, HTML and script,
10,000 characters, right-to-left overrides, zero-width and control
characters — are loaded into both stores and read back through the CLI as a
table, JSON and CSV, and drawn as a page: they stay text.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from fixtures.loader_helpers import BASE, snapshot
from fixtures.reliability import observe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from renmai.cli import cli
from renmai.cli.output import terminal_text
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.store import Store
from renmai.loaders import LoadError, LoadOptions, PairMapping, load
from renmai.loaders.export import records

#: Few examples each, the same on every run: the suite stays fast and stable.
#: RENMAI_FUZZ_EXAMPLES=2000 runs a longer, random hunt (new examples each run).
FUZZ_EXAMPLES = int(os.environ.get("RENMAI_FUZZ_EXAMPLES", "0"))
PROPERTY = settings(
    max_examples=FUZZ_EXAMPLES or 80,
    deadline=None,
    derandomize=not FUZZ_EXAMPLES,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

HOSTILE_NAMES = [
    "'}) DETACH DELETE n //",
    "x'}) MATCH (m) DETACH DELETE m RETURN count(*) AS `n` //",
    "`Entity`) DETACH DELETE n //`",
    "$param ${id} {{id}}",
    "<script>alert(1)</script>",
    "</script><script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "长" * 10_000,
    "\u202eevil\u202c 侨领 \u2067right\u2069",
    "zero\u200bwidth\u200d\ufeffjoiner",
    "مرحبا 中山 שלום Чжуншань",
    "\x1b[2J\x1b[31mred\x1b[0m",
    '=HYPERLINK("http://x","click")',
]
#: Text that breaks parsers, fields and assumptions.
NASTY = st.sampled_from(
    [
        *HOSTILE_NAMES,
        "",
        " ",
        "\x00",
        "nul\x00inside",
        "tab\there",
        "two\nlines",
        "cr\rreturn",
        "\u2028sep\u2029",
        "NaN",
        "inf",
        "-1e999",
        "1,000",
        "2015-02-30",
        "2016-13",
        "0000",
        "null",
        "~",
        "NO",
        "yes",
        "是",
        "|",
        "a|b；c;d",
        "中山",
        "Chung Shan",
        "中山市",
        "仁川",
        "(（）)",
        "😀" * 3,
        "\ud7ff\ue000\uffff",
        "x" * 40_000,
    ]
)
TEXT = st.one_of(NASTY, st.text(max_size=12))
POOL_IDS = ["a", "b", "c", "zhongshan", "china", "burnaby"]
ID = st.one_of(st.sampled_from(POOL_IDS), st.sampled_from(["A B", "中山", "-x", "x" * 300]), TEXT)
KIND = st.sampled_from(
    [
        *("City", "Country", "Person", "Association", "Event", "Agreement", "Project"),
        *("城市", "人物", "Bogus", "MEMBER_OF", ""),
    ]
)
REL_TYPE = st.sampled_from(
    [
        *("PART_OF", "LOCATED_IN", "SISTER_CITY_OF", "MEMBER_OF", "KNOWS", "FUNDS"),
        *("友好城市", "Bogus", ""),
    ]
)
DATE = st.one_of(st.sampled_from(["2015", "2015-06", "2015-06-30", "2015-02-30", "20"]), TEXT)
NUMBER = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1,000", "3.5", "NaN", "inf", "lots"]),
)
PLAIN = st.one_of(TEXT, st.integers(), st.booleans(), st.none())
#: A value of the wrong shape: lists and mappings where one value belongs.
SHAPELESS = st.recursive(PLAIN, lambda inner: st.lists(inner, max_size=3), max_leaves=5)


@st.composite
def entity_record(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": draw(KIND), "name": draw(TEXT)}
    if draw(st.booleans()):
        record["id"] = draw(ID)
    optional = {
        "name_en": TEXT,
        "aliases": st.one_of(st.lists(TEXT, max_size=3), TEXT),
        "description": TEXT,
        "home": st.one_of(st.booleans(), TEXT),
        "country": st.one_of(st.sampled_from([*POOL_IDS, "加拿大", "korea"]), TEXT),
        "part_of": st.sampled_from(POOL_IDS),
        "title": TEXT,
        "phone": TEXT,
        "date": DATE,
        "amount": NUMBER,
        "founded": DATE,
        "recurring": st.one_of(st.booleans(), TEXT),
        "sources": st.one_of(
            st.lists(st.fixed_dictionaries({"document": TEXT, "excerpt": TEXT}), max_size=2),
            TEXT,
        ),
        "bogus_field": PLAIN,
        "name ": SHAPELESS,
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=5, unique=True)):
        record[key] = draw(optional[key])
    return record


@st.composite
def relationship_record(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": draw(REL_TYPE),
        "from": draw(st.one_of(st.sampled_from(POOL_IDS), TEXT)),
        "to": draw(st.one_of(st.sampled_from(POOL_IDS), TEXT)),
    }
    optional = {"since": DATE, "until": DATE, "role": TEXT, "amount": NUMBER, "key": TEXT}
    for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=3, unique=True)):
        record[key] = draw(optional[key])
    return record


def _cycle(a: str, b: str) -> list[dict[str, Any]]:
    """Two cities, each part of the other."""
    return [
        {"id": a, "kind": "City", "name": f"{a}城"},
        {"id": b, "kind": "City", "name": f"{b}城"},
        {"type": "PART_OF", "from": a, "to": b},
        {"type": "PART_OF", "from": b, "to": a},
    ]


RECORDS = st.lists(
    st.one_of(
        entity_record(),
        relationship_record(),
        st.builds(_cycle, st.sampled_from(["a", "c"]), st.sampled_from(["b", "zhongshan"])),
    ),
    min_size=1,
    max_size=6,
).map(lambda items: [r for item in items for r in (item if isinstance(item, list) else [item])])


NAME = TEXT.filter(lambda text: bool(text.strip()))


@st.composite
def sound_records(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Records that make a sound graph — an association, its members, who
    knows whom — with every text in them hostile: these should load."""
    records: list[dict[str, Any]] = [
        {
            "id": "va",
            "kind": "Association",
            "name": draw(NAME),
            "category": "hometown",
            "country": "canada",
        }
    ]
    people = draw(st.integers(1, 3))
    optional = {
        "title": TEXT,
        "aliases": st.lists(TEXT, max_size=2),
        "description": TEXT,
        "phone": TEXT,
        "address": TEXT,
    }
    for i in range(people):
        person = {"id": f"v{i}", "kind": "Person", "name": draw(NAME)}
        for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
            person[key] = draw(optional[key])
        records.append(person)
        records.append({"type": "MEMBER_OF", "from": f"v{i}", "to": "va", "role": draw(TEXT)})
    if people > 1:
        since = draw(st.sampled_from(["2015", "2015-06", "2016-02-29"]))
        records.append({"type": "KNOWS", "from": "v0", "to": "v1", "since": since})
    return records


DOCUMENTS = st.one_of(RECORDS, sound_records())


# -- writing the records in each format -------------------------------------------------------
def _flat(value: Any) -> Any:
    """A value as one spreadsheet cell."""
    if isinstance(value, list):
        return "|".join(str(_flat(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    return value


def _table(rows: list[dict[str, Any]]) -> list[list[Any]]:
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return [columns, *[[_flat(r.get(c)) for c in columns] for r in rows]]


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_table(rows))
    path.write_bytes(out.getvalue().encode(encoding, errors="replace"))


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> None:
    """Entities on one sheet, relationships on another. Characters that XML
    cannot hold are dropped (no workbook can have them), and text that starts
    with ``=`` stays text, not a formula."""
    book = Workbook()
    sheets = [
        ("entities", [r for r in rows if "kind" in r]),
        ("relationships", [r for r in rows if "kind" not in r]),
    ]
    book.remove(book.active)
    for title, sheet_rows in sheets:
        sheet = book.create_sheet(title)
        for r, cells in enumerate(_table(sheet_rows) if sheet_rows else [], start=1):
            for c, value in enumerate(cells, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000]
                if isinstance(value, float) and value != value:
                    value = "NaN"
                cell = sheet.cell(r, c, value)
                if isinstance(value, str):
                    cell.data_type = "s"
    book.save(path)


def _json_safe(rows: list[dict[str, Any]]) -> str:
    """The mapping form: entities and relationships in their sections."""
    document = {
        "entities": [r for r in rows if "type" not in r],
        "relationships": [r for r in rows if "type" in r],
    }
    return json.dumps(document, ensure_ascii=False, default=str)


def write_format(folder: Path, fmt: str, rows: list[dict[str, Any]], encoding: str) -> Path:
    if fmt == "csv":
        path = folder / "data.csv"
        write_csv(path, rows, encoding)
    elif fmt == "xlsx":
        path = folder / "data.xlsx"
        write_xlsx(path, rows)
    elif fmt == "json":
        path = folder / "data.json"
        path.write_bytes(_json_safe(rows).encode(encoding, errors="replace"))
    elif fmt == "jsonl":
        path = folder / "data.jsonl"
        lines = "\n".join(json.dumps(r, ensure_ascii=False, default=str) for r in rows)
        path.write_bytes(lines.encode(encoding, errors="replace"))
    else:
        path = folder / "data.yaml"
        text = yaml.safe_dump(rows, allow_unicode=True, default_flow_style=False)
        path.write_bytes(text.encode(encoding, errors="replace"))
    return path


@st.composite
def damage(draw: st.DrawFn) -> tuple[str, float, bytes]:
    """How to break a file: nothing, truncate it, or splice bytes into it."""
    how = draw(st.sampled_from(["none", "none", "truncate", "splice"]))
    where = draw(st.floats(0, 1))
    junk = draw(
        st.sampled_from([b"\x00", b"\xff\xfe", b"\xe4\xb8", b"\x1b[2J", b'"', b"\n,,\n", b"]}"])
    )
    return how, where, junk


def break_file(path: Path, how: str, where: float, junk: bytes) -> None:
    data = path.read_bytes()
    cut = int(len(data) * where)
    if how == "truncate":
        path.write_bytes(data[:cut])
    elif how == "splice":
        path.write_bytes(data[:cut] + junk + data[cut:])


# -- what every load must do ----------------------------------------------------------------
def embedded_snapshot(store: Store) -> Any:
    assert isinstance(store, SqliteStore)
    return snapshot(store)


def full_snapshot(store: Store) -> Any:
    return records(store, contacts=True)


class Tally:
    """What the examples of one property test came to."""

    def __init__(self) -> None:
        self.outcomes: dict[str, int] = {"loaded": 0, "refused": 0}
        self.problems = 0
        #: Problem messages with their values taken out: the kinds of problem met.
        self.kinds: set[str] = set()

    def add(self, outcome: str, error: LoadError | None) -> None:
        self.outcomes[outcome] += 1
        if error is not None:
            self.problems += len(error.problems)
            self.kinds |= {_kind_of(p.message) for p in error.problems}

    def report(self, test: str, **facts: Any) -> None:
        # The generated inputs exercise both outcomes, not only one.
        assert self.outcomes["loaded"] and self.outcomes["refused"], self.outcomes
        observe(
            test,
            examples=sum(self.outcomes.values()),
            **self.outcomes,
            problems=self.problems,
            kinds_of_problem=len(self.kinds),
            **facts,
        )


def _kind_of(message: str) -> str:
    """A message without its quoted values and numbers."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d+", "…", message)[:70]


def check_load(
    store: Store,
    path: Path,
    options: LoadOptions | None = None,
    snapshot: Any = embedded_snapshot,
    tally: Tally | None = None,
) -> str:
    """Load ``path``: a clean load, or a located LoadError and an untouched store.

    Returns "loaded" or "refused".
    """
    before = snapshot(store)
    try:
        load(store, [str(path)], options)
    except LoadError as exc:
        if tally is not None:
            tally.add("refused", exc)
        assert exc.problems
        for problem in exc.problems:
            where = problem.location
            assert where.file == str(path), f"not located in the file: {problem}"
            if problem.field:
                # A problem with a field is at a line (text) or a row (sheet).
                assert where.line or where.row, f"no line or cell: {problem}"
            assert str(problem).startswith(str(path))
        assert snapshot(store) == before, "a refused load changed the store"
        return "refused"
    again = load(store, [str(path)], options)
    assert not again.summary.changed, f"a second load changed something: {again.summary}"
    if tally is not None:
        tally.add("loaded", None)
    return "loaded"


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store holding the loader tests' base graph, to copy."""
    path = tmp_path_factory.mktemp("base") / "graph.db"
    store = SqliteStore(path)
    load(store, [BASE])
    store.close()  # a closed database is whole in its file, and can be copied
    return path


@pytest.fixture
def fresh(tmp_path: Path, base_file: Path) -> Iterator[Any]:
    """A function giving a new folder and a store with the base graph, per example."""

    def make() -> tuple[Path, SqliteStore]:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        shutil.copy(base_file, folder / "graph.db")
        return folder, SqliteStore(folder / "graph.db")

    yield make


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "jsonl", "yaml"])
def test_every_format_loads_cleanly_or_refuses_with_located_problems(fmt: str, fresh: Any) -> None:
    tally = Tally()

    @PROPERTY
    @given(
        rows=DOCUMENTS,
        encoding=st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]),
        broken=damage(),
        declared=st.sampled_from([None, None, None, "utf-8", "gbk", "no-such-codec"]),
    )
    def run(
        rows: list[dict[str, Any]],
        encoding: str,
        broken: tuple[str, float, bytes],
        declared: str | None,
    ) -> None:
        folder, store = fresh()
        path = write_format(folder, fmt, rows, encoding)
        break_file(path, *broken)
        options = LoadOptions(encoding=declared) if declared else None
        check_load(store, path, options, tally=tally)

    run()
    tally.report(f"input/{fmt}")


PAIR_MAPPING = PairMapping(
    type="SISTER_CITY_OF",
    from_column="Chinese City",
    to_column="Foreign City",
    to_country_column="Country",
    since_column="Year",
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "yaml"])
def test_mapping_mode_loads_cleanly_or_refuses_with_located_problems(fmt: str, fresh: Any) -> None:
    tally = Tally()
    pair = st.fixed_dictionaries(
        {
            "Chinese City": st.one_of(st.sampled_from(["中山市", "中山", "江门市"]), TEXT),
            "Foreign City": st.one_of(st.sampled_from(["Burnaby", "仁川", "Honolulu"]), TEXT),
            "Country": st.one_of(st.sampled_from(["Canada", "South Korea", "加拿大"]), TEXT),
            "Year": DATE,
        },
        optional={"Notes": SHAPELESS, "Foreign City ": SHAPELESS},
    )

    @PROPERTY
    @given(rows=st.lists(pair, min_size=1, max_size=5), broken=damage())
    def run(rows: list[dict[str, Any]], broken: tuple[str, float, bytes]) -> None:
        folder, store = fresh()
        path = write_format(folder, fmt, rows, "utf-8")
        break_file(path, *broken)
        check_load(store, path, LoadOptions(pairs=PAIR_MAPPING), tally=tally)

    run()
    tally.report(f"input/mapping-{fmt}")


@pytest.mark.neo4j
def test_neo4j_store_is_unchanged_by_every_refused_load(neo4j_store: Store, tmp_path: Path) -> None:
    """The same property on the Neo4j store, fewer examples: a refused load
    leaves every record as it was; a clean one loads again unchanged."""
    load(neo4j_store, [BASE])
    tally = Tally()

    @settings(PROPERTY, max_examples=25)
    @given(rows=DOCUMENTS, fmt=st.sampled_from(["csv", "json", "yaml"]), broken=damage())
    def run(rows: list[dict[str, Any]], fmt: str, broken: tuple[str, float, bytes]) -> None:
        folder = Path(tempfile.mkdtemp(dir=tmp_path))
        path = write_format(folder, fmt, rows, "utf-8")
        break_file(path, *broken)
        check_load(neo4j_store, path, snapshot=full_snapshot, tally=tally)

    run()
    tally.report("input/neo4j")


def test_a_yaml_alias_bomb_is_refused_without_expanding(fresh: Any) -> None:
    """Nested YAML aliases (a 'billion laughs') never become text: the shape of
    the value is refused first, in a moment and with little memory."""
    folder, store = fresh()
    lines = ['    aliases: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n, (name, prev) in enumerate(zip("bcdefgh", "abcdefg", strict=True)):
        lines.append(
            f"  - {{kind: City, name: bomb{n}, aliases: &{name} [{', '.join([f'*{prev}'] * 9)}]}}"
        )
    text = "entities:\n  - kind: City\n    name: bomb\n" + "\n".join(lines) + "\n"
    text += "  - {kind: City, name: [*h, *h], description: {x: *h}, sources: [{document: *h}]}\n"
    path = folder / "bomb.yaml"
    path.write_text(text)
    started = time.monotonic()
    with pytest.raises(LoadError) as caught:
        load(store, [path])
    took = time.monotonic() - started
    fields = [p.field for p in caught.value.problems]
    assert fields.count("aliases") == 7 and {"name", "description", "sources"} <= set(fields)
    assert all(len(str(p)) < 300 for p in caught.value.problems)
    # Expanded, the last list alone would be 8 x 9**7 (38 million) strings.
    assert took < 30
    observe(
        "input/yaml-bomb",
        seconds=round(took, 2),
        problems=[str(p).removeprefix(str(folder) + "/") for p in caught.value.problems],
    )


def test_json_nested_past_the_parser_depth_is_one_located_problem(fresh: Any) -> None:
    folder, store = fresh()
    deep = "[" * 100_000 + "]" * 100_000
    (folder / "deep.json").write_text(deep)
    (folder / "deep.jsonl").write_text('{"kind": "City", "name": ' + deep + "}\n")
    with pytest.raises(LoadError) as caught:
        load(store, [folder / "deep.json", folder / "deep.jsonl"])
    too_deep = "nested too deeply to read (a record is a mapping of plain values)"
    observe("input/deep-json", problems=[p.message for p in caught.value.problems])
    assert [str(p) for p in caught.value.problems] == [
        f"{folder / 'deep.json'}: {too_deep}",
        f"{folder / 'deep.jsonl'}:1: {too_deep}",
    ]


def test_numbers_that_are_not_finite_are_refused(fresh: Any) -> None:
    """NaN is not equal to itself: stored, every re-load would 'update' it."""
    folder, store = fresh()
    path = folder / "amounts.json"
    path.write_text(
        '[{"kind": "Agreement", "name": "甲", "amount": NaN},'
        ' {"kind": "Agreement", "name": "乙", "amount": "inf"},'
        ' {"kind": "Agreement", "name": "丙", "amount": 1e999}]'
    )
    with pytest.raises(LoadError) as caught:
        load(store, [path])
    assert [p.field for p in caught.value.problems] == ["amount"] * 3
    assert all("is not a finite number" in p.message for p in caught.value.problems)
    observe("input/non-finite", problems=[p.message for p in caught.value.problems])


def test_duplicate_ids_dangling_references_and_cycles(fresh: Any) -> None:
    """An id of two kinds and a reference to nothing are located problems; a
    PART_OF cycle is data (it loads), and queries over it still end."""
    folder, store = fresh()
    bad = folder / "bad.yaml"
    bad.write_text(
        "entities:\n"
        "  - {id: dup, kind: City, name: 甲城}\n"
        "  - {id: dup, kind: Person, name: 甲}\n"
        "  - {id: lost, kind: City, name: 乙城, country: atlantis}\n"
        "relationships:\n"
        "  - {type: PART_OF, from: lost, to: nowhere}\n"
    )
    with pytest.raises(LoadError) as caught:
        load(store, [bad])
    assert [(p.location.line, p.field) for p in caught.value.problems] == [
        (3, "id"),
        (4, "country"),
        (6, "to"),
    ]
    observe(
        "input/dup-dangling",
        problems=[str(p).removeprefix(str(folder) + "/") for p in caught.value.problems],
    )
    cycle = folder / "cycle.yaml"
    cycle.write_text(yaml.safe_dump(_cycle("a", "b"), allow_unicode=True))
    load(store, [cycle])
    graph = str(folder / "graph.db")
    for args in (["connect", "a城"], ["neighbors", "a", "--depth", "4"], ["path", "a", "b"]):
        result = CliRunner().invoke(cli, ["--store", graph, *args])
        assert result.exit_code == 0, result.output


# -- names made to attack, on both stores, through the CLI and the page -------------------------
def _hostile_document() -> str:
    entities = [
        {"id": f"hostile-{n}", "kind": "Person", "name": name, "title": name}
        for n, name in enumerate(HOSTILE_NAMES)
    ]
    entities.append({"id": "hub", "kind": "Organization", "name": "中心", "category": "company"})
    relationships = [
        {"type": "MEMBER_OF", "from": e["id"], "to": "hub", "role": e["name"]}
        for e in entities[:-1]
    ]
    return yaml.safe_dump(
        {"entities": entities, "relationships": relationships}, allow_unicode=True, width=10**6
    )


@pytest.fixture(params=["embedded", "neo4j"])
def hostile_cli(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[list[str], dict[str, str]]]:
    """Global options and environment for the CLI on each store, the hostile
    names loaded (through ``renmai load``)."""
    if request.param == "neo4j":
        request.applymarker(pytest.mark.neo4j)
        target = request.getfixturevalue("neo4j_target")
        request.getfixturevalue("neo4j_store")  # an empty database
        env = target.cli_env()
        options: list[str] = []
    else:
        env = {"NEO4J_URI": ""}
        options = ["--store", str(tmp_path / "graph.db")]
    path = tmp_path / "hostile.yaml"
    path.write_text(_hostile_document(), encoding="utf-8")
    result = CliRunner().invoke(cli, [*options, "load", str(path)], env=env)
    assert result.exit_code == 0, result.output
    yield options, env


def _run(setup: tuple[list[str], dict[str, str]], *args: str) -> Result:
    options, env = setup
    result = CliRunner().invoke(cli, [*options, *args], env=env)
    assert result.exit_code == 0, result.output
    return result


def test_hostile_names_are_stored_and_shown_as_text(
    hostile_cli: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    counts = json.loads(_run(hostile_cli, "stats", "--json").stdout)
    assert counts == {
        "entities": {"Organization": 1, "Person": len(HOSTILE_NAMES)},
        "relationships": {"MEMBER_OF": len(HOSTILE_NAMES)},
    }
    for n, name in enumerate(HOSTILE_NAMES):
        entity_id = f"hostile-{n}"
        shown = json.loads(_run(hostile_cli, "show", entity_id, "--json").stdout)["entity"]
        # Exactly the text given, in the name, a field and a relationship's field.
        assert shown["name"] == name and shown["properties"]["title"] == name
        table = _run(hostile_cli, "show", entity_id).stdout
        assert table.startswith(terminal_text(name) + "  (人物 Person, id ")
        # A terminal gets no escape sequence, no bidirectional override.
        assert not re.search("[\x1b\u202e\u2067]", table)
    rows = list(csv.DictReader(io.StringIO(_run(hostile_cli, "neighbors", "hub", "--csv").stdout)))
    assert sorted(r["name"] for r in rows) == sorted(HOSTILE_NAMES)
    listed = json.loads(_run(hostile_cli, "neighbors", "hub", "--json").stdout)["neighbors"]
    assert sorted(r["name"] for r in listed) == sorted(HOSTILE_NAMES)
    assert sorted(r["relationships"][0]["properties"]["role"] for r in listed) == sorted(
        HOSTILE_NAMES
    )
    table = _run(hostile_cli, "neighbors", "hub").stdout
    assert not re.search("[\x1b\u202e\u2067]", table)
    for name in HOSTILE_NAMES:
        assert terminal_text(name, keep_newlines=False) in table
    # Search by the hostile text itself finds it (a parameter and a fulltext
    # query on Neo4j, never Cypher text).
    for name in HOSTILE_NAMES[:7]:
        hits = json.loads(_run(hostile_cli, "search", name, "--json").stdout)
        assert name in [h["name"] for h in hits], name
    page = tmp_path / "hostile.html"
    _run(hostile_cli, "viz", "hub", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    for name in HOSTILE_NAMES:
        if re.search(r"[<>&]", name):
            assert name not in html  # only ever escaped
    match = re.search(
        r'<script type="application/json" id="renmai-data">(.*?)</script>', html, re.S
    )
    assert match
    names = {node["name"] for node in json.loads(match.group(1))["info"]["nodes"].values()}
    assert set(HOSTILE_NAMES) <= names  # and the page's data gives them back exactly
    # Nothing was deleted or relabelled by a name: the counts are as loaded.
    assert json.loads(_run(hostile_cli, "stats", "--json").stdout) == counts
    store = "embedded" if "--store" in hostile_cli[0] else "neo4j"
    observe(f"input/hostile-names-{store}", names=len(HOSTILE_NAMES), counts=counts)
