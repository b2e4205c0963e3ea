"""Personal data (issue 7, part 4): people's phone numbers, e-mail addresses,
WeChat ids and home addresses are kept, but no output path shows them unless
``--show-contacts`` is given — every command that prints entities, in every
format (table, JSON, CSV), the pages, Cypher results and exports — on both
stores. ``renmai export`` says whether they are included, and an export loads
back into the same graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from fixtures.reliability import observe

from renmai.cli import cli
from renmai.graph.connect import open_store
from renmai.graph.neo4j_store import Neo4jStore
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store
from renmai.loaders.export import records

PHONE = "+86-760-8888-1234"
EMAIL = "chen.secret@example.org"
WECHAT = "chen_wx_secret88"
ADDRESS = "石岐区秘密路8号"
CONTACTS = (PHONE, EMAIL, WECHAT, ADDRESS)
CONTACTS_OF_PEOPLE = ("phone", "email", "wechat", "address")

PEOPLE = {
    "entities": [
        {"id": "china", "kind": "Country", "name": "中国", "name_en": "China"},
        {"id": "canada", "kind": "Country", "name": "加拿大", "name_en": "Canada"},
        {"id": "zhongshan", "kind": "City", "name": "中山市", "home": True, "country": "china"},
        {
            "id": "fao",
            "kind": "Organization",
            "name": "中山市外事侨务局",
            "category": "government",
            "city": "zhongshan",
            "home": True,
        },
        {
            "id": "assoc",
            "kind": "Association",
            "name": "加拿大中山同乡会",
            "category": "hometown",
            "country": "canada",
        },
        {
            "id": "chen",
            "kind": "Person",
            "name": "陈大文",
            "name_en": "David Chan",
            "title": "会长",
            "country": "canada",
            "phone": PHONE,
            "email": EMAIL,
            "wechat": WECHAT,
            "address": ADDRESS,
            "sources": [{"document": "2016年工作计划", "excerpt": "陈大文会长"}],
        },
        {
            "id": "li",
            "kind": "Person",
            "name": "李小明",
            "title": "秘书长",
            "phone": "+1-604-555-0199",
            "wechat": "li_wx_secret",
        },
    ],
    "relationships": [
        {"type": "HOLDS_POSITION", "from": "chen", "to": "assoc", "title": "会长"},
        {"type": "LIAISES_WITH", "from": "fao", "to": "chen", "since": "2014"},
        {"type": "KNOWS", "from": "chen", "to": "li", "since": "2010"},
        {"type": "MEMBER_OF", "from": "li", "to": "assoc"},
    ],
}
#: Every command that prints entities, with the formats it has.
COMMANDS = [
    ["search", "陈大文"],
    ["search", "Chan"],
    ["show", "chen"],
    ["connect", "加拿大"],
    ["connect", "陈大文"],
    ["path", "fao", "li"],
    ["neighbors", "chen", "--depth", "2"],
    ["common", "fao", "assoc"],
    ["brokers"],
    ["coverage"],
    ["stale", "--since", "2020", "--undated"],
    ["dedupe", "--threshold", "10"],
    ["stats"],
]
FORMATS = {
    "show": ([], ["--json"]),
    "stats": ([], ["--json"]),
}
HTML_COMMANDS = [
    ["connect", "加拿大"],
    ["path", "fao", "li"],
    ["neighbors", "chen"],
    ["common", "fao", "assoc"],
]


@pytest.fixture(params=["embedded", "neo4j"])
def people(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The CLI's environment for each store, people with contacts loaded."""
    if request.param == "neo4j":
        request.applymarker(pytest.mark.neo4j)
        target = request.getfixturevalue("neo4j_target")
        request.getfixturevalue("neo4j_store")  # an empty database
        env = {**target.cli_env(), "RENMAI_STORE": ""}
    else:
        env = {"NEO4J_URI": "", "RENMAI_STORE": str(tmp_path / "graph.db")}
    path = tmp_path / "people.yaml"
    path.write_text(yaml.safe_dump(PEOPLE, allow_unicode=True), encoding="utf-8")
    loaded = CliRunner().invoke(cli, ["load", str(path), "-v"], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert not any(c in loaded.output for c in CONTACTS)
    yield {"env": env, "store": request.param, "tmp": tmp_path}


def run(setup: dict[str, Any], *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env=setup["env"])
    assert result.exit_code == 0, (args, result.output)
    return result


def shown(text: str) -> list[str]:
    """The contact details found in a text, also as JSON would escape them."""
    escaped = [json.dumps(c)[1:-1] for c in CONTACTS]
    return [c for c, e in zip(CONTACTS, escaped, strict=True) if c in text or e in text]


def test_no_output_path_shows_contacts_by_default(people: dict[str, Any]) -> None:
    checked = 0
    for command in COMMANDS:
        for fmt in FORMATS.get(command[0], ([], ["--json"], ["--csv"])):
            result = run(people, *command, *fmt)
            assert shown(result.output) == [], (command, fmt)
            checked += 1
    assert checked == 37
    observe(f"contacts/outputs-{people['store']}", outputs=checked)
    # Something was shown: the person is there, only the contacts are not.
    assert "陈大文" in run(people, "show", "chen").stdout
    assert "会长" in run(people, "show", "chen").stdout


def test_pages_leave_contacts_out_unless_asked(people: dict[str, Any]) -> None:
    tmp = people["tmp"]
    pages = []
    for n, command in enumerate(HTML_COMMANDS):
        page = tmp / f"answer-{n}.html"
        run(people, *command, "--html", str(page))
        pages.append(page)
    whole, around = tmp / "whole.html", tmp / "around.html"
    run(people, "viz", "-o", str(whole))
    run(people, "viz", "chen", "-o", str(around))
    for page in [*pages, whole, around]:
        assert shown(page.read_text(encoding="utf-8")) == [], page.name
    # With --show-contacts the person's details are in the page (its tooltips).
    run(people, "viz", "chen", "-o", str(around), "--show-contacts")
    assert shown(around.read_text(encoding="utf-8")) == list(CONTACTS)
    run(people, "connect", "加拿大", "--html", str(pages[0]), "--show-contacts")
    assert shown(pages[0].read_text(encoding="utf-8")) == list(CONTACTS)


def test_show_gives_contacts_only_when_asked(people: dict[str, Any]) -> None:
    table = run(people, "show", "chen", "--show-contacts").stdout
    assert shown(table) == list(CONTACTS)
    assert f"电话          {PHONE}" in table
    data = json.loads(run(people, "show", "chen", "--json", "--show-contacts").stdout)
    assert {
        k: data["entity"]["properties"][k] for k in ("phone", "email", "wechat", "address")
    } == {
        "phone": PHONE,
        "email": EMAIL,
        "wechat": WECHAT,
        "address": ADDRESS,
    }


def test_cypher_nodes_leave_contacts_out_unless_asked(people: dict[str, Any]) -> None:
    if people["store"] != "neo4j":
        result = CliRunner().invoke(cli, ["cypher", "MATCH (p) RETURN p"], env=people["env"])
        assert result.exit_code == 2 and "Cypher needs the Neo4j store" in result.stderr
        return
    query = "MATCH (p:Person) RETURN p ORDER BY p.id"
    for fmt in ([], ["--json"], ["--csv"]):
        assert shown(run(people, "cypher", query, *fmt).output) == []
    nodes = json.loads(run(people, "cypher", query, "--json", "--show-contacts").stdout)
    assert nodes[0]["p"]["phone"] == PHONE and nodes[0]["p"]["address"] == ADDRESS
    # Cypher is the raw database: a query that names a contact field gets it.
    named = run(people, "cypher", "MATCH (p:Person {id: 'chen'}) RETURN p.phone AS phone", "--json")
    assert json.loads(named.stdout) == [{"phone": PHONE}]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "csv"])
