"""The schema is declared once, consistent, and documented from itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from renmai.cli import cli
from renmai.cli.schema import schema_markdown
from renmai.graph.model import Entity, Relationship, problems_of
from renmai.graph.schema import SCHEMA, EntityKind, FieldSpec, RelationshipKind, Schema

DOCS = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def test_docs_schema_page_is_generated_from_the_schema() -> None:
    assert DOCS.read_text(encoding="utf-8") == schema_markdown(), (
        "docs/schema.md is stale: run `renmai schema --markdown > docs/schema.md`"
    )


def test_schema_names_every_required_kind() -> None:
    assert set(SCHEMA.entity_kind_names) >= {
        "Country", "City", "Association", "Consulate", "Person",
        "Organization", "Project", "Event", "Agreement",
    }  # fmt: skip
    assert set(SCHEMA.relationship_kind_names) >= {
        "LOCATED_IN", "PART_OF", "SISTER_CITY_OF", "FRIENDSHIP_MOU_WITH", "REPRESENTS",
        "MEMBER_OF", "HOLDS_POSITION", "ANCESTRAL_HOME", "PARTY_TO", "ORGANIZED",
        "PARTICIPATED_IN", "PARTNER_IN", "FUNDS", "DONATED_TO", "KNOWS", "LIAISES_WITH",
    }  # fmt: skip


def test_a_schema_that_joins_unknown_kinds_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown kinds"):
        Schema(
            entity_kinds=(EntityKind(name="City", label_zh="城市", description=""),),
            relationship_kinds=(
                RelationshipKind(
                    name="IN",
                    label_zh="在",
                    label_en="in",
                    description="",
                    from_kinds=("City",),
                    to_kinds=("Planet",),
                ),
            ),
        )


def test_roles_are_flags_of_exactly_one_kind() -> None:
    assert (SCHEMA.country_kind, SCHEMA.person_kind) == ("Country", "Person")
    person = EntityKind(name="Person", label_zh="人物", description="", person=True)
    for kinds in [(person,), (person.model_copy(update={"person": False}),)]:
        with pytest.raises(ValidationError, match="exactly one entity kind must be the"):
            Schema(entity_kinds=kinds, relationship_kinds=())
    with pytest.raises(ValidationError, match="evidence 'founded' is not one of its date"):
        EntityKind(name="Event", label_zh="活动", description="", evidence=("founded",))
    dated = {"date": FieldSpec(type="date")}
    with pytest.raises(ValidationError, match="a kind that can act has no evidence"):
        EntityKind(
            name="X", label_zh="x", description="", agent=True, fields=dated, evidence=("date",)
        )


def test_facts_derived_from_the_declaration() -> None:
    assert SCHEMA.place_kinds == {"Country", "City"}
    assert SCHEMA.agent_kinds == {
        "Country", "City", "Association", "Consulate", "Person", "Organization",
    }  # fmt: skip
    assert SCHEMA.containment_kinds == {"LOCATED_IN", "PART_OF"}
    assert SCHEMA.place_tie_kinds == {"REPRESENTS", "ANCESTRAL_HOME"}
    assert SCHEMA.position_kinds == {"HOLDS_POSITION"}
    assert SCHEMA.contact_kinds == set(SCHEMA.relationship_kind_names) - {
        "LOCATED_IN", "PART_OF", "REPRESENTS", "ANCESTRAL_HOME",
    }  # fmt: skip
    # A person's country, not their nationality; a consulate's is the one it represents.
    assert SCHEMA.country_fields["Person"] == "country"
    assert SCHEMA.country_fields["Consulate"] == "country"
    assert "Event" not in SCHEMA.country_fields and "Country" not in SCHEMA.country_fields
    assert SCHEMA.upward_fields["City"] == ("country", "part_of")
    assert SCHEMA.upward_fields["Consulate"] == ("city",)  # REPRESENTS is no containment
    assert set(SCHEMA.reference_fields["Person"]) == {"nationality", "country", "city"}
    assert SCHEMA.personal_fields["Person"] == {"phone", "email", "wechat", "address"}
    assert SCHEMA.personal_fields["City"] == set()
    assert SCHEMA.entity_kind("Event").evidence == ("date", "end_date")
    assert SCHEMA.is_geographic("PART_OF", "City")
    assert not SCHEMA.is_geographic("PART_OF", "Organization")
    assert not SCHEMA.is_geographic("KNOWS", "City")
    knows, member = SCHEMA.relationship_kind("KNOWS"), SCHEMA.relationship_kind("MEMBER_OF")
    assert knows.end_kinds == {"from": {"Person"}, "to": {"Person"}}
    assert member.end_kinds["to"] == {"Association", "Organization"}
    assert member.joins == "Person/Organization/Association/City to Association/Organization"
    either = RelationshipKind(
        name="X", label_zh="x", label_en="x", description="",
        from_kinds=("City",), to_kinds=("Person",), symmetric=True,
    )  # fmt: skip
    assert either.end_kinds == {"from": {"City", "Person"}, "to": {"City", "Person"}}


def test_resolving_kind_names_in_english_and_chinese() -> None:
    assert SCHEMA.resolve_entity_kind("person") == "Person"
    assert SCHEMA.resolve_entity_kind("领馆") == "Consulate"
    assert SCHEMA.resolve_entity_kind("Planet") is None
    assert SCHEMA.resolve_relationship_kind("sister-city of") == "SISTER_CITY_OF"
    assert SCHEMA.resolve_relationship_kind("友好城市") == "SISTER_CITY_OF"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"id": "x", "kind": "Town", "name": "x"}, [("kind", "unknown kind 'Town'")]),
        (
            {"id": "x", "kind": "City", "name": "x", "properties": {"level": "village"}},
            [("level", "'village' is not one of")],
        ),
        (
            {"id": "x", "kind": "Event", "name": "x", "properties": {"date": "2015-02-30"}},
            [("date", "not a real date")],
        ),
        ({"id": "Not An Id", "kind": "City", "name": "x"}, [("id", "is not an id")]),
        ({"id": "x", "kind": "Consulate", "name": "x"}, [("country", "required for Consulate")]),
    ],
)
def test_invalid_entities_say_what_and_where(
    record: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValidationError) as caught:
        Entity.model_validate(record)
    problems = problems_of(caught.value)
    assert [p.field for p in problems] == [field for field, _ in expected]
    for problem, (_, fragment) in zip(problems, expected, strict=True):
        assert fragment in problem.message


def test_invalid_relationships_say_what_and_where() -> None:
    with pytest.raises(ValidationError) as caught:
        Relationship.model_validate(
            {"type": "DONATED_TO", "from": "a", "to": "b", "since": "2015", "until": "2014",
             "properties": {"amount": "lots"}}
        )  # fmt: skip
    fields = {p.field for p in problems_of(caught.value)}
    assert fields == {"amount", "until"}


def test_schema_command_outputs() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["schema", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert {k["name"] for k in data["entity_kinds"]} == set(SCHEMA.entity_kind_names)
    table = runner.invoke(cli, ["schema"])
    assert "SISTER_CITY_OF" in table.output and "友好城市" in table.output
