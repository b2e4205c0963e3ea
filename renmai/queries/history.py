"""What changed, when, by which command: the history of one entity or the graph.

Every write keeps a record (:mod:`renmai.graph.history`); :func:`history`
reads them back for an entity — by id, name or alias, and also one that has
since been removed: its name is looked for in what the records kept of it —
or for the whole graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from renmai.errors import RenmaiError
from renmai.graph.history import ChangeItem, ChangeRecord
from renmai.graph.names import name_key
from renmai.graph.resolve import resolve
from renmai.graph.store import Store


class HistoryLookupError(RenmaiError):
    """The entity asked about is not in the store nor in its history, or the
    name fits several."""


@dataclass(frozen=True)
class History:
    """The answer of :func:`history`."""

    #: The entity asked about (None: the whole graph), and its name as last kept.
    entity_id: str | None
    name: str | None
    #: Oldest first.
    records: list[ChangeRecord]
    #: Whether the entity is still in the store.
    present: bool = True

    def items(self, record: ChangeRecord) -> list[ChangeItem]:
        """The items of ``record`` this answer is about (all of them for the graph)."""
        if self.entity_id is None:
            return list(record.items)
        return [i for i in record.items if self.entity_id in i.entities]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity_id,
            "name": self.name,
            "present": self.present,
            "changes": [
                {**r.to_dict(), "items": [i.to_dict() for i in self.items(r)]} for r in self.records
            ],
        }


def _names(item: ChangeItem) -> Iterable[str]:
    for data in (item.before, item.after):
        if data:
            yield str(data.get("name", ""))
            yield str(data.get("name_en") or "")
            yield from (str(a) for a in data.get("aliases", []))


def _named_in_history(records: Iterable[ChangeRecord], text: str) -> dict[str, str]:
    """Entity ids the records kept under the name (or id) ``text``, with the
    name each was last kept under."""
    key = name_key(text)
    found: dict[str, str] = {}
    for record in records:
        for item in record.items:
            if item.record != "entity":
                continue
            if item.id == text or (key and key in {name_key(n) for n in _names(item) if n}):
                data = item.after or item.before or {}
                found[item.id] = str(data.get("name", item.id))
    return found


def history(store: Store, text: str | None = None, *, since: str | None = None) -> History:
    """The changes that concern the entity ``text`` names (every change
    without it), written on or after ``since``, oldest first.

    >>> from renmai.graph.sample import sample_store
    >>> answer = history(sample_store(), "本拿比市")
    >>> [(r.command, r.counts["created"], len(answer.items(r))) for r in answer.records]
    [('write', 27, 5)]
    """
    if text is None:
        return History(None, None, store.history(since=since))
    found = resolve(store, text)
    if found.entity is not None:
        entity = found.entity
        return History(entity.id, entity.name, store.history(entity.id, since=since))
    if found.status == "ambiguous":
        raise HistoryLookupError(found.explain())
    # Not in the store (any more): what the history kept of it.
    kept = _named_in_history(store.history(), text)
    if not kept:
        raise HistoryLookupError(f"no entity named {text!r} in the store or its history")
    if len(kept) > 1:
        listed = "; ".join(f"{i} ({n})" for i, n in sorted(kept.items()))
        raise HistoryLookupError(f"{text!r} was the name of several: {listed} — give the id")
    [(entity_id, name)] = kept.items()
    return History(entity_id, name, store.history(entity_id, since=since), present=False)


__all__ = ["History", "HistoryLookupError", "history"]
