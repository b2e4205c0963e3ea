"""Mapping files: how each row of a table becomes entities and relationships.

For a table the loader's conventions do not cover — one row naming an
association, its leader and its city, say — a YAML mapping file says what to
make of every row (FollowTheMoney's mappings are the model)::

    sheet: 侨团名录                 # a workbook's sheet (default: the first)
    filter: {状态: 正常}            # rows to read: every column given has one of the values
    filter_not: {国家: [中国]}      # rows to leave: any column given has one of the values
    entities:
      association:                 # a name for the entity, used below
        kind: Association          # or 社团
        name: 社团名称              # a column (short for {column: 社团名称})
        keys: [社团名称, 国家]       # optional: columns that make its id
        properties:
          country: 国家
          founded: {column: 成立时间}
          category: {literal: hometown}
      leader:
        kind: Person
        name: 会长
        properties:
          phone: 会长电话
    relationships:
      - type: HOLDS_POSITION
        from: leader
        to: association
        properties:
          title: {literal: 会长}
        since: {column: 任职时间}

A value is a column, several columns (``{columns: [姓, 名], join: ""}``; for
``aliases`` and ``tags`` each column is one value) or a constant
(``{literal: …}``). An entity whose name (and keys) are empty in a row is not
made from that row, nor are the relationships that join it. Without ``keys``
an entity is found by its name like any row (the same 会长 in two rows, or two
files, is one person); with them its id is made of their values. Every entity
and relationship a row makes has the table, at that row, as its source.

The file is checked before any table is read: unknown kinds, fields and
relationship kinds, relationships between entities it does not define or
kinds their type cannot join, and values that are neither a column nor a
constant are problems located at the mapping file's line and key path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from renmai.graph.schema import SCHEMA
from renmai.loaders.documents import key_line, yaml_document
from renmai.loaders.errors import LoadError, LocatedProblem, Location
from renmai.loaders.files import FileProblem, SourceFile, find_files
from renmai.loaders.headers import normalize
from renmai.loaders.ids import slug
from renmai.loaders.records import (
    End,
    EntityDraft,
    RawRecord,
    RelationshipDraft,
    as_text,
    headers_of,
    is_blank,
    parse_record,
    row_source,
    tables,
)

Scalar = str | int | float | bool
#: Core fields an entity mapping gives beside ``name`` (its kind's own fields
#: go under ``properties``).
ENTITY_FIELDS = ("id", "name", "name_en", "aliases", "tags", "description")
_LISTS = ("aliases", "tags")


def _short(value: Any) -> Any:
    """``name: 社团名称`` is short for ``name: {column: 社团名称}``."""
    return {"column": value} if isinstance(value, str) else value


class Value(BaseModel):
    """Where a value comes from: one column, several, or a constant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | None = None
    columns: tuple[str, ...] | None = None
    literal: Scalar | None = None
    #: Between the values of several columns (aliases and tags keep them apart).
    join: str = " "

    @model_validator(mode="after")
    def _one_source(self) -> Value:
        given = [k for k in ("column", "columns", "literal") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give one of column, columns or literal")
        return self

    @property
    def read(self) -> tuple[str, ...]:
        """The columns this value reads."""
        if self.column is not None:
            return (self.column,)
        return self.columns or ()


ValueSpec = Annotated[Value, BeforeValidator(_short)]


class EntityMapping(BaseModel):
    """Which entity of which kind a row makes, and from which columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    name: ValueSpec
    id: ValueSpec | None = None
    keys: tuple[str, ...] = ()
    name_en: ValueSpec | None = None
    aliases: ValueSpec | None = None
    tags: ValueSpec | None = None
    description: ValueSpec | None = None
    properties: dict[str, ValueSpec] = {}


class RelationshipMapping(BaseModel):
    """A relationship between two of the row's entities."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: str
    from_: str = Field(alias="from")
    to: str
    key: ValueSpec | None = None
    since: ValueSpec | None = None
    until: ValueSpec | None = None
    properties: dict[str, ValueSpec] = {}


class TableMapping(BaseModel):
    """A whole mapping file (see the module doc)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sheet: str | None = None
    filter: dict[str, Scalar | tuple[Scalar, ...]] = {}
    filter_not: dict[str, Scalar | tuple[Scalar, ...]] = {}
    entities: dict[str, EntityMapping] = Field(min_length=1)
    relationships: tuple[RelationshipMapping, ...] = ()
    #: For people; not read.
    note: str | None = None

    @property
    def columns(self) -> list[str]:
        """Every column the mapping reads, in the order it names them."""
        named: list[str] = [*self.filter, *self.filter_not]
        for entity in self.entities.values():
            named += entity.keys
            for value in _entity_values(entity):
                named += value.read
        for rel in self.relationships:
            for value in _relationship_values(rel):
                named += value.read
        return list(dict.fromkeys(named))


def _entity_values(entity: EntityMapping) -> list[Value]:
    core = [getattr(entity, f) for f in ENTITY_FIELDS]
    return [v for v in [*core, *entity.properties.values()] if v is not None]


def _relationship_values(rel: RelationshipMapping) -> list[Value]:
    given = [rel.key, rel.since, rel.until, *rel.properties.values()]
    return [v for v in given if v is not None]


@dataclass(frozen=True)
class MappingFile:
    """A checked mapping, the file it was read from, and where its keys are."""

    mapping: TableMapping
    file: SourceFile
    #: The entity kind each entity mapping makes, resolved.
    kinds: dict[str, str]
    #: The relationship kind of each relationship mapping, resolved.
    types: tuple[str, ...]
    document: Any

    def where(self, *path: str | int) -> Location:
        """The mapping file at the line of ``path``."""
        line = key_line(self.document, path)
        return self.file.location.at_line(line) if line else self.file.location

    def problem(self, path: tuple[str | int, ...], message: str) -> LocatedProblem:
        return LocatedProblem(self.where(*path), ".".join(str(p) for p in path), message)


def read_mapping(path: Path | str) -> MappingFile:
    """A mapping file, checked; :class:`LoadError` lists every problem with it."""
    files, problems = find_files([path])
    if problems:
        raise LoadError(problems)
    file = files[0]
    try:
        document = yaml_document(file)
    except FileProblem as exc:
        raise LoadError([exc.problem]) from None
    try:
        mapping = TableMapping.model_validate(document)
    except ValidationError as exc:
        raise LoadError(_structure_problems(exc, file, document)) from None
    checked = MappingFile(mapping, file, {}, (), document)
    problems, kinds, types = _check(checked)
    if problems:
        raise LoadError(problems)
    return MappingFile(mapping, file, kinds, types, document)


def _structure_problems(
    error: ValidationError, file: SourceFile, document: Any
) -> list[LocatedProblem]:
    # Only where() is asked of it: the mapping it would hold did not validate.
    shell = MappingFile(TableMapping.model_construct(entities={}), file, {}, (), document)
    problems = []
    for detail in error.errors():
        path = tuple(
            p for p in detail["loc"] if not (isinstance(p, str) and p.startswith("function"))
        )
        path = tuple("from" if p == "from_" else p for p in path)
        message = str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "not a key of a mapping file here"
        problems.append(shell.problem(path, message))
    return problems


def _check(checked: MappingFile) -> tuple[list[LocatedProblem], dict[str, str], tuple[str, ...]]:
    """What the schema says of a well-formed mapping: kinds, fields, joins."""
    problems: list[LocatedProblem] = []
    kinds = _entity_kinds(checked, problems)
    types = tuple(
        _relationship_kind(checked, n, kinds, problems)
        for n in range(len(checked.mapping.relationships))
    )
    return problems, kinds, types


def _entity_kinds(checked: MappingFile, problems: list[LocatedProblem]) -> dict[str, str]:
    """The kind of each entity mapping; unknown kinds and fields are problems."""
    kinds: dict[str, str] = {}
    for name, entity in checked.mapping.entities.items():
        kind = SCHEMA.resolve_entity_kind(entity.kind)
        if kind is None:
            known = ", ".join(SCHEMA.entity_kind_names)
            message = f"unknown kind {entity.kind!r} (known: {known})"
            problems.append(checked.problem(("entities", name, "kind"), message))
            continue
        kinds[name] = kind
        fields = SCHEMA.entity_kind(kind).fields
        for field in entity.properties:
            if field not in fields:
                message = f"not a field of {kind} (its fields: {', '.join(fields) or 'none'})"
                problems.append(checked.problem(("entities", name, "properties", field), message))
    return kinds


def _relationship_kind(
    checked: MappingFile, n: int, kinds: dict[str, str], problems: list[LocatedProblem]
) -> str:
    """The kind of relationship mapping ``n`` ("" when unknown); ends it cannot
    join, or that no entity mapping defines, and unknown fields are problems."""
    rel = checked.mapping.relationships[n]
    where = ("relationships", n)
    ends = []
    for end, named in (("from", rel.from_), ("to", rel.to)):
        if named not in checked.mapping.entities:
            defined = ", ".join(checked.mapping.entities)
            message = f"no entity {named!r} in entities (defined: {defined})"
            problems.append(checked.problem((*where, end), message))
        elif named in kinds:
            ends.append(kinds[named])
    rel_type = SCHEMA.resolve_relationship_kind(rel.type)
    if rel_type is None:
        known = ", ".join(SCHEMA.relationship_kind_names)
        message = f"unknown relationship kind {rel.type!r} (known: {known})"
        problems.append(checked.problem((*where, "type"), message))
        return ""
    rel_kind = SCHEMA.relationship_kind(rel_type)
    if len(ends) == 2 and not rel_kind.allows(*ends):
        joins = f"{'/'.join(rel_kind.from_kinds)} to {'/'.join(rel_kind.to_kinds)}"
        message = f"{rel_type} may not join {ends[0]} to {ends[1]} (it joins {joins})"
        problems.append(checked.problem((*where, "type"), message))
    for field in rel.properties:
        if field not in rel_kind.fields:
            known = ", ".join(rel_kind.fields) or "none"
            message = f"not a field of {rel_type} (its fields: {known})"
            problems.append(checked.problem((*where, "properties", field), message))
    return rel_type


# -- rows ----------------------------------------------------------------------------
def mapped_drafts(
    records: Sequence[RawRecord], checked: MappingFile, problems: list[LocatedProblem]
) -> tuple[list[EntityDraft], list[RelationshipDraft]]:
    """The drafts a mapping makes of each record (row) of each table."""
    entities: list[EntityDraft] = []
    relationships: list[RelationshipDraft] = []
    for table in tables(records):
        headers = _headers(table, checked, problems)
        if headers is None:
            continue
        for record in table:
            row = _Row(record, headers)
            if not row.passes(checked.mapping):
                continue
            made = _row_entities(row, checked, problems)
            entities += made.values()
            relationships += _row_relationships(row, checked, made)
    return entities, relationships


def _headers(
    table: Sequence[RawRecord], checked: MappingFile, problems: list[LocatedProblem]
) -> dict[str, str] | None:
    """The table's own header for each column the mapping names (matched
    ignoring case and spacing); None, with a problem, when some are missing."""
    found = headers_of(table)
    missing = [c for c in checked.mapping.columns if normalize(c) not in found]
    if missing:
        first = table[0].location
        where = Location(first.file, sheet=first.sheet, rank=first.rank)
        listed = ", ".join(repr(c) for c in missing)
        problems.append(
            LocatedProblem(
                where,
                "",
                f"no column {listed}, which {checked.file.display} reads "
                f"(columns: {', '.join(found.values())})",
            )
        )
        return None
    return {c: found[normalize(c)] for c in checked.mapping.columns}


class _Row:
    """One record, read through the mapping's column names."""

    def __init__(self, record: RawRecord, headers: dict[str, str]) -> None:
        self.record = record
        self.headers = headers

    def cell(self, column: str) -> Any:
        value = self.record.values.get(self.headers[column])
        return None if is_blank(value) else value

    def where(self, column: str) -> Location:
        return self.record.where(self.headers[column])

    def value(self, spec: Value, *, as_list: bool = False) -> Any:
        if spec.literal is not None:
            return spec.literal
        if spec.column is not None:
            return self.cell(spec.column)
        parts = [as_text(v) for c in spec.read if (v := self.cell(c)) is not None]
        if as_list:
            return parts or None
        return spec.join.join(parts) or None

    def passes(self, mapping: TableMapping) -> bool:
        def holds(column: str, wanted: Scalar | tuple[Scalar, ...]) -> bool:
            values = wanted if isinstance(wanted, tuple) else (wanted,)
            cell = self.cell(column)
            return cell is not None and as_text(cell) in {as_text(v) for v in values}

        return all(holds(c, w) for c, w in mapping.filter.items()) and not any(
            holds(c, w) for c, w in mapping.filter_not.items()
        )


