"""Who holds a post now, and who held it before: positions change hands.

Our tie is often with an office (a consulate, an association), and it
outlives the person in post: when a consul general leaves
(``renmai end 张三 HOLDS_POSITION 巴西驻穗领馆 --until 2016-06``) and another
arrives (``renmai link 李四 HOLDS_POSITION 巴西驻穗领馆 --since 2016-07``), a
path through the office points to the current holder and names the
predecessor. :func:`succession` says it for one office, :func:`successions`
for every office a set of paths passes through.

>>> from renmai.graph.model import Entity, Relationship
>>> office = Entity(id="gz", kind="Consulate", name="领馆", properties={"country": "br"})
>>> old = Post(Entity(id="z", kind="Person", name="张三"), Relationship(
...     type="HOLDS_POSITION", from_id="z", to_id="gz", until="2016-06",
...     properties={"title": "总领事"}))
>>> new = Post(Entity(id="l", kind="Person", name="李四"), Relationship(
...     type="HOLDS_POSITION", from_id="l", to_id="gz", since="2016-07",
...     properties={"title": "总领事"}))
>>> Succession(office, (new, old)).text()
'领馆: 总领事 李四 (since 2016-07); before: 张三 (until 2016-06)'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from renmai.graph.dates import year_of
from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store
from renmai.queries.arrows import relationship_details
from renmai.queries.walk import Path, entity_summary


@dataclass(frozen=True)
class Post:
    """One person's post at an office: held now, or ended."""

    holder: Entity
    relationship: Relationship

    @property
    def current(self) -> bool:
        return not self.relationship.ended

    @property
    def title(self) -> str:
        return " ".join(relationship_details(self.relationship))

    def text(self) -> str:
        """``李四 (since 2016-07)``, ``张三 (until 2016-06)``."""
        rel = self.relationship
        when = f"until {rel.until}" if rel.until else f"since {rel.since}" if rel.since else ""
        return f"{self.holder.name} ({when})" if when else self.holder.name

    def to_dict(self) -> dict[str, Any]:
        rel = self.relationship
        return {
            "holder": entity_summary(self.holder),
            "type": rel.type,
            "title": self.title or None,
            "since": rel.since,
            "until": rel.until,
            "current": self.current,
        }


def _latest_first(date: str | None) -> float:
    return -year_of(date) if date else 0.0


@dataclass(frozen=True)
class Succession:
    """The posts at one office, current holders first (latest in first), then
    those who held one before (latest out first)."""

    office: Entity
    posts: tuple[Post, ...]

    @property
    def current(self) -> list[Post]:
        return [p for p in self.posts if p.current]

    @property
    def past(self) -> list[Post]:
        return [p for p in self.posts if not p.current]

    def text(self) -> str:
        """One line: who holds the post now and who held it before."""
        now = "; ".join(" ".join(filter(None, [p.title, p.text()])) for p in self.current)
        before = ", ".join(p.text() for p in self.past)
        parts = [now or "no one in post now"]
        if before:
            parts.append(f"before: {before}")
        return f"{self.office.name}: " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "office": entity_summary(self.office),
            "current": [p.to_dict() for p in self.current],
            "past": [p.to_dict() for p in self.past],
        }


def _order(posts: Iterable[Post]) -> tuple[Post, ...]:
    current = sorted(
        (p for p in posts if p.current),
        key=lambda p: (_latest_first(p.relationship.since), p.holder.name, p.holder.id),
    )
    past = sorted(
        (p for p in posts if not p.current),
        key=lambda p: (_latest_first(p.relationship.until), p.holder.name, p.holder.id),
    )
    return (*current, *past)


def _offices(entities: Iterable[Entity]) -> list[Entity]:
    """Those of ``entities`` of a kind a post can be held at."""
    kinds = {k for name in SCHEMA.position_kinds for k in SCHEMA.relationship_kind(name).to_kinds}
    return [e for e in entities if e.kind in kinds]


def successions(store: Store, offices: Iterable[Entity]) -> dict[str, Succession]:
    """The succession at each of ``offices`` where a post has changed hands
    (some post there has ended), by office id: one round trip."""
    by_id = {e.id: e for e in _offices(offices)}
    if not by_id:
        return {}
    found = store.neighbors_many(list(by_id), direction="in", types=SCHEMA.position_kinds)
    answer = {}
    for office_id, neighbors in found.items():
        posts = [Post(n.entity, n.relationship) for n in neighbors]
        if any(not p.current for p in posts):
            answer[office_id] = Succession(by_id[office_id], _order(posts))
    return dict(sorted(answer.items()))


def succession(store: Store, office: Entity) -> Succession | None:
    """Who holds posts at ``office`` now and who held them before, when a post
    there has changed hands; None otherwise."""
    return successions(store, [office]).get(office.id)


def along(store: Store, paths: Iterable[Path]) -> dict[str, Succession]:
    """:func:`successions` of every entity the paths pass through or end at."""
    entities = {e.id: e for path in paths for e in path.nodes}
    return successions(store, entities.values())


__all__ = ["Post", "Succession", "along", "succession", "successions"]
