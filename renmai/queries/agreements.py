"""Agreements and their lifecycle: in force, expiring, renewed, dormant.

An office signs memoranda of understanding faster than it fills them: the
dormant ones — signed, and nothing done since — are those it must revive
(the seed's 13 准友城 are exactly these). :func:`agreements` lists every
agreement with its parties, its dates (``date`` is when it was signed,
``in_force_until``, ``renewed``), its status and its last activity since
signing.

* **Status** is the declared one (``status``: in_force, expired, renewed,
  lapsed, planned); without one it follows from the dates: expired after
  ``in_force_until``, renewed when it has been, in force when signed;
  unknown otherwise.
* **Activity** is any dated evidence after the signing: a renewal, a
  relationship of the agreement's own (an event held under it), or contact
  with one of its parties that are not us — a logged meeting with the other
  city is activity. An agreement with none is **dormant**.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from renmai.errors import ParameterError
from renmai.graph.dates import year_of, year_start
from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import AGREEMENT_STATUSES, SCHEMA
from renmai.graph.store import Neighbor, Store
from renmai.queries.arrows import relationship_label
from renmai.queries.network import GraphView
from renmai.queries.ranking import last_evidence
from renmai.queries.walk import entity_summary


@dataclass(frozen=True)
class Activity:
    """One dated sign of life of an agreement."""

    date: str
    relationship: Relationship | None
    #: The entity at the relationship's other end; None for a renewal.
    other: Entity | None

    def what(self) -> str:
        if self.relationship is None or self.other is None:
            return "续签 renewed"
        return f"{relationship_label(self.relationship)} {self.other.name}"


@dataclass(frozen=True)
class AgreementRow:
    """An agreement, its parties and where it stands."""

    agreement: Entity
    parties: tuple[Neighbor, ...]
    status: str | None
    #: Whether ``status`` was declared (else it follows from the dates).
    declared: bool
    last_activity: Activity | None

    @property
    def signed(self) -> str | None:
        return _date(self.agreement, "date")

    @property
    def in_force_until(self) -> str | None:
        return _date(self.agreement, "in_force_until")

    @property
    def renewed(self) -> str | None:
        return _date(self.agreement, "renewed")

    @property
    def dormant(self) -> bool:
        """No activity since signing."""
        return self.last_activity is None

    def as_row(self) -> dict[str, Any]:
        return {
            "name": self.agreement.name,
            "status": self.status,
            "signed": self.signed,
            "in_force_until": self.in_force_until,
            "renewed": self.renewed,
            "parties": [n.entity.name for n in self.parties],
            "dormant": self.dormant,
            "last_activity": self.last_activity.date if self.last_activity else None,
            "activity": self.last_activity.what() if self.last_activity else "",
            "id": self.agreement.id,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.as_row(),
            "agreement": entity_summary(self.agreement),
            "status_declared": self.declared,
            "parties": [
                {**entity_summary(n.entity), "role": n.relationship.properties.get("role")}
                for n in self.parties
            ],
        }


def _date(entity: Entity, name: str) -> str | None:
    value = entity.properties.get(name)
    return str(value) if value else None


def derived_status(agreement: Entity, as_of: str) -> str | None:
    """The status the dates give: expired after ``in_force_until`` (before
    ``as_of``), renewed, in force when signed; None when nothing says."""
    until = _date(agreement, "in_force_until")
    if until and year_of(until) < year_start(as_of):
        return "expired"
    if _date(agreement, "renewed"):
        return "renewed"
    return "in_force" if _date(agreement, "date") else None


def _after(date: str, signed: str | None) -> bool:
    return signed is None or year_of(date) > year_of(signed)


def _activity(view: GraphView, agreement: Entity, parties: Sequence[Neighbor]) -> Activity | None:
    """The latest activity after signing (see the module doc)."""
    signed = _date(agreement, "date")
    candidates: list[Activity] = []
    renewed = _date(agreement, "renewed")
    if renewed and _after(renewed, signed):
        candidates.append(Activity(renewed, None, None))
    contact = SCHEMA.contact_kinds
    own = view.neighbors_many([agreement.id])[agreement.id]
    party_ids = {n.entity.id for n in parties}
    # Its own ties (not the signatures), then its parties' other contact ties.
    ties = [n for n in own if n.entity.id not in party_ids and n.relationship.type in contact]
    others = [n.entity for n in parties if not n.entity.home]
    around = view.neighbors_many([e.id for e in others]) if others else {}
    for party in others:
        ties += [
            n
            for n in around.get(party.id, [])
            if n.entity.id != agreement.id and n.relationship.type in contact
        ]
    for n in ties:
        # The other end's own date (an event's) counts; the agreement's own
        # date is its signing, not activity.
        last = last_evidence(n.relationship, n.entity if n.entity.id != agreement.id else None)
        if last is not None and _after(last, signed):
            candidates.append(Activity(last, n.relationship, n.entity))
    if not candidates:
        return None
    return max(candidates, key=lambda a: (year_of(a.date), a.date))


def agreements(
    store: Store,
    *,
    status: str | None = None,
    expiring_before: str | None = None,
    dormant_since: str | None = None,
    as_of: str | None = None,
) -> list[AgreementRow]:
    """Every agreement with its parties, status and last activity (see the
    module doc), in signing order (undated last). ``status`` keeps those with
    that status; ``expiring_before`` those in force until before that date;
    ``dormant_since`` those with no activity (nor signing) on or after that
    date. ``as_of`` is the day statuses are worked out for (default: today).

    >>> from renmai.graph.sample import sample_store
    >>> [(row.agreement.name, row.status, row.dormant) for row in agreements(sample_store())]
    [('中山市与本拿比市友好城市协议', 'in_force', True)]
    """
    if status is not None and status not in AGREEMENT_STATUSES:
        raise ParameterError(
            "status", f"{{param}}: {status!r} is not one of {', '.join(AGREEMENT_STATUSES)}"
        )
    as_of = as_of or dt.date.today().isoformat()
    view = GraphView(store.to_networkx())
    kind = SCHEMA.agreement_kind
    # Its parties: the relationships that join anything to an agreement only.
    party_types = {k.name for k in SCHEMA.relationship_kinds if k.to_kinds == (kind,)}
    rows = []
    for agreement in view.entities(kind):
        around = view.neighbors_many([agreement.id], direction="in", types=party_types)
        parties = tuple(
            sorted(around[agreement.id], key=lambda n: (not n.entity.home, n.entity.name))
        )
        declared = agreement.properties.get("status")
        row = AgreementRow(
            agreement,
            parties,
            str(declared) if declared else derived_status(agreement, as_of),
            bool(declared),
            _activity(view, agreement, parties),
        )
        if _wanted(row, status, expiring_before, dormant_since):
            rows.append(row)
    rows.sort(
        key=lambda r: (r.signed is None, year_of(r.signed) if r.signed else 0.0, r.agreement.name)
    )
    return rows


def _wanted(
    row: AgreementRow, status: str | None, expiring_before: str | None, dormant_since: str | None
) -> bool:
    if status is not None and row.status != status:
        return False
    if expiring_before is not None:
        until = row.in_force_until
        if until is None or year_of(until) >= year_start(expiring_before):
            return False
    if dormant_since is not None:
        dates = [d for d in (row.signed, row.last_activity and row.last_activity.date) if d]
        if any(year_of(d) >= year_start(dormant_since) for d in dates):
            return False
    return True


__all__ = ["Activity", "AgreementRow", "agreements"]
