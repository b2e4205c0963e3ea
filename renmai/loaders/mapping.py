"""Mapping mode: a list of pairs that someone else wrote, read as relationships.

Partners send lists in their own shape — city pairs with country columns,
members and the associations they belong to. A :class:`PairMapping` says
which columns name each end, what kind each end is and what relationship the
pair makes; every row becomes one relationship. Ends are resolved like any
other name, and an end that matches nothing becomes a new entity of its kind
(with its country, when a country column names a known one), with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from renmai.errors import ParameterError
from renmai.graph.schema import SCHEMA
from renmai.loaders.errors import LocatedProblem, Location
from renmai.loaders.headers import normalize
from renmai.loaders.records import (
    Draft,
    End,
    RawRecord,
    RelationshipDraft,
    as_text,
    headers_of,
    is_blank,
    row_source,
    tables,
)


class MappingError(ParameterError):
    """A field of the :class:`PairMapping` (``param``) that cannot work."""


@dataclass(frozen=True)
class PairMapping:
    """Which columns of a pairs file name what."""

    #: The relationship kind each row makes (its name or Chinese label).
    type: str
    from_column: str
    to_column: str
    #: Kinds of the ends; may be left out when the relationship allows one.
    from_kind: str | None = None
    to_kind: str | None = None
    from_country_column: str | None = None
    to_country_column: str | None = None
    since_column: str | None = None
    #: Relationship field -> column (``role=职务``).
    properties: Mapping[str, str] = field(default_factory=dict)

    def checked(self) -> PairMapping:
        """This mapping with kinds resolved; :class:`MappingError` when it cannot work."""
        rel_type = SCHEMA.resolve_relationship_kind(self.type)
        if rel_type is None:
            known = ", ".join(SCHEMA.relationship_kind_names)
            raise MappingError(
                "type", f"{{param}}: unknown relationship kind {self.type!r} (known: {known})"
            )
        kind = SCHEMA.relationship_kind(rel_type)
        ends = {}
        for end, given, allowed in (
            ("from", self.from_kind, kind.from_kinds),
            ("to", self.to_kind, kind.to_kinds),
        ):
            options = (
                tuple(dict.fromkeys((*kind.from_kinds, *kind.to_kinds)))
                if kind.symmetric
                else allowed
            )
            if given is None:
                if len(options) != 1:
                    raise MappingError(
                        f"{end}_kind", f"give {{param}}: {rel_type} may join {', '.join(options)}"
                    )
                ends[end] = options[0]
                continue
            resolved = SCHEMA.resolve_entity_kind(given)
            if resolved is None:
                known = ", ".join(SCHEMA.entity_kind_names)
                raise MappingError(
                    f"{end}_kind", f"{{param}}: unknown kind {given!r} (known: {known})"
                )
            ends[end] = resolved
        if not kind.allows(ends["from"], ends["to"]):
            raise MappingError(
                "type",
                f"{rel_type} may not join {ends['from']} to {ends['to']} (it joins {kind.joins})",
            )
        unknown = set(self.properties) - set(kind.fields)
        if unknown:
            fields = ", ".join(kind.fields) or "none"
            raise MappingError(
                "properties",
                f"{{param}}: {', '.join(sorted(unknown))} is not a field of {rel_type} "
                f"(its fields: {fields})",
            )
        return PairMapping(
            type=rel_type,
            from_column=self.from_column,
            to_column=self.to_column,
            from_kind=ends["from"],
            to_kind=ends["to"],
            from_country_column=self.from_country_column,
            to_country_column=self.to_country_column,
            since_column=self.since_column,
            properties=dict(self.properties),
        )

    @property
    def columns(self) -> dict[str, str]:
        """Field -> column, for every column the mapping reads (a property as
        ``properties[role]``)."""
        named = {
            "from_column": self.from_column,
            "to_column": self.to_column,
            "from_country_column": self.from_country_column,
            "to_country_column": self.to_country_column,
            "since_column": self.since_column,
        }
        named.update({_property(f): c for f, c in self.properties.items()})
        return {option: column for option, column in named.items() if column}


def _property(field: str) -> str:
    """How problems name the column of a relationship field: ``properties[role]``."""
    return f"properties[{field}]"


def pair_drafts(
    records: Sequence[RawRecord], mapping: PairMapping, problems: list[LocatedProblem]
) -> list[RelationshipDraft]:
    """One relationship draft per record; missing columns and empty ends are problems."""
    drafts: list[RelationshipDraft] = []
    for table in tables(records):
        columns = _find_columns(table, mapping, problems)
        if columns is None:
            continue
        for record in table:
            draft = _draft(record, mapping, columns, problems)
            if draft is not None:
                drafts.append(draft)
    return drafts


def _find_columns(
    table: Sequence[RawRecord], mapping: PairMapping, problems: list[LocatedProblem]
) -> dict[str, str] | None:
    """The file's own header for each column the mapping names (matched
    ignoring case and spacing), or None when some are missing."""
    headers = headers_of(table)
    found: dict[str, str] = {}
    missing = []
    for option, column in mapping.columns.items():
        if normalize(column) in headers:
            found[option] = headers[normalize(column)]
        else:
            missing.append(f"{option} {column!r}")
    if missing:
        first = table[0].location
        where = Location(first.file, sheet=first.sheet, rank=first.rank)
        problems.append(
            LocatedProblem(
                where,
                "",
                f"no column for {', '.join(missing)} (columns: {', '.join(headers.values())})",
            )
        )
        return None
    return found


def _draft(
    record: RawRecord,
    mapping: PairMapping,
    columns: dict[str, str],
    problems: list[LocatedProblem],
) -> RelationshipDraft | None:
    nested: list[str] = []

    def value(option: str) -> Any:
        column = columns.get(option)
        raw = record.values.get(column) if column else None
        if isinstance(raw, list | tuple | dict | set):
            # JSON or YAML: one plain value per column, never turned into text
            # whole (nested YAML aliases would expand exponentially).
            nested.append(str(column))
            return None
        return None if is_blank(raw) else raw

    # Each field and the file's column for it, for locating problems.
    options = {
        "from": "from_column",
        "to": "to_column",
        "from_country": "from_country_column",
        "to_country": "to_country_column",
        "since": "since_column",
    }
    options.update({f: _property(f) for f in mapping.properties})
    keys = {name: columns[option] for name, option in options.items() if option in columns}
    ends: dict[str, End] = {}
    complete = True
    for end, kind in (("from", mapping.from_kind), ("to", mapping.to_kind)):
        text = value(f"{end}_column")
        country = value(f"{end}_country_column")
        if text is None:
            complete = False
            problems.append(Draft(record, keys).problem(end, "empty: a pair needs both ends"))
            continue
        ends[end] = End(as_text(text), kind, as_text(country) if country is not None else None)
    properties = {f: v for f in mapping.properties if (v := value(_property(f))) is not None}
    since = value("since_column")
    for column in nested:
        problems.append(
            LocatedProblem(
                record.where(column), column, "expected one plain value, not a list or mapping"
            )
        )
    if not complete or nested:
        return None
    return RelationshipDraft(
        record,
        keys,
        type=mapping.type,
        ends=ends,
        since=since,
        properties=properties,
        # The list itself, at the row: its name, not its path, so that a
        # re-load from elsewhere adds nothing.
        sources=[row_source(record)],
        create_missing=True,
    )
