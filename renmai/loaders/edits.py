"""Everyday writes: record, correct and end single facts, and log what happened.

Each function here turns what a person typed — a kind and a name, two names
and a relationship kind, ``field=value`` pairs — into an :class:`Edit`: the
write it asks for, checked exactly as a load checks a file (the same records,
:func:`~renmai.loaders.records.parse_record` and
:func:`~renmai.loaders.batch.build_batch`: names resolved as a load resolves
them, an ambiguous name reported with its candidates and never guessed, every
problem at once as a :class:`~renmai.loaders.errors.LoadError` located at the
command and field). An edit is not written until :meth:`Edit.apply`;
:meth:`Edit.plan` says what it would change, before and after, for a dry run
or a question to confirm. Every edit is one :meth:`Store.write`, kept in the
history with its command and note (:mod:`renmai.graph.history`).

>>> import tempfile, pathlib
>>> from renmai.graph.sqlite_store import SqliteStore
>>> store = SqliteStore(pathlib.Path(tempfile.mkdtemp()) / "g.db")
>>> _ = add(store, "Person", "张三").apply(store)
>>> add(store, "人物", "张三").notes
['张三 is already there as zhang-san (Person 张三): nothing to add']
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from renmai.graph.history import Change, Deletions
from renmai.graph.model import Entity, Relationship, RelationshipId, problems_of
from renmai.graph.plan import WritePlan, plan_for
from renmai.graph.resolve import describe, resolve, resolve_any
from renmai.graph.schema import SCHEMA
from renmai.graph.store import IntegrityError, Store, WriteSummary
from renmai.loaders.batch import Batch, build_batch
from renmai.loaders.errors import LoadError, LocatedProblem, Location
from renmai.loaders.ids import slug
from renmai.loaders.records import EntityDraft, RawRecord, RelationshipDraft, parse_record

T = TypeVar("T")
#: Core fields ``set`` may change besides the kind's own (``rename`` changes
#: the name, so that the old one stays an alias).
SETTABLE = ("name_en", "description", "aliases", "tags")
#: The relationship a logged interaction gives each participant.
PARTICIPATION = "PARTICIPATED_IN"
#: The kind a logged interaction is.
EVENT_KIND = "Event"


@dataclass
class Edit:
    """A write an editing command asks for, checked, not yet made."""

    change: Change
    entities: list[Entity] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    #: The records given replace the stored ones (an edit can clear a field).
    replace: bool = False
    deletions: Deletions = field(default_factory=Deletions)
    #: What there is to know before it is written: "already there", a
    #: possible duplicate, a logged meeting without any of us.
    notes: list[str] = field(default_factory=list)

    def plan(self, store: Store) -> WritePlan:
        """What the edit would change, before and after; raises :class:`LoadError`
        when the store refuses it."""
        return self._checked_write(
            lambda: plan_for(
                store, self.entities, self.relationships, **self._options(), change=self.change
            )
        )

    def apply(self, store: Store) -> WriteSummary:
        """Write the edit, and its history record, in one store write."""
        return self._checked_write(
            lambda: store.write(
                self.entities, self.relationships, **self._options(), change=self.change
            )
        )

    def _options(self) -> dict[str, Any]:
        return {"replace": self.replace, "deletions": self.deletions}

    def _checked_write(self, write: Callable[[], T]) -> T:
        try:
            return write()
        except IntegrityError as exc:
            raise self._located(exc) from None

    def _located(self, error: IntegrityError) -> LoadError:
        where = Location(self.change.command)
        return LoadError([LocatedProblem(where, p.field, p.message) for _, p in error.problems])


def _problem(command: str, field_name: str, message: str) -> LoadError:
    return LoadError([LocatedProblem(Location(command), field_name, message)])


def _checked(store: Store, command: str, values: Sequence[dict[str, Any]]) -> Batch:
    """Records typed at the command line, read and resolved as a load reads a
    file's; raises :class:`LoadError` with every problem, located at ``command``."""
    problems: list[LocatedProblem] = []
    entities: list[EntityDraft] = []
    relationships: list[RelationshipDraft] = []
    for record_values in values:
        record = RawRecord(
            {k: v for k, v in record_values.items() if v is not None and v != []},
            Location(command),
        )
        draft = parse_record(record, problems)
        if isinstance(draft, EntityDraft):
            entities.append(draft)
        elif isinstance(draft, RelationshipDraft):
            relationships.append(draft)
    if problems:
        raise LoadError(problems)
    batch = build_batch(store, entities, relationships)
    if batch.problems:
        raise LoadError(batch.problems)
    return batch


