"""Changes as text: what an edit will do or did, and the history of the graph."""

from __future__ import annotations

from typing import Any

from renmai.graph.history import ChangeItem, ChangeRecord

_MARKS = {"created": "+", "updated": "~", "deleted": "-"}


def _flat(data: dict[str, Any] | None) -> dict[str, Any]:
    """A record's fields, its kind's own (``properties``) among them."""
    data = dict(data or {})
    return {**{k: v for k, v in data.items() if k != "properties"}, **data.get("properties", {})}


def _value(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    return str(value)


def _named(data: dict[str, Any] | None) -> str:
    data = data or {}
    if "name" in data:
        return f"{data.get('kind', '')} {data['name']}".strip()
    return ""


def item_lines(item: ChangeItem) -> list[str]:
    """One item: ``+ entity li-si (Person 李四)``, then for an update each
    field changed, ``title: 参赞 → —``."""
    name = _named(item.after or item.before)
    head = f"{_MARKS[item.action]} {item.record} {item.id}" + (f" ({name})" if name else "")
    if item.action != "updated":
        return [head]
    before, after = _flat(item.before), _flat(item.after)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return [head] + [f"    {k}: {_value(before.get(k))} → {_value(after.get(k))}" for k in changed]


def counts_text(counts: dict[str, int]) -> str:
    """``1 created, 2 updated, 0 deleted``."""
    return ", ".join(f"{counts.get(o, 0)} {o}" for o in ("created", "updated", "deleted"))


def record_heading(record: ChangeRecord) -> str:
    """``2026-12-02 06:40:12  link 张三 HOLDS_POSITION …  (1 created, …)  — note``."""
    when = record.time[:19].replace("T", " ")
    note = f"  — {record.note}" if record.note else ""
    return f"{when} UTC  {record.command} {record.arguments}".rstrip() + (
        f"  ({counts_text(record.counts)}){note}"
    )
