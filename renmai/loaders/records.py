"""Records as read from a file, and what they say: an entity or a relationship.

Readers (:mod:`~renmai.loaders.tabular`, :mod:`~renmai.loaders.documents`)
turn every format into :class:`RawRecord` — keys as the file writes them and
where each one is. :func:`parse_record` maps the keys to fields
(:mod:`~renmai.loaders.headers`) and reads the values into a draft. Drafts
still name other entities by text; :mod:`~renmai.loaders.batch` resolves
those and checks the rest against the schema.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from pydantic import ValidationError

from renmai.graph.model import ID_PATTERN, Source, problems_of
from renmai.graph.schema import SCHEMA
from renmai.loaders.errors import LocatedProblem, Location
from renmai.loaders.headers import (
    POST_RELATIONSHIP,
    SOURCE_FIELDS,
    field_name,
    ignored,
    normalize,
    position,
    post_detail,
)

Section = Literal["entity", "relationship"]

#: Multi-valued cells (aliases, tags) hold their values separated by ``|`` or
#: a semicolon of either width. Commas are not separators: English names
#: contain them ("Hong Kong, China").
SEPARATOR = re.compile(r"\s*[|;；]\s*")
_ID = re.compile(ID_PATTERN)
#: The keys of a source, as the model declares them.
SOURCE_KEYS = tuple(Source.model_fields)
#: The flat source columns, as keys of a source.
_FLAT_SOURCE = dict(
    zip(SOURCE_FIELDS, ("excerpt", "document", "locator", "date", "url"), strict=True)
)
_RELATIONSHIP_MARKERS = ("type", "from", "to")
#: Kinds a person can hold a post at: rows of these read post columns.
_POST_KINDS = frozenset(SCHEMA.relationship_kind(POST_RELATIONSHIP).to_kinds)
#: Every field a header can name: a post column never hides one.
_KNOWN = frozenset(
    (
        *SCHEMA.core_entity_fields,
        *SOURCE_FIELDS,
        *(f for k in SCHEMA.entity_kinds for f in k.fields),
    )
)
#: Kind names as files write them, resolved once each (a record each, otherwise).
_entity_kind = lru_cache(maxsize=1024)(SCHEMA.resolve_entity_kind)
_relationship_kind = lru_cache(maxsize=1024)(SCHEMA.resolve_relationship_kind)


@dataclass(slots=True)
class RawRecord:
    """One record as read: its keys as the file writes them, and where each is.

    Records, drafts and locations have ``__slots__``: a load of 500k records
    keeps them all until it is checked, and a ``__dict__`` each was a third of
    its memory.
    """

    values: dict[str, Any]
    location: Location
    key_locations: dict[str, Location] = field(default_factory=dict)
    #: What the file's structure says the record is (an ``entities:`` list, a
    #: sheet named after a kind …), if it says.
    section: Section | None = None
    #: The entity kind the file or sheet holds, for records without a kind.
    kind: str | None = None
    #: Source fields filling in what each source leaves out (``defaults.source``).
    default_source: Mapping[str, Any] = field(default_factory=dict)
    #: The file's name: the document of a source that names none. The name,
    #: not the path, so that loading it from elsewhere adds no new source.
    document: str = ""

    def where(self, key: str | None = None) -> Location:
        """Where ``key`` is (its cell, or its line in YAML), else the record."""
        if key is None:
            return self.location
        return self.key_locations.get(key, self.location)


def tables(records: Sequence[RawRecord]) -> list[list[RawRecord]]:
    """Records grouped by the table (file, sheet) they were read from, in order."""
    grouped: dict[tuple[str, str | None], list[RawRecord]] = {}
    for record in records:
        grouped.setdefault((record.location.file, record.location.sheet), []).append(record)
    return list(grouped.values())


def headers_of(table: Sequence[RawRecord]) -> dict[str, str]:
    """A table's headers as it writes them, by their folded form (:func:`normalize`)."""
    found: dict[str, str] = {}
    for record in table:
        for key in record.values:
            found.setdefault(normalize(str(key)), str(key))
    return found


def row_source(record: RawRecord) -> Source:
    """The file itself, at the record's line or row: the source of what a
    loader makes of a row (a pair of a list, a post's holder)."""
    document = ("document", record.document or record.location.file)
    locator = record.location.locator
    return _source((document, ("locator", locator)) if locator else (document,))