def _row_entities(
    row: _Row, checked: MappingFile, problems: list[LocatedProblem]
) -> dict[str, EntityDraft]:
    """The entities the row makes, by their names in the mapping."""
    made: dict[str, EntityDraft] = {}
    record = row.record
    for name, entity in checked.mapping.entities.items():
        values: dict[str, Any] = {}
        where: dict[str, Location] = {}
        given: list[tuple[str, Value]] = [
            (f, v) for f in ENTITY_FIELDS if (v := getattr(entity, f)) is not None
        ]
        given += list(entity.properties.items())
        for field, spec in given:
            value = row.value(spec, as_list=field in _LISTS)
            if value is None:
                continue
            values[field] = value
            if spec.read:
                where[field] = row.where(spec.read[0])
        if entity.keys:
            parts = [slug(as_text(v)) for c in entity.keys if (v := row.cell(c)) is not None]
            if not any(parts):
                continue
            values["id"] = "-".join(p for p in parts if p)
            where["id"] = row.where(entity.keys[0])
        if "name" not in values:
            continue  # not in this row: nothing of it made
        values["kind"] = checked.kinds[name]
        made_from = RawRecord(
            values=values,
            location=record.location,
            key_locations=where,
            section="entity",
            kind=checked.kinds[name],
            document=record.document,
        )
        draft = parse_record(made_from, problems)
        if isinstance(draft, EntityDraft):
            draft.sources = [row_source(record)]
            made[name] = draft
    return made


