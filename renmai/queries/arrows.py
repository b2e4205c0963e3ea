"""How a relationship, a step and a path read in the data's language.

``—签署(2015)→`` along a relationship, ``←隶属—`` against it, ``—友好城市—``
for a symmetric kind; a path is its entities joined by such arrows. The
answers' JSON shapes carry these lines (``text``, ``arrow``, ``via``) and the
command line prints them; the walk itself (:mod:`renmai.queries.walk`) only
searches.

>>> from renmai.graph.model import Entity, Relationship
>>> rel = Relationship(type="KNOWS", from_id="a", to_id="b", since="2013-05")
>>> arrow(rel, forward=False)
'—认识(2013)—'
>>> arrow(Relationship(type="MEMBER_OF", from_id="a", to_id="b"), forward=False)
'←成员—'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import SCHEMA
from renmai.queries.ranking import evidence_dates_of_entity

if TYPE_CHECKING:
    from renmai.queries.walk import Path, Step

#: A relationship's text field (title, role) is written into the arrow when it
#: is at most this long; longer notes stay in the JSON and ``show``.
SHORT_DETAIL = 8


def relationship_details(rel: Relationship) -> list[str]:
    """The short text fields of a relationship (a title, a role), in schema order."""
    kind = SCHEMA.relationship_kind(rel.type)
    return [
        str(rel.properties[name])
        for name, spec in kind.fields.items()
        if spec.type == "text" and 0 < len(str(rel.properties.get(name) or "")) <= SHORT_DETAIL
    ]


def relationship_label(rel: Relationship) -> str:
    """The Chinese label of a relationship, with its short text fields: ``任职·高级总监``."""
    return "·".join([SCHEMA.relationship_kind(rel.type).label_zh, *relationship_details(rel)])


def when(rel: Relationship, *ends: Entity) -> str:
    """The years shown on an arrow: ``since``, ``since至until`` for a tie that
    ended (``至until`` when it is not known to have begun) and ``已结束``
    (ended) after it, else the date of the event or agreement the
    relationship joins; empty when undated."""
    if rel.until:
        return f"{(rel.since or '')[:4]}至{rel.until[:7]} 已结束"
    if rel.since:
        return rel.since[:4]
    for end in ends:
        dates = evidence_dates_of_entity(end)
        if dates:
            return dates[0][:4]
    return ""


def arrow(rel: Relationship, forward: bool, *ends: Entity) -> str:
    """``—label(year)→`` along the relationship, ``←label(year)—`` against it,
    ``—label(year)—`` for a symmetric kind (``ends`` date an undated one)."""
    year = when(rel, *ends)
    label = relationship_label(rel) + (f"({year})" if year else "")
    if SCHEMA.relationship_kind(rel.type).symmetric:
        return f"—{label}—"
    return f"—{label}→" if forward else f"←{label}—"


def step_arrow(step: Step) -> str:
    """A step as the arrow of its strongest relationship, dated by its ends."""
    return arrow(step.relationship, step.forward, step.source, step.target)


def path_text(path: Path) -> str:
    """The path written out: ``中山市外事侨务局 —签署(2015)→ …``."""
    parts = [path.steps[0].source.display_name]
    for step in path.steps:
        parts += [step_arrow(step), step.target.display_name]
    return " ".join(parts)
