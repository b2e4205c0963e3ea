"""How the names a load read resolved: to the graph, to the gazetteer, new, rejected.

The batch builder tells a :class:`NameOutcomes` of every name it resolves —
an entity's own name, a reference (``country: 加拿大``), a relationship's end —
and what came of it. Where a found entity came from is the resolver's to say
(:attr:`renmai.graph.resolve.Resolution.origin`: "gazetteer", "decision");
otherwise it is the store's ("graph") or one of this load's own records
("load"). The summary counts each text once per outcome, with a few examples.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from renmai.graph.names import name_key

#: Outcomes in the order a summary lists them, and how it says each. An
#: outcome a resolver reports that is not here is listed after them as it is.
OUTCOMES = {
    "graph": "to the graph",
    "load": "to this load's records",
    "gazetteer": "to the gazetteer",
    "decision": "by a decision",
    "new": "new",
    "unknown": "known nowhere, left empty",
    "rejected": "rejected",
}
#: Examples kept per outcome.
EXAMPLES = 3


@dataclass
class NameOutcomes:
    """Names by what became of them; each text counted once per outcome."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    _seen: set[tuple[str, str]] = field(default_factory=set, repr=False)

    def add(self, outcome: str, text: str, became: str = "") -> None:
        """``text`` resolved with ``outcome``; ``became`` says to what (an id, a reason)."""
        key = (outcome, name_key(text) or text)
        if key in self._seen:
            return
        self._seen.add(key)
        self.counts[outcome] += 1
        shown = self.examples.setdefault(outcome, [])
        if len(shown) < EXAMPLES:
            shown.append(f"{text} → {became}" if became else text)

    def take(self, other: NameOutcomes, outcome: str) -> None:
        """Add ``other``'s names of one outcome (a round of a load that was
        done again without the records they were in)."""
        shown = iter(other.examples.get(outcome, []))
        for key in sorted(k for k in other._seen if k[0] == outcome):
            if key not in self._seen:
                self._seen.add(key)
                self.counts[outcome] += 1
                example = next(shown, None)
                kept = self.examples.setdefault(outcome, [])
                if example is not None and len(kept) < EXAMPLES:
                    kept.append(example)

    def lines(self) -> list[str]:
        """One line per outcome, in :data:`OUTCOMES` order: count, what, examples."""
        order = [*OUTCOMES, *sorted(set(self.counts) - set(OUTCOMES))]
        lines = []
        for outcome in order:
            count = self.counts.get(outcome, 0)
            if not count:
                continue
            more = ", …" if count > len(self.examples[outcome]) else ""
            examples = "; ".join(self.examples[outcome]) + more
            lines.append(f"{count:>7} {OUTCOMES.get(outcome, outcome)}: {examples}")
        return lines

    @property
    def total(self) -> int:
        return sum(self.counts.values())