def test_export_says_whether_contacts_are_in_it_and_loads_back(
    people: dict[str, Any], tmp_path: Path, fmt: str
) -> None:
    env = people["env"]
    out = tmp_path / ("export" if fmt == "csv" else f"export.{fmt}")
    default = run(people, "export", "-o", str(out))
    text = _export_text(out)
    assert shown(text) == [] and shown(default.output) == []
    assert default.stderr.startswith(f"Exported 7 entities and 8 relationships ({fmt}) to {out}")
    assert "contact details (phone, email, wechat, address, website) are left out" in default.stderr
    if fmt in ("json", "yaml"):
        note = _document(out, fmt)["note"]
        assert "are left out; renmai export --show-contacts includes them" in note

    full = tmp_path / ("full" if fmt == "csv" else f"full.{fmt}")
    included = run(people, "export", "-o", str(full), "--show-contacts")
    assert shown(_export_text(full)) == list(CONTACTS)
    assert "are INCLUDED: this export holds personal data; keep it safe" in included.stderr
    if fmt in ("json", "yaml"):
        assert "are INCLUDED" in _document(full, fmt)["note"]

    # Loaded into an empty store, the full export gives the same graph back.
    before = _open(env)
    copy_env = {"NEO4J_URI": "", "RENMAI_STORE": str(tmp_path / "copy.db")}
    reloaded = CliRunner().invoke(cli, ["load", str(full)], env=copy_env)
    assert reloaded.exit_code == 0, reloaded.output
    copy = open_store(tmp_path / "copy.db")
    assert copy.counts() == before.counts()
    assert records(copy, contacts=True) == records(before, contacts=True)
    # And the export of the copy is the same export, byte for byte.
    again = tmp_path / ("again" if fmt == "csv" else f"again.{fmt}")
    CliRunner().invoke(cli, ["export", "-o", str(again), "--show-contacts"], env=copy_env)
    assert _export_text(again) == _export_text(full)
    before.close()
    observe(
        f"contacts/export-{fmt}-{people['store']}",
        stderr=default.stderr.strip().replace(str(out), "FILE"),
        counts=copy.counts().as_dict(),
    )


def test_export_to_standard_output(people: dict[str, Any]) -> None:
    result = run(people, "export")
    document = json.loads(result.stdout)
    assert [e["id"] for e in document["entities"]][:2] == ["assoc", "canada"]
    assert shown(result.stdout) == []
    assert "to standard output; contact details" in result.stderr


def _open(env: dict[str, str]) -> Store:
    """The store the CLI's environment names."""
    if env["NEO4J_URI"]:
        return Neo4jStore(
            env["NEO4J_URI"], username=env["NEO4J_USERNAME"], password=env["NEO4J_PASSWORD"]
        )
    return open_store(Path(env["RENMAI_STORE"]))


def _export_text(path: Path) -> str:
    if path.is_dir():
        return "".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8")


def _document(path: Path, fmt: str) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if fmt == "json" else yaml.safe_load(text)


def test_person_contact_fields_are_the_schema_personal_fields() -> None:
    """The fields these tests look for are exactly the schema's personal ones."""
    assert list(SCHEMA.personal_field_names) == ["phone", "email", "wechat", "address", "website"]
    # A person's are all in PEOPLE (a website is a body's: tests/test_loaders_office.py).
    person = SCHEMA.personal_fields["Person"]
    assert person == set(CONTACTS_OF_PEOPLE) <= {n for e in PEOPLE["entities"] for n in e}
