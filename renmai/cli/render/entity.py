"""One entity as text (``show``), and how an entity is named in any answer."""

from __future__ import annotations

from typing import Any

from renmai.cli.output import display_width
from renmai.cli.render.sources import Footnotes
from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import SCHEMA
from renmai.queries.arrows import arrow
from renmai.queries.search import EntityDetail


def labelled(entity: Entity) -> str:
    """``名字 (机构)``: the name with its kind's Chinese label."""
    return f"{entity.name} ({SCHEMA.entity_kind(entity.kind).label_zh})"


def relationship_line(rel: Relationship, outgoing: bool, other: Entity) -> str:
    return f"{arrow(rel, outgoing)} {labelled(other)}  [{other.id}]"


def entity_lines(shown: Entity, detail: EntityDetail) -> list[str]:
    """``shown`` (the entity, contact details already kept or left out): its
    fields, its sources, then its relationships by kind, with their sources."""
    kind_spec = SCHEMA.entity_kind(shown.kind)
    lines = [f"{shown.name}  ({kind_spec.label_zh} {shown.kind}, id {shown.id})"]
    fields: list[tuple[str, Any]] = [
        ("English name", shown.name_en),
        ("aliases", ", ".join(shown.aliases)),
        ("tags", ", ".join(shown.tags)),
        ("description", shown.description),
        ("home", "yes (one of us)" if shown.home else None),
    ]
    fields += [
        (kind_spec.fields[name].label or name, value)
        for name, value in shown.properties.items()
        if name in kind_spec.fields
    ]
    label_width = max(display_width(label) for label, _ in fields)
    for label, value in fields:
        if value not in (None, ""):
            pad = " " * (label_width - display_width(label))
            lines.append(f"  {label}{pad}  {value}")
    notes = Footnotes()
    if shown.sources:
        lines.append("  sources:")
        lines += [f"    {notes.cite(s, 80)}" for s in shown.sources]
    for rel_type, neighbors in detail.relationships.items():
        rel_kind = SCHEMA.relationship_kind(rel_type)
        lines.append(f"\n{rel_kind.label_zh} {rel_type} ({len(neighbors)})")
        for n in neighbors:
            lines.append(f"  {relationship_line(n.relationship, n.outgoing, n.entity)}")
            lines += [f"      {notes.cite(s)}" for s in n.relationship.sources]
    return lines + notes.appendix()
