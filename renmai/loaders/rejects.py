"""Rows left out of a load, and the files a person fixes them in.

With ``skip_invalid`` a load leaves out every record a problem is found in
(and, in turn, what named only those) and loads the rest. Each left-out
record is written back as it was read, with where it was and why, as a CSV
that loads again once fixed: the two columns added (``rejected_from``,
``rejected_because``) are for people and are not read. Ambiguous names go
to a decisions template (``text``, ``country``, ``id``, ``candidates``):
fill in the ids and give it to the next load as its decisions.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from renmai.graph.names import name_key
from renmai.graph.resolve import describe
from renmai.loaders.batch import Ambiguity
from renmai.loaders.errors import LocatedProblem, Location
from renmai.loaders.headers import field_name
from renmai.loaders.records import RawRecord, as_text, is_blank

#: The columns a rejects file adds before the row's own.
FROM, BECAUSE = "rejected_from", "rejected_because"
#: Multi-valued fields (aliases, tags), written back into one cell.
_JOIN = " | "


@dataclass
class Rejected:
    """A record left out of a load, and every problem found in it."""

    record: RawRecord
    problems: list[LocatedProblem] = field(default_factory=list)

    @property
    def because(self) -> str:
        return "; ".join(f"{p.field}: {p.text}" if p.field else p.text for p in self.problems)


def _row(location: Location) -> tuple[str, str | None, int | None]:
    return (location.file, location.sheet, location.row if location.sheet else location.line)


class Rejects:
    """The records of a load, to tell which one each problem is in."""

    def __init__(self, records: Sequence[RawRecord]) -> None:
        self._records = records
        self._at: dict[Location, int] | None = None
        self._rows: dict[tuple[str, str | None, int | None], int] = {}
        self._rejected: dict[int, Rejected] = {}
        #: ``id()`` of the records left out.
        self._left_out: set[int] = set()

    def _record_of(self, location: Location) -> int | None:
        if self._at is None:
            # Built on the first problem only: a clean load never pays for it.
            self._at = {}
            for n, record in enumerate(self._records):
                self._at.setdefault(record.location, n)
                self._rows.setdefault(_row(record.location), n)
                for where in record.key_locations.values():
                    self._at.setdefault(where, n)
        found = self._at.get(location)
        return found if found is not None else self._rows.get(_row(location))

    def take(self, problems: Sequence[LocatedProblem]) -> bool:
        """Leave out the records these problems are in. False, and nothing left
        out, when one is not in a record (a file that cannot be read, a header
        said twice) or all are in records already left out."""
        found = [(self._record_of(p.location), p) for p in problems]
        if any(n is None for n, _ in found):
            return False
        new = False
        for n, problem in found:
            assert n is not None
            if n not in self._rejected:
                self._rejected[n] = Rejected(self._records[n])
                self._left_out.add(id(self._records[n]))
                new = True
            self._rejected[n].problems.append(problem)
        return new

    def keeps(self, record: RawRecord) -> bool:
        """Whether the record (or one made from it: a mapping file's entity) is kept."""
        if not self._rejected:
            return True
        if id(record) in self._left_out:
            return False
        return self._record_of(record.location) not in self._rejected

    @property
    def rejected(self) -> list[Rejected]:
        return [self._rejected[n] for n in sorted(self._rejected)]


def default_rejects_path(input_path: str) -> Path:
    """Beside the input: ``侨团名录.xlsx`` → ``侨团名录.rejects.csv``."""
    path = Path(input_path)
    return path.with_name(f"{path.stem}.rejects.csv")


def decisions_path(rejects: Path) -> Path:
    """The decisions template beside a rejects file: ``x.rejects.csv`` → ``x.decisions.csv``."""
    stem = rejects.name.removesuffix(".csv").removesuffix(".rejects")
    return rejects.with_name(f"{stem}.decisions.csv")


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return _JOIN.join(as_text(v) for v in value if not is_blank(v))
    if isinstance(value, dict):
        return "; ".join(f"{k}={as_text(v)}" for k, v in value.items() if not is_blank(v))
    return "" if value is None else as_text(value)


def write_rejects(path: Path, rejected: Sequence[Rejected]) -> Path:
    """Write left-out records as a CSV (UTF-8 with a byte-order mark, which
    Excel reads): where each was, why, and its values under its own headers.
    A record whose kind came from its sheet or file gets a ``kind`` column."""
    columns: dict[str, None] = {FROM: None, BECAUSE: None}
    with_kind = any(r.record.kind and r.record.section != "relationship" for r in rejected)
    if with_kind:
        columns["kind"] = None
    for item in rejected:
        columns.update(dict.fromkeys(str(k) for k in item.record.values))
    rows = []
    for item in rejected:
        row = {str(k): _cell(v) for k, v in item.record.values.items()}
        if (
            with_kind
            and item.record.kind
            and not any(field_name(str(k)) == "kind" for k in item.record.values)
        ):
            row.setdefault("kind", item.record.kind)
        row[FROM] = str(item.record.location)
        row[BECAUSE] = item.because
        rows.append(row)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_decisions_template(path: Path, ambiguities: Sequence[Ambiguity]) -> Path:
    """Each ambiguous name once (with its country), its candidates, an empty id."""
    seen: dict[tuple[str, str], Ambiguity] = {}
    for ambiguity in ambiguities:
        seen.setdefault((name_key(ambiguity.text), name_key(ambiguity.country)), ambiguity)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["text", "country", "id", "candidates", "first_seen"])
        for a in seen.values():
            candidates = "; ".join(describe(c) for c in a.candidates)
            writer.writerow([a.text, a.country, "", candidates, str(a.where)])
    return path