def _source(source: str | None) -> dict[str, str]:
    """The ``--source`` of a command, as a record's flat source column."""
    return {"source_document": source} if source else {}


def _arguments(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p not in (None, "", [], {}))


def _pairs(fields: Mapping[str, str]) -> list[str]:
    return [f"{k}={v}" for k, v in fields.items()]


def one(store: Store, command: str, text: str, field_name: str = "entity") -> Entity:
    """The entity ``text`` names (id, name or alias); a located problem otherwise."""
    found = resolve(store, text)
    if found.entity is None:
        raise _problem(command, field_name, found.explain())
    return found.entity


# -- record and correct ---------------------------------------------------------------


def add(
    store: Store,
    kind: str,
    name: str,
    *,
    fields: Mapping[str, str] | None = None,
    aliases: Sequence[str] = (),
    source: str | None = None,
    entity_id: str | None = None,
    note: str | None = None,
) -> Edit:
    """One entity. Adding one that is there (by ``entity_id``, else by any of
    its names within the kind) changes nothing, and the edit's notes say so."""
    fields = dict(fields or {})
    change = Change("add", _arguments(kind, name, *_pairs(fields), *aliases), note)
    resolved_kind = SCHEMA.resolve_entity_kind(kind)
    if resolved_kind is not None:
        there = _existing(
            store, resolved_kind, [name, *aliases, fields.get("name_en", "")], entity_id
        )
        if there is not None:
            return Edit(
                change, notes=[f"{name} is already there as {describe(there)}: nothing to add"]
            )
    values = {
        "kind": kind,
        "id": entity_id,
        "name": name,
        "aliases": list(aliases),
        **fields,
        **_source(source),
    }
    batch = _checked(store, "add", [values])
    return Edit(change, entities=batch.entities, notes=[str(w) for w in batch.warnings])


def _existing(
    store: Store, kind: str, names: Sequence[str], entity_id: str | None
) -> Entity | None:
    """The entity an ``add`` would add again, if there is one."""
    if entity_id is not None:
        return store.get(entity_id)
    found = resolve_any(store, names, kind=kind)
    if found.status == "ambiguous":
        raise _problem("add", "name", found.explain() + " (or give an id to add another)")
    return found.entity


def link(
    store: Store,
    from_text: str,
    rel_type: str,
    to_text: str,
    *,
    since: str | None = None,
    fields: Mapping[str, str] | None = None,
    source: str | None = None,
    key: str | None = None,
    note: str | None = None,
) -> Edit:
    """One relationship, its ends resolved within the kinds its type joins."""
    fields = dict(fields or {})
    change = Change("link", _arguments(from_text, rel_type, to_text, since, *_pairs(fields)), note)
    values = {
        "type": rel_type,
        "from": from_text,
        "to": to_text,
        "since": since,
        "key": key,
        **fields,
        **_source(source),
    }
    batch = _checked(store, "link", [values])
    return Edit(change, relationships=batch.relationships)