def is_blank(value: Any) -> bool:
    """Whether a value says nothing: missing, empty text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def as_text(value: Any) -> str:
    """A scalar as text, the way a person wrote it (2015, not 2015.0)."""
    if type(value) is str:  # the common case, several times per record
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def as_list(value: Any) -> list[str]:
    """A multi-valued field: a list, or text split on :data:`SEPARATOR`."""
    items = value if isinstance(value, list | tuple) else SEPARATOR.split(as_text(value))
    return [t for t in (as_text(v) for v in items if not is_blank(v)) if t]


@dataclass(slots=True)
class Draft:
    """What every draft has: its record, and which key holds each field."""

    record: RawRecord
    #: field -> the key the file used for it.
    keys: dict[str, str]

    def where(self, field_path: str | None = None) -> Location:
        """Where a field (or ``field.sub.path``) is; the record when it has no key."""
        if field_path is None:
            return self.record.location
        return self.record.where(self.keys.get(self.root(field_path)))

    def label(self, field_path: str) -> str:
        """The field as the file names it: ``name`` or ``名称 (name)``."""
        root = self.root(field_path)
        key = self.keys.get(root)
        if key is None or normalize(key) == root:
            return field_path
        return f"{key} ({field_path})"

    def problem(self, field_path: str, message: str) -> LocatedProblem:
        return LocatedProblem(self.where(field_path), self.label(field_path), message)

    def root(self, field_path: str) -> str:
        root = field_path.split(".", 1)[0]
        if root == "sources" and "sources" not in self.keys:
            # Flat source columns: point at the one that is there.
            return next((f for f in SOURCE_FIELDS if f in self.keys), root)
        return root


class Holder(NamedTuple):
    """A person named in a column for a post (``会长``) of the row's entity, or
    a detail of that person (``会长电话``: ``field`` is ``phone``)."""

    title: str
    #: The name (or the detail's value) as the cell writes it.
    text: str
    #: The column, as the file names it.
    key: str
    field: str = "name"


@dataclass(slots=True)
class EntityDraft(Draft):
    kind: str
    id: str | None
    name: str | None
    name_en: str | None = None
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    home: Any = None
    #: Kind-specific fields, references still as the file wrote them.
    properties: dict[str, Any] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    #: People named in the row's columns for posts, in column order.
    holders: list[Holder] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [n for n in (self.name, self.name_en, *self.aliases) if n]


@dataclass(slots=True)
class End:
    """One end of a relationship as the file names it."""

    text: str
    kind: str | None = None
    country: str | None = None
    #: The entity of the same row this end is (a post's holder and its body):
    #: its id, once the batch has given it one, is the end.
    draft: EntityDraft | None = None


@dataclass(slots=True)
class RelationshipDraft(Draft):
    type: str
    ends: dict[str, End]
    key: str = ""
    since: Any = None
    until: Any = None
    properties: dict[str, Any] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)
    #: Mapping mode: an end that matches nothing becomes a new entity of its kind.
    create_missing: bool = False


#: Fields that hold one value: never a list or a mapping.
_SINGLE = frozenset(
    (*SCHEMA.core_entity_fields, *SCHEMA.core_relationship_fields, *SOURCE_FIELDS)
) - {"aliases", "tags", "sources"}
_NESTED = (list, tuple, dict, set)


def _shape_problem(name: str, value: Any) -> str | None:
    """What is wrong with the shape of a value read from JSON or YAML, if anything.

    A field holds a plain value (text, a number, a date, yes/no); ``aliases``,
    ``tags`` and a kind's list fields also a list of them; ``sources`` a source
    (text, or a mapping of plain values) or a list of sources. Anything deeper
    is refused here, before it is turned into text: a YAML document that nests
    aliases (``&a``/``*a``) would otherwise expand exponentially.
    """
    if not isinstance(value, _NESTED):
        return None
    if name == "sources":
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            inner = item.values() if isinstance(item, dict) else [item]
            if any(isinstance(v, _NESTED) for v in inner) or isinstance(item, list | tuple | set):
                return "a source is text or a mapping of plain values (document, excerpt …)"
        return None
    if name in _SINGLE or isinstance(value, dict | set):
        return f"expected one plain value, not a {_shape_name(value)}"
    if any(isinstance(v, _NESTED) for v in value):
        return "expected plain values, not a list of lists or mappings"
    return None


def _shape_name(value: Any) -> str:
    return "mapping" if isinstance(value, dict) else "list"


#: Names in one cell of a post column: 张三、李四.
_NAMES = re.compile(r"\s*[|;；、，/]\s*")


def _row_kind(record: RawRecord) -> str | None:
    """The entity kind a record says it is, before its keys are read: the
    file's (its sheet's name, ``--kind``) or its own kind column."""
    if record.kind:
        return record.kind
    for key, value in record.values.items():
        if field_name(str(key)) == "kind" and isinstance(value, str):
            return _entity_kind(value)
    return None


def _fields(
    record: RawRecord, problems: list[LocatedProblem]
) -> tuple[dict[str, Any], dict[str, str], list[Holder]]:
    """The record's non-blank values by field, the key each came from, and
    the people its post columns name."""
    values: dict[str, Any] = {}
    keys: dict[str, str] = {}
    holders: list[Holder] = []
    kind = _row_kind(record) if record.section != "relationship" else None
    holds_posts = kind in _POST_KINDS
    for key, value in record.values.items():
        if is_blank(value) or ignored(str(key)):
            continue
        name = field_name(str(key), kind)
        if holds_posts and name not in _KNOWN and (title := position(str(key))):
            holders += [
                Holder(title, n, sys.intern(str(key))) for n in _NAMES.split(as_text(value)) if n
            ]
            continue
        if holds_posts and name not in _KNOWN and (detail := post_detail(str(key))):
            holders.append(Holder(detail[0], as_text(value), sys.intern(str(key)), detail[1]))
            continue
        if name in keys:
            problems.append(
                LocatedProblem(
                    record.where(key),
                    str(key),
                    f"says {name} again (already given as {keys[name]!r})",
                )
            )
            continue
        if type(value) is not str and (shape := _shape_problem(name, value)):
            problems.append(LocatedProblem(record.where(key), str(key), shape))
            continue
        values[name] = value.strip() if isinstance(value, str) else value
        # Interned: every record of a file has the same keys, and drafts keep them.
        keys[name] = sys.intern(str(key))
    return values, keys, holders


def parse_record(
    record: RawRecord, problems: list[LocatedProblem]
) -> EntityDraft | RelationshipDraft | None:
    """The draft a record makes, or None (its problems appended) when it makes none."""
    values, keys, holders = _fields(record, problems)
    if not values:
        return None
    section = record.section
    if section is None:
        if "kind" in values:
            section = "entity"
        elif all(m in values for m in _RELATIONSHIP_MARKERS):
            section = "relationship"
        elif record.kind:
            section = "entity"
        elif any(m in values for m in _RELATIONSHIP_MARKERS):
            section = "relationship"  # an incomplete one: say what it lacks
    if section is None:
        problems.append(
            LocatedProblem(
                record.where(),
                "",
                "cannot tell what this record is: an entity needs a kind, a relationship "
                "needs type, from and to",
            )
        )
        return None
    before = len(problems)
    sources = _sources(record, values, keys, problems)
    if section == "entity":
        entity = _entity(record, values, keys, sources, problems)
        if entity is not None:
            entity.holders = holders
        return entity if len(problems) == before else None
    rel = _relationship(record, values, keys, sources, problems)
    return rel if len(problems) == before else None


def _entity(
    record: RawRecord,
    values: dict[str, Any],
    keys: dict[str, str],
    sources: list[Source],
    problems: list[LocatedProblem],
) -> EntityDraft | None:
    draft = EntityDraft(record, keys, kind="", id=None, name=None, sources=sources)
    kind_text = as_text(values.pop("kind", record.kind or ""))
    kind = _entity_kind(kind_text) if kind_text else None
    if kind is None:
        known = ", ".join(SCHEMA.entity_kind_names)
        message = f"unknown kind {kind_text!r} (known: {known})" if kind_text else "missing"
        problems.append(draft.problem("kind", message))
        return None
    draft.kind = kind
    if "id" in values:
        draft.id = as_text(values.pop("id"))
        if not _ID.match(draft.id):
            problems.append(
                draft.problem(
                    "id",
                    f"{draft.id!r} is not an id: use lower-case letters, digits, '.', '_' or "
                    "'-', starting with a letter or digit (or leave it out to have one made)",
                )
            )
    name = values.pop("name", None)
    draft.name = as_text(name) if name is not None else None
    if not draft.name:
        problems.append(draft.problem("name", "missing: every entity needs a name"))
    if "name_en" in values:
        draft.name_en = as_text(values.pop("name_en"))
    if "description" in values:
        draft.description = as_text(values.pop("description"))
    draft.aliases = as_list(values.pop("aliases", []))
    draft.tags = as_list(values.pop("tags", []))
    home = values.pop("home", None)
    # Pydantic reads yes/no/true/false/1/0; offices also write 是/否.
    draft.home = {"是": True, "否": False}.get(home, home) if isinstance(home, str) else home
    # Everything else is the kind's own; the schema reports what is not. A
    # key that is a field of this kind means that field, though elsewhere it
    # is another field's header (an Event's end_date, not a relationship's until).
    own = SCHEMA.entity_kind(kind).fields
    for field_key, key in list(keys.items()):
        named = normalize(key)
        if named != field_key and named in own and field_key in values:
            values[named] = values.pop(field_key)
            keys[named] = keys.pop(field_key)
    draft.properties = values
    return draft


def _relationship(
    record: RawRecord,
    values: dict[str, Any],
    keys: dict[str, str],
    sources: list[Source],
    problems: list[LocatedProblem],
) -> RelationshipDraft | None:
    draft = RelationshipDraft(record, keys, type="", ends={}, sources=sources)
    type_text = as_text(values.pop("type", ""))
    rel_type = _relationship_kind(type_text) if type_text else None
    if rel_type is None:
        known = ", ".join(SCHEMA.relationship_kind_names)
        message = (
            f"unknown relationship kind {type_text!r} (known: {known})" if type_text else "missing"
        )
        problems.append(draft.problem("type", message))
    else:
        draft.type = rel_type
    for end in ("from", "to"):
        text = as_text(values.pop(end, ""))
        kind_text = as_text(values.pop(f"{end}_kind", ""))
        kind = SCHEMA.resolve_entity_kind(kind_text) if kind_text else None
        if kind_text and kind is None:
            problems.append(draft.problem(f"{end}_kind", f"unknown kind {kind_text!r}"))
        country = values.pop(f"{end}_country", None)
        if not text:
            problems.append(draft.problem(end, "missing: a relationship needs both ends"))
        draft.ends[end] = End(text, kind, as_text(country) if country is not None else None)
    draft.key = as_text(values.pop("key", ""))
    draft.since = values.pop("since", None)
    draft.until = values.pop("until", None)
    draft.properties = values or {}  # an emptied dict keeps its full size
    return draft if rel_type else None


@lru_cache(maxsize=4096)
def _source(fields: tuple[tuple[str, str], ...]) -> Source:
    """A validated source; many records of a file share one (sources are frozen)."""
    return Source.model_validate(dict(fields))


def _sources(
    record: RawRecord,
    values: dict[str, Any],
    keys: dict[str, str],
    problems: list[LocatedProblem],
) -> list[Source]:
    """The record's sources: a ``sources`` list and/or flat ``source*`` columns,
    with ``defaults.source`` filling what each leaves out."""
    # Each given source, with the key each of its fields came from.
    given: list[tuple[Any, dict[str, str]]] = []
    listed = values.pop("sources", None)
    if listed is not None:
        items = listed if isinstance(listed, list) else [listed]
        given += [(item, dict.fromkeys(SOURCE_KEYS, keys["sources"])) for item in items]
    flat = {f: values.pop(f) for f in SOURCE_FIELDS if f in values}
    if flat:
        given.append(
            (
                {_FLAT_SOURCE[f]: v for f, v in flat.items()},
                {_FLAT_SOURCE[f]: keys[f] for f in flat},
            )
        )
    if not given and record.default_source.get("document"):
        given.append(({}, {}))
    sources = []
    for item, key_of in given:
        if isinstance(item, str):
            item = {"excerpt": item}
        key = next(iter(key_of.values()), "sources")
        if not isinstance(item, Mapping):
            message = "a source is a mapping of " + ", ".join(SOURCE_KEYS)
            problems.append(LocatedProblem(record.where(key), key, message))
            continue
        unknown = [str(k) for k in item if k not in SOURCE_KEYS]
        if unknown:
            message = f"unknown source key(s) {', '.join(unknown)}"
            message += f" (known: {', '.join(SOURCE_KEYS)})"
            problems.append(LocatedProblem(record.where(key), key, message))
            continue
        fields = {k: as_text(v) for k, v in record.default_source.items()}
        fields.update((k, as_text(v)) for k, v in item.items() if not is_blank(v))
        # An excerpt with no document comes from the file itself.
        fields.setdefault("document", record.document or record.location.file)
        try:
            sources.append(_source(tuple(fields.items())))
        except ValidationError as exc:
            for p in problems_of(exc):
                at = key_of.get(p.field, key)
                label = f"{at}.{p.field}" if at == keys.get("sources") else at
                problems.append(LocatedProblem(record.where(at), label, p.message))
    return sources