def _row_relationships(
    row: _Row, checked: MappingFile, made: dict[str, EntityDraft]
) -> list[RelationshipDraft]:
    drafts = []
    for rel, rel_type in zip(checked.mapping.relationships, checked.types, strict=True):
        ends = made.get(rel.from_), made.get(rel.to)
        if ends[0] is None or ends[1] is None:
            continue  # an end this row does not make
        keys = {
            field: row.headers[spec.read[0]]
            for field, spec in (
                ("key", rel.key),
                ("since", rel.since),
                ("until", rel.until),
                *rel.properties.items(),
            )
            if spec is not None and spec.read
        }
        drafts.append(
            RelationshipDraft(
                row.record,
                keys,
                type=rel_type,
                ends={
                    "from": End(ends[0].name or "", ends[0].kind, draft=ends[0]),
                    "to": End(ends[1].name or "", ends[1].kind, draft=ends[1]),
                },
                key=as_text(row.value(rel.key)) if rel.key and row.value(rel.key) else "",
                since=row.value(rel.since) if rel.since else None,
                until=row.value(rel.until) if rel.until else None,
                properties={
                    f: v for f, spec in rel.properties.items() if (v := row.value(spec)) is not None
                },
                sources=[row_source(row.record)],
            )
        )
    return drafts