def set_fields(
    store: Store,
    text: str,
    assignments: Mapping[str, str],
    *,
    source: str | None = None,
    note: str | None = None,
) -> Edit:
    """New values for an entity's fields; an empty value clears one. A reference
    field (``country=巴西``) is resolved as a load resolves it, and the
    relationship its old value implied (LOCATED_IN the old country) goes."""
    change = Change("set", _arguments(text, *_pairs(assignments)), note)
    entity = one(store, "set", text)
    if not assignments:
        raise _problem("set", "fields", "nothing to set: give field=value")
    if "name" in assignments:
        raise _problem("set", "name", "a new name is a rename (the old name stays an alias)")
    record = _as_record(entity)
    for name, value in assignments.items():
        if name in SCHEMA.core_entity_fields and name not in SETTABLE:
            raise _problem(
                "set",
                name,
                f"not a field set here (those: {', '.join(SETTABLE)} and {entity.kind}'s own)",
            )
        record[name] = value if value.strip() else None
    record.update(_source(source))
    [updated] = _checked(store, "set", [record]).entities
    updated = updated.model_copy(update={"home": entity.home})
    return Edit(
        change,
        entities=[updated],
        replace=True,
        deletions=Deletions(relationships=_left_behind(store, entity, updated)),
    )


def _as_record(entity: Entity) -> dict[str, Any]:
    """An entity as a load record (references by id, sources kept)."""
    return {
        "id": entity.id,
        "kind": entity.kind,
        "name": entity.name,
        "name_en": entity.name_en,
        "aliases": list(entity.aliases),
        "tags": list(entity.tags),
        "description": entity.description,
        **entity.properties,
        "sources": [s.model_dump(exclude_none=True) for s in entity.sources],
    }


def _left_behind(store: Store, old: Entity, new: Entity) -> list[RelationshipId]:
    """The relationships old values of reference fields implied, now wrong."""
    gone = []
    for name, spec in SCHEMA.entity_kind(old.kind).fields.items():
        before, after = old.properties.get(name), new.properties.get(name)
        if spec.implies and before and before != after:
            rel_id = RelationshipId(spec.implies, old.id, str(before))
            if store.get_relationships([rel_id]):
                gone.append(rel_id)
    return gone


def rename(store: Store, text: str, new_name: str, *, note: str | None = None) -> Edit:
    """A new name; the old one stays an alias, so the old name still finds it."""
    change = Change("rename", _arguments(text, new_name), note)
    entity = one(store, "rename", text)
    new_name = new_name.strip()
    if not new_name:
        raise _problem("rename", "new_name", "missing: give the new name")
    if new_name == entity.name:
        return Edit(change, notes=[f"{describe(entity)} is already called {new_name}"])
    notes = [
        f"another entity is called {new_name} too: {describe(e)} (a duplicate? merging joins two)"
        for e in store.find(new_name)
        if e.id != entity.id
    ]
    aliases = [*entity.aliases, entity.name]
    renamed = Entity.model_validate(
        {**entity.model_dump(), "name": new_name, "aliases": [a for a in aliases if a != new_name]}
    )
    return Edit(change, entities=[renamed], replace=True, notes=notes)


def find_relationship(
    store: Store,
    command: str,
    from_text: str,
    rel_type: str,
    to_text: str,
    key: str | None = None,
) -> Relationship:
    """The stored relationship of ``rel_type`` between the entities the texts
    name; every problem (an unknown kind, a name not found or ambiguous, no
    such relationship, several) located at ``command``."""
    problems = []
    type_name = SCHEMA.resolve_relationship_kind(rel_type)
    if type_name is None:
        known = ", ".join(SCHEMA.relationship_kind_names)
        problems.append(("type", f"unknown relationship kind {rel_type!r} (known: {known})"))
    ends: dict[str, Entity] = {}
    for end, text in (("from", from_text), ("to", to_text)):
        found = resolve(store, text)
        if found.entity is None:
            problems.append((end, found.explain()))
        else:
            ends[end] = found.entity
    if problems or type_name is None:
        raise LoadError([LocatedProblem(Location(command), f, m) for f, m in problems])
    kind = SCHEMA.relationship_kind(type_name)
    a, b = ends["from"], ends["to"]
    found_rels = [
        n.relationship
        for n in store.neighbors(a.id, types=[type_name])
        if n.entity.id == b.id
        and (n.outgoing or kind.symmetric)
        and (key is None or n.relationship.key == key)
    ]
    if not found_rels:
        raise _problem(
            command, "type", f"no {type_name} relationship from {describe(a)} to {describe(b)}"
        )
    if len(found_rels) > 1:
        keys = ", ".join(repr(r.key) for r in found_rels)
        raise _problem(
            command,
            "key",
            f"{len(found_rels)} {type_name} relationships join them (keys {keys}): give the key",
        )
    return found_rels[0]


