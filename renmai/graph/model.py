"""Entities and relationships, validated against :data:`~renmai.graph.schema.SCHEMA`.

An :class:`Entity` or :class:`Relationship` that exists is valid: its kind is
declared, its kind-specific properties are declared for that kind and have the
declared types, and its dates are real dates. Whether a relationship's ends
have kinds its type may join depends on the graph, and is checked by
:func:`endpoint_problems` when the ends are known.

>>> e = Entity(id="zhongshan", kind="City", name="中山市", properties={"level": "city"})
>>> e.display_name
'中山市'
>>> Relationship(type="SISTER_CITY_OF", from_id="zhongshan", to_id="burnaby").ends
('burnaby', 'zhongshan')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import Annotated, Any, NamedTuple, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from renmai.graph.dates import read_date
from renmai.graph.names import name_keys
from renmai.graph.schema import SCHEMA, FieldSpec

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,199}$"
_ID = re.compile(ID_PATTERN)

Scalar = str | int | float | bool


class Problem(NamedTuple):
    """One thing wrong with a record: the field it is in and what is wrong."""

    field: str
    message: str


class SchemaViolation(ValueError):
    """Raised when a record breaks the schema; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in self.problems))


def _coerce_date(value: Any) -> Any:
    # Dates as people write them (2003年5月, 2001.3) become partial ISO dates;
    # what is not a date is left for the field's type check to refuse.
    if isinstance(value, str | int | float | dt.date) and not isinstance(value, bool):
        return read_date(value)
    return value


PartialDate = Annotated[str, BeforeValidator(_coerce_date)]


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"{value!r} is not an id: use lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


EntityId = Annotated[str, BeforeValidator(lambda v: _check_id(str(v).strip()))]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


class Source(BaseModel):
    """Where a fact comes from: the document and the sentence or excerpt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str = Field(min_length=1)
    excerpt: str | None = None
    locator: str | None = None
    date: PartialDate | None = None
    url: str | None = None

    @property
    def identity(self) -> tuple[str, str | None, str | None]:
        return (self.document, self.excerpt, self.locator)


def _check_value(spec: FieldSpec, value: Any) -> Any:
    """Coerce ``value`` to the field's declared type, or raise ``ValueError``."""
    if spec.type == "date":
        coerced = _coerce_date(value)
        if not isinstance(coerced, str):
            raise ValueError(f"{value!r} is not a date")
        return coerced
    if spec.type == "number":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        if isinstance(value, int):
            return value
        try:
            number = value if isinstance(value, float) else float(str(value).replace(",", ""))
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        # NaN is not even equal to itself (a re-load would "update" it), and
        # infinity is no amount: neither is a number here.
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
        return int(number) if isinstance(value, str) and number.is_integer() else number
    if spec.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        if text in ("true", "yes", "1", "是", "y"):
            return True
        if text in ("false", "no", "0", "否", "n"):
            return False
        raise ValueError(f"{value!r} is not yes/no")
    if spec.type == "enum":
        text = str(value).strip()
        if text not in spec.values:
            raise ValueError(f"{text!r} is not one of {', '.join(spec.values)}")
        return text
    if spec.type == "ref":
        return _check_id(str(value).strip())
    if spec.type == "list":
        if isinstance(value, str):
            raise ValueError("expected a list")
        return [str(v) for v in value]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not text")
    return str(value)


def _required(fields: Mapping[str, FieldSpec]) -> bool:
    return any(spec.required for spec in fields.values())


def _check_properties(
    owner: str, fields: Mapping[str, FieldSpec], properties: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Problem]]:
    if not properties and not _required(fields):
        return {}, []  # most relationships: no fields of their own
    checked: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in properties.items():
        spec = fields.get(name)
        if spec is None:
            known = ", ".join(fields) or "none"
            problems.append(Problem(name, f"not a field of {owner} (its fields: {known})"))
            continue
        if value is None or value == "":
            continue
        try:
            checked[name] = _check_value(spec, value)
        except ValueError as exc:
            problems.append(Problem(name, str(exc)))
    for name, spec in fields.items():
        if spec.required and name not in checked:
            problems.append(Problem(name, f"required for {owner}"))
    return dict(sorted(checked.items())), problems


