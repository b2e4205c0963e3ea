"""The demo's answers, written briefly: who we are, our direct ties, and
the first contacts for a few targets."""

from __future__ import annotations

from collections.abc import Iterable

from renmai.graph.model import Entity
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Neighbor
from renmai.queries.arrows import path_text
from renmai.queries.connect import Connection

#: Names listed per line before "… and N more".
NAMES_SHOWN = 8


def named(entity: Entity) -> str:
    """``中山市 (Zhongshan)``: the name, with the English one when there is one."""
    return f"{entity.name} ({entity.name_en})" if entity.name_en else entity.name


def _names(entities: list[Entity]) -> str:
    shown = ", ".join(named(e) for e in entities[:NAMES_SHOWN])
    more = len(entities) - NAMES_SHOWN
    return f"{shown}, … and {more} more" if more > 0 else shown


def tie_lines(neighbors: Iterable[Neighbor]) -> list[str]:
    """An entity's direct ties (``neighbors``), one line per relationship kind,
    direction and kind of the other end; containment left out."""
    groups: dict[tuple[str, bool, str], dict[str, Entity]] = {}
    for neighbor in neighbors:
        kind = SCHEMA.relationship_kind(neighbor.relationship.type)
        if kind.containment:
            continue
        outgoing = neighbor.outgoing or kind.symmetric
        key = (kind.name, outgoing, neighbor.entity.kind)
        groups.setdefault(key, {})[neighbor.entity.id] = neighbor.entity
    lines = []
    for (type_name, outgoing, entity_kind), found in sorted(groups.items()):
        kind = SCHEMA.relationship_kind(type_name)
        arrow = "→" if outgoing else "←"
        label = SCHEMA.entity_kind(entity_kind).label_zh
        lines.append(
            f"  {arrow} {kind.label_zh} {kind.label_en} · {label} {entity_kind} "
            f"({len(found)}): {_names(sorted(found.values(), key=lambda e: e.id))}"
        )
    return lines


def brief_connection(target: str, answer: Connection) -> list[str]:
    """The first contacts for ``target`` and the best path of each."""
    lines = [f"Who can get us to {target}?"]
    for rank, contact in enumerate(answer.contacts, 1):
        lines.append(f"  {rank}. {contact.entity.name}  (score {contact.score:.3f})")
        lines.append(f"     {path_text(contact.paths[0])}")
    if not answer.contacts:
        lines.append("  (no path found)")
    return lines