def unlink(
    store: Store,
    from_text: str,
    rel_type: str,
    to_text: str,
    *,
    key: str | None = None,
    note: str | None = None,
) -> Edit:
    """Delete a relationship that was wrong (one that ended: :func:`end`)."""
    change = Change("unlink", _arguments(from_text, rel_type, to_text, key), note)
    rel = find_relationship(store, "unlink", from_text, rel_type, to_text, key)
    return Edit(change, deletions=Deletions(relationships=[rel.identity]))


def remove(store: Store, text: str, *, note: str | None = None) -> Edit:
    """Delete an entity that was wrong, with every relationship it has."""
    change = Change("remove", _arguments(text), note)
    entity = one(store, "remove", text)
    rels = [n.relationship.identity for n in store.neighbors(entity.id)]
    return Edit(change, deletions=Deletions(entities=[entity.id], relationships=rels))


def end(
    store: Store,
    from_text: str,
    rel_type: str,
    to_text: str,
    until: str,
    *,
    key: str | None = None,
    note: str | None = None,
) -> Edit:
    """End a relationship at ``until``: it stays, as the history of a tie."""
    change = Change("end", _arguments(from_text, rel_type, to_text, f"until={until}"), note)
    rel = find_relationship(store, "end", from_text, rel_type, to_text, key)
    notes = [f"{rel.identity} had ended already, at {rel.until}"] if rel.until else []
    try:
        ended = Relationship.model_validate({**rel.model_dump(by_alias=True), "until": until})
    except ValidationError as exc:
        raise LoadError(
            [LocatedProblem(Location("end"), p.field, p.message) for p in problems_of(exc)]
        ) from None
    return Edit(change, relationships=[ended], replace=True, notes=notes)


# -- log what happened ------------------------------------------------------------------


def event_id(date: str, text: str) -> str:
    """The id of a logged interaction: its date and what happened, so that
    logging it again finds it (and changes nothing).

    >>> event_id("2016-11-03", "会见巴西总领事")
    'log-2016-11-03-hui-jian-ba-xi-zong-ling-shi'
    """
    words = slug(text) or hashlib.sha1(text.encode()).hexdigest()[:10]
    return f"log-{slug(date)}-{words}"[:200].rstrip("-")


def log(
    store: Store,
    date: str,
    text: str,
    participants: Sequence[str],
    *,
    at: str | None = None,
    category: str | None = None,
    source: str | None = None,
    note: str | None = None,
) -> Edit:
    """An interaction — a meeting, a visit, a call — as an Event of ``date``
    with its participants, each joined to it by PARTICIPATED_IN, at a place
    when ``at`` names one."""
    change = Change("log", _arguments(date, text, *participants, at, category), note)
    if not participants:
        raise _problem("log", "with", "missing: who took part (at least one)")
    identity = event_id(str(date).strip(), text)
    event = {
        "kind": EVENT_KIND,
        "id": identity,
        "name": text,
        "date": date,
        "place": at,
        "category": category,
        **_source(source),
    }
    ties = [
        {"type": PARTICIPATION, "from": who, "to": identity, **_source(source)}
        for who in participants
    ]
    batch = _checked(store, "log", [event, *ties])
    notes = [str(w) for w in batch.warnings if "new id" not in str(w)]
    ours = [r for r in batch.relationships if (e := store.get(r.from_id)) and e.home]
    if not ours:
        notes.append("none of us (a home entity) is among the participants: who met them?")
    return Edit(change, entities=batch.entities, relationships=batch.relationships, notes=notes)


__all__ = [
    "Edit",
    "add",
    "end",
    "event_id",
    "find_relationship",
    "link",
    "log",
    "one",
    "remove",
    "rename",
    "set_fields",
    "unlink",
]