class Entity(BaseModel):
    """A thing in the graph: a country, city, association, person, project …"""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: EntityId
    kind: str
    name: str = Field(min_length=1)
    name_en: str | None = None
    aliases: list[str] = []
    tags: list[str] = []
    description: str | None = None
    #: One of "us": the home city and its offices, where queries start.
    home: bool = False
    properties: dict[str, Any] = {}
    sources: list[Source] = []

    @field_validator("name", "name_en", "description", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() or None if isinstance(value, str) else value

    @field_validator("aliases", "tags", mode="after")
    @classmethod
    def _dedupe(cls, values: list[str]) -> list[str]:
        return _unique(v.strip() for v in values)

    @field_validator("sources", mode="after")
    @classmethod
    def _dedupe_sources(cls, sources: list[Source]) -> list[Source]:
        return _unique_sources(sources)

    @model_validator(mode="after")
    def _against_schema(self) -> Entity:
        if not SCHEMA.has_entity_kind(self.kind):
            known = ", ".join(SCHEMA.entity_kind_names)
            raise SchemaViolation([Problem("kind", f"unknown kind {self.kind!r} (known: {known})")])
        kind = SCHEMA.entity_kind(self.kind)
        checked, problems = _check_properties(self.kind, kind.fields, self.properties)
        if problems:
            raise SchemaViolation(problems)
        object.__setattr__(self, "properties", checked)
        object.__setattr__(self, "aliases", [a for a in self.aliases if a != self.name])
        return self

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def all_names(self) -> list[str]:
        """The name, the English name and every alias."""
        return _unique([self.name, self.name_en or "", *self.aliases])

    @property
    def keys(self) -> list[str]:
        """Name keys under which this entity is found (see :mod:`renmai.graph.names`)."""
        return name_keys(self.all_names)

    def public(self) -> Entity:
        """This entity without its personal-data fields (contact details)."""
        personal = SCHEMA.personal_fields[self.kind]
        if not personal & self.properties.keys():
            return self
        props = {k: v for k, v in self.properties.items() if k not in personal}
        return self.model_copy(update={"properties": props})


class Relationship(BaseModel):
    """A typed, dated, sourced link between two entities."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    type: str
    from_id: EntityId = Field(alias="from")
    to_id: EntityId = Field(alias="to")
    #: Tells apart two relationships of one type between the same ends (two
    #: posts held at one organization, say). Usually empty.
    key: str = ""
    since: PartialDate | None = None
    until: PartialDate | None = None
    properties: dict[str, Any] = {}
    sources: list[Source] = []

    @field_validator("sources", mode="after")
    @classmethod
    def _dedupe_sources(cls, sources: list[Source]) -> list[Source]:
        return _unique_sources(sources)

    @model_validator(mode="after")
    def _against_schema(self) -> Relationship:
        if not SCHEMA.has_relationship_kind(self.type):
            known = ", ".join(SCHEMA.relationship_kind_names)
            raise SchemaViolation(
                [Problem("type", f"unknown relationship kind {self.type!r} (known: {known})")]
            )
        kind = SCHEMA.relationship_kind(self.type)
        checked, problems = _check_properties(self.type, kind.fields, self.properties)
        if self.since and self.until and self.until < self.since:
            problems.append(Problem("until", f"{self.until} is before since {self.since}"))
        if self.from_id == self.to_id:
            problems.append(Problem("to", "a relationship cannot join an entity to itself"))
        if problems:
            raise SchemaViolation(problems)
        object.__setattr__(self, "properties", checked)
        if kind.symmetric and self.to_id < self.from_id:
            # Symmetric kinds are stored once, ends in id order, so that A-B and
            # B-A load as the same relationship.
            swapped_from, swapped_to = self.to_id, self.from_id
            object.__setattr__(self, "from_id", swapped_from)
            object.__setattr__(self, "to_id", swapped_to)
        return self

    @property
    def ends(self) -> tuple[str, str]:
        return (self.from_id, self.to_id)

    @cached_property
    def identity(self) -> RelationshipId:
        # Cached (pydantic ignores it in equality, hashing and dumps): write
        # plans and graph walks ask for it several times per relationship.
        return RelationshipId(self.type, self.from_id, self.to_id, self.key)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("identity", None)  # the copy's ends may differ
        return copied

    def other(self, entity_id: str) -> str:
        """The end that is not ``entity_id``."""
        return self.to_id if entity_id == self.from_id else self.from_id

    @property
    def ended(self) -> bool:
        """Whether the tie has ended: it has an ``until`` (``renmai end`` sets
        one). An ended tie stays, as history: how we once knew someone."""
        return self.until is not None


class RelationshipId(NamedTuple):
    """What makes a relationship the same one on a second load."""

    type: str
    from_id: str
    to_id: str
    key: str = ""

    def __str__(self) -> str:
        suffix = f"#{self.key}" if self.key else ""
        return f"{self.from_id}-[{self.type}{suffix}]->{self.to_id}"


def endpoint_problems(
    rel: Relationship, from_kind: str | None, to_kind: str | None
) -> list[Problem]:
    """What is wrong with joining ``rel``'s ends, given their kinds (None: not found)."""
    problems = []
    if from_kind is None:
        problems.append(Problem("from", f"no entity with id {rel.from_id!r}"))
    if to_kind is None:
        problems.append(Problem("to", f"no entity with id {rel.to_id!r}"))
    kind = SCHEMA.relationship_kind(rel.type)
    if from_kind and to_kind and not kind.allows(from_kind, to_kind):
        problems.append(
            Problem(
                "type", f"{rel.type} may not join {from_kind} to {to_kind} (it joins {kind.joins})"
            )
        )
    return problems


def problems_of(error: ValidationError) -> list[Problem]:
    """Flatten a pydantic error into problems, one per field, schema ones included."""
    problems: list[Problem] = []
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, SchemaViolation):
            problems.extend(cause.problems)
            continue
        loc = [str(part) for part in detail["loc"]]
        if loc and loc[0] == "properties" and len(loc) > 1:
            loc = loc[1:]
        field = ".".join(loc) or "record"
        message = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(Problem(field, message))
    return problems


