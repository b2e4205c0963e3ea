"""Decisions: which entity an ambiguous name means, settled by a person.

A decisions file is a table (CSV, a workbook, JSON, YAML) with the columns
``text`` (the name as the load's files write it), ``country`` (the country
given with it, if any) and ``id`` (the entity it means) — written by hand or
filled in from the template a load with ambiguous names writes beside its
rejects (:func:`renmai.loaders.rejects.write_decisions_template`). Rows whose
``id`` is still empty are not decided yet and are passed over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from renmai.graph.names import name_key
from renmai.loaders.errors import LocatedProblem, Location
from renmai.loaders.files import ReadOptions, SourceFile, find_files
from renmai.loaders.headers import normalize
from renmai.loaders.readers import read
from renmai.loaders.records import as_text, is_blank

#: The columns of a decisions file, and other headers for them.
COLUMNS = {
    "text": ("text", "name", "名称", "原文"),
    "country": ("country", "国家", "国家/地区"),
    "id": ("id", "编号", "标识"),
}


@dataclass(frozen=True)
class Decision:
    """``text`` (given with ``country``) means the entity ``id``."""

    text: str
    country: str
    id: str
    #: The decision's row, for a decision that cannot be followed.
    location: Location


class Decisions:
    """Decisions by name key of the text and of the country."""

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self._by_key = {(name_key(d.text), name_key(d.country)): d for d in decisions}

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, text: str, countries: Iterable[str | None] = ()) -> Decision | None:
        """The decision for ``text`` given with any of ``countries`` (its text or id),
        else for ``text`` given with none."""
        if not self._by_key:
            return None  # most loads decide nothing: no name keys worked out
        key = name_key(text)
        for country in [*countries, ""]:
            if country is not None and (found := self._by_key.get((key, name_key(country)))):
                return found
        return None


def read_decisions(path: Path | str) -> tuple[Decisions, list[LocatedProblem]]:
    """The decisions of a file, and what is wrong with it (located)."""
    files, problems = find_files([path])
    decisions: list[Decision] = []
    headers = {normalize(h): column for column, hs in COLUMNS.items() for h in hs}
    for given in files:
        # Rank 0: its problems are listed before those of the files it decides for.
        file = SourceFile(given.path, given.display, 0)
        reading = read(file, ReadOptions(plain=True, columns=frozenset(headers)))
        problems += reading.problems
        if not reading.records and not reading.problems:
            problems.append(LocatedProblem(file.location, "", "no decisions in it"))
        for record in reading.records:
            values: dict[str, str] = {}
            for key, value in record.values.items():
                column = headers.get(normalize(str(key)))
                if column and not is_blank(value):
                    values[column] = as_text(value)
            if "id" not in values:
                continue  # not decided yet
            if "text" not in values:
                problems.append(
                    LocatedProblem(record.where(), "text", "missing: which name is decided")
                )
                continue
            decisions.append(
                Decision(values["text"], values.get("country", ""), values["id"], record.where())
            )
    return Decisions(decisions), problems
