"""The history of a graph: every change any command made, with what it changed.

A :class:`Change` is what a command tells the store about the write it asks
for (the command, its arguments, a note); the write plan
(:mod:`renmai.graph.plan`) works out what the write changes, record by record,
before and after; the store keeps both as one :class:`ChangeRecord`, written in
the same transaction as the change itself, so that nothing is written — and
nothing deleted — without its record. A write that changes nothing leaves no
record: a re-run is no event.

Large writes (a first load of 100,000 rows) would double the store if every
created record were kept again in full: a change of more than
:data:`DETAIL_LIMIT` records keeps the before and after of what it updated or
deleted, the ids of the entities it created, and only the number of the
relationships it created (the files it was loaded from have the rest).

>>> item = ChangeItem("entity", "zhongshan", "updated", ("zhongshan",),
...                   before={"name": "中山"}, after={"name": "中山市"})
>>> item.fields_changed()
['name']
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from renmai.graph.model import Entity, Relationship, RelationshipId

#: The Neo4j label of a change record: never ``Entity``, so no query of the
#: graph sees it.
CHANGE_LABEL = "RenmaiChange"
#: Changes of more records than this keep created records by identity only.
DETAIL_LIMIT = 1000

Action = Literal["created", "updated", "deleted"]
RecordKind = Literal["entity", "relationship"]


@dataclass(frozen=True)
class Change:
    """What a command says about its write: who asked, and why."""

    #: The command: "load", "add", "link", "set", "rename", "end", "unlink",
    #: "remove", "merge", "log" …
    command: str
    #: Its arguments as the user gave them (file names, names, fields).
    arguments: str = ""
    #: Why, in the user's words (``--note``).
    note: str | None = None


@dataclass(frozen=True)
class Deletions:
    """Records a write deletes. An entity is deleted only with every
    relationship it has, each listed here: the store refuses otherwise, so
    that no relationship disappears without its own history."""

    entities: Sequence[str] = ()
    relationships: Sequence[RelationshipId] = ()

    def __bool__(self) -> bool:
        return bool(self.entities or self.relationships)


@dataclass(frozen=True)
class ChangeItem:
    """One record a change created, updated or deleted."""

    record: RecordKind
    #: The entity's id, or the relationship's identity as text.
    id: str
    action: Action
    #: Entities this item concerns (the entity, or a relationship's two ends):
    #: ``history X`` lists the changes that concern X.
    entities: tuple[str, ...]
    #: The record as it was (None when created) and as it is (None when deleted
    #: — or, in a large change, for a created record: see the module doc).
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def fields_changed(self) -> list[str]:
        """Top-level fields that differ between before and after (of an update)."""
        before, after = self.before or {}, self.after or {}
        names = sorted(set(before) | set(after))
        return [n for n in names if before.get(n) != after.get(n)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "id": self.id,
            "action": self.action,
            "entities": list(self.entities),
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeItem:
        return cls(
            record=data["record"],
            id=data["id"],
            action=data["action"],
            entities=tuple(data.get("entities", ())),
            before=data.get("before"),
            after=data.get("after"),
        )


@dataclass(frozen=True)
class ChangeRecord:
    """A change as the store keeps it."""

    #: Unique, and in time order when sorted with ``time``.
    id: str
    #: When it was written: UTC, ISO 8601 with microseconds.
    time: str
    command: str
    arguments: str
    note: str | None
    items: tuple[ChangeItem, ...] = field(default=())
    #: How many records it created, updated and deleted (all of them, also
    #: those a large change does not itemise).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def entities(self) -> list[str]:
        """Every entity the change concerns, each once, in id order."""
        return sorted({e for item in self.items for e in item.entities})

    def concerns(self, entity_id: str) -> bool:
        return any(entity_id in item.entities for item in self.items)

    def items_json(self) -> str:
        """The items as one JSON text (how the stores keep them)."""
        return json.dumps([i.to_dict() for i in self.items], ensure_ascii=False, sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "command": self.command,
            "arguments": self.arguments,
            "note": self.note,
            "counts": dict(self.counts),
            "items": [i.to_dict() for i in self.items],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChangeRecord:
        items = data.get("items", [])
        if isinstance(items, str):
            items = json.loads(items)
        return cls(
            id=data["id"],
            time=data["time"],
            command=data["command"],
            arguments=data.get("arguments") or "",
            note=data.get("note"),
            items=tuple(ChangeItem.from_dict(i) for i in items),
            counts=dict(data.get("counts") or {}),
        )


Record = Entity | Relationship


def record_data(record: Record) -> dict[str, Any]:
    """An entity or relationship as history keeps it: the load format's fields."""
    if isinstance(record, Entity):
        return record.model_dump(mode="json", exclude_defaults=True)
    return record.model_dump(mode="json", exclude_defaults=True, by_alias=True)


def change_item(old: Record | None, new: Record | None, *, detail: bool = True) -> ChangeItem:
    """The item of a record created (no ``old``), updated, or deleted (no ``new``);
    without ``detail``, a created record is kept by identity only."""
    some = new or old
    assert some is not None
    action: Action = "created" if old is None else "deleted" if new is None else "updated"
    keep_after = new is not None and (detail or old is not None)
    ends: tuple[str, ...]
    if isinstance(some, Entity):
        kind: RecordKind = "entity"
        identity, ends = some.id, (some.id,)
    else:
        kind, identity, ends = "relationship", str(some.identity), some.ends
    return ChangeItem(
        kind,
        identity,
        action,
        ends,
        before=record_data(old) if old is not None else None,
        after=record_data(new) if keep_after and new is not None else None,
    )


def new_record(change: Change, items: Iterable[ChangeItem], counts: dict[str, int]) -> ChangeRecord:
    """A record of ``change`` stamped now, with a fresh id."""
    now = dt.datetime.now(dt.UTC)
    return ChangeRecord(
        id=f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}",
        time=now.isoformat(timespec="microseconds"),
        command=change.command,
        arguments=change.arguments,
        note=change.note,
        items=tuple(items),
        counts=dict(counts),
    )


def select(
    records: Iterable[ChangeRecord],
    entity_id: str | None = None,
    since: str | None = None,
) -> list[ChangeRecord]:
    """The records that concern ``entity_id`` (all without it), written on or
    after ``since`` (a date or a time, compared as ISO text), oldest first.

    Every store answers ``history`` this way when it does not ask its own
    index; the contract tests hold both to it.
    """
    found = [
        r
        for r in records
        if (entity_id is None or r.concerns(entity_id)) and (since is None or r.time >= since)
    ]
    return sorted(found, key=lambda r: (r.time, r.id))


__all__ = [
    "CHANGE_LABEL",
    "DETAIL_LIMIT",
    "Change",
    "ChangeItem",
    "ChangeRecord",
    "Deletions",
    "change_item",
    "new_record",
    "record_data",
    "select",
]