def _unique_sources(sources: list[Source]) -> list[Source]:
    """Each source once (by document, excerpt and locator), the first kept: a
    record that gives one source twice is stored as a second load leaves it."""
    if len(sources) < 2:
        return sources
    seen: dict[tuple[str, str | None, str | None], Source] = {}
    for source in sources:
        seen.setdefault(source.identity, source)
    return list(seen.values())


def _merge_sources(old: Sequence[Source], new: Sequence[Source]) -> list[Source]:
    seen = {s.identity: s for s in old}
    for source in new:
        seen.setdefault(source.identity, source)
    return list(seen.values())


def merge_entity(old: Entity, new: Entity) -> Entity:
    """``new`` laid over ``old``: given values replace, lists and sources accumulate.

    A renamed entity keeps its old name as an alias, so that lookups by the old
    name still find it. Merging the same data twice gives the same entity.
    """
    if old.kind != new.kind:
        raise SchemaViolation(
            [Problem("kind", f"{old.id!r} is already a {old.kind}, not a {new.kind}")]
        )
    aliases = _unique([*old.aliases, *new.aliases, old.name])
    return Entity(
        id=old.id,
        kind=old.kind,
        name=new.name,
        name_en=new.name_en or old.name_en,
        aliases=[a for a in aliases if a != new.name],
        tags=_unique([*old.tags, *new.tags]),
        description=new.description or old.description,
        home=old.home or new.home,
        properties={**old.properties, **new.properties},
        sources=_merge_sources(old.sources, new.sources),
    )


def merge_relationship(old: Relationship, new: Relationship) -> Relationship:
    """``new`` laid over ``old``, as :func:`merge_entity` does for entities."""
    return Relationship(
        type=old.type,
        from_id=old.from_id,
        to_id=old.to_id,
        key=old.key,
        since=new.since or old.since,
        until=new.until or old.until,
        properties={**old.properties, **new.properties},
        sources=_merge_sources(old.sources, new.sources),
    )


def implied_relationships(entity: Entity) -> list[Relationship]:
    """Relationships that the entity's reference fields imply (a city's country …)."""
    kind = SCHEMA.entity_kind(entity.kind)
    implied = []
    for field_name, spec in kind.fields.items():
        target = entity.properties.get(field_name)
        if spec.implies and target and target != entity.id:
            implied.append(
                Relationship(
                    type=spec.implies, from_id=entity.id, to_id=target, sources=entity.sources
                )
            )
    return implied
