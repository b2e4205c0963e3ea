"""Paths and the contacts they reach, as text and as table rows (``connect``, ``path``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from renmai.cli.render.entity import labelled
from renmai.cli.render.sources import Footnotes
from renmai.queries.arrows import path_text, relationship_details, step_arrow
from renmai.queries.connect import Connection, Contact
from renmai.queries.paths import PathAnswer
from renmai.queries.succession import Succession
from renmai.queries.walk import Path

#: The columns of ``connect --csv`` (and of its table rows) and of ``path --csv``.
CONNECT_COLUMNS = ["rank", "contact", "contact_id", "score", "hops", "path", "sources"]
PATH_COLUMNS = ["rank", "score", "hops", "path", "sources"]


def affiliation_text(contact: Contact) -> str:
    """``华源科技协会 高级总监; …``: a contact's posts, written briefly."""
    return "; ".join(
        " ".join(
            [
                n.entity.name,
                *relationship_details(n.relationship),
                *([f"(until {n.relationship.until})"] if n.relationship.ended else []),
            ]
        )
        for n in contact.affiliations
    )


def path_lines(
    path: Path,
    notes: Footnotes,
    indent: str,
    successions: Mapping[str, Succession] | None = None,
) -> list[str]:
    """The path with its score, then each step's sources, cited in ``notes``;
    a tie on it that has ended, said to be past; and who holds the posts now
    at an office on it whose posts changed hands (``successions``)."""
    lines = [f"{indent}{path.score:.3f}  {path_text(path)}"]
    for number, step in enumerate(path.steps, 1):
        sources = [s for link in step.links for s in link.relationship.sources]
        cited = "; ".join(dict.fromkeys(notes.cite(s) for s in sources)) or "(no source)"
        lines.append(f"{indent}       {number}. {cited}")
    for step in path.steps:
        if step.relationship.ended:
            lines.append(
                f"{indent}       past: {step.source.name} {step_arrow(step)} {step.target.name} "
                f"ended {step.relationship.until} (how we once knew them)"
            )
    for entity in path.nodes:
        if successions and entity.id in successions:
            lines.append(f"{indent}       now: {successions[entity.id].text()}")
    return lines


def path_rows(paths: Sequence[Path]) -> list[dict[str, Any]]:
    return [
        {
            "score": round(p.score, 4),
            "hops": p.hops,
            "path": path_text(p),
            # Each source whole (a row stands alone): the document, where in it.
            "sources": "; ".join(
                dict.fromkeys(
                    f"{s.document} {s.locator}" if s.locator else s.document
                    for step in p.steps
                    for link in step.links
                    for s in link.relationship.sources
                )
            ),
        }
        for p in paths
    ]


def connection_rows(answer: Connection) -> list[dict[str, Any]]:
    """One row per path: the contacts' ranked, then those reached through no one."""
    rows = [
        {"rank": rank, "contact": c.entity.name, "contact_id": c.entity.id, **row}
        for rank, c in enumerate(answer.contacts, 1)
        for row in path_rows(c.paths)
    ]
    rows += [
        {"rank": None, "contact": None, "contact_id": None, **row}
        for c in answer.direct
        for row in path_rows(c.paths)
    ]
    return rows


def connection_lines(answer: Connection) -> list[str]:
    """Who can get us to the target: the contacts best first, each with its
    paths and the sources of every step, then our own ties there."""
    t, max_hops = answer.target, answer.max_hops
    if t.mode == "place":
        what = (
            f"{t.text} and the {len(t.members) - 1} entities in it, representing it or rooted in it"
        )
    elif t.mode == "keyword":
        what = f"“{t.text}” — {len(t.members)} entities mentioning {' / '.join(t.terms)}"
    else:
        what = labelled(t.entity) if t.entity else t.text
    dated = answer.ranker.reference_date
    lines = [
        f"Who can get us to {what}",
        f"from {', '.join(e.name for e in answer.origins)} · at most {max_hops} hops"
        + (f" · recency measured at {dated}" if dated else ""),
    ]
    if not answer.paths:
        lines.append(
            f"\nNo path of at most {max_hops} hops. Try --max-hops, or `renmai neighbors`."
        )
    notes = Footnotes()
    for rank, contact in enumerate(answer.contacts, 1):
        who = labelled(contact.entity)
        if contact.affiliations:
            who = f"{who[:-1]}; {affiliation_text(contact)})"
        lines.append(f"\n{rank}. {who}  score {contact.score:.3f}")
        for p in contact.paths:
            lines += path_lines(p, notes, "   ", answer.successions)
    if answer.direct:
        lines.append("\nReached through no one else (our own ties there):")
        for reached in answer.direct:
            lines.append(f"\n-  {labelled(reached.entity)}  score {reached.score:.3f}")
            for p in reached.paths:
                lines += path_lines(p, notes, "   ", answer.successions)
    return lines + notes.appendix()


def path_answer_rows(answer: PathAnswer) -> list[dict[str, Any]]:
    return [{"rank": i, **row} for i, row in enumerate(path_rows(answer.paths), 1)]


def path_answer_lines(answer: PathAnswer) -> list[str]:
    """The best paths from the source to the target, each with its sources."""
    max_hops = answer.max_hops
    lines = [f"{labelled(answer.source)} → {labelled(answer.target)}, at most {max_hops} hops"]
    if not answer.paths:
        lines.append(f"No path of at most {max_hops} hops.")
    notes = Footnotes()
    for rank, p in enumerate(answer.paths, 1):
        lines.append(f"\n{rank}.")
        lines += path_lines(p, notes, "   ", answer.successions)
    return lines + notes.appendix()
