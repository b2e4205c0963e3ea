"""Where in which file something is wrong, and the error that lists it all.

Every problem a load finds carries a :class:`Location`, printed the way a
person finds the spot: ``contacts.csv:7`` (a line of a text file) or
``contacts.xlsx[Person]!C7`` (a cell of a sheet; ``!7:7`` for the whole row,
as Excel writes it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from renmai.errors import RenmaiError, word_param


@dataclass(frozen=True, slots=True)
class Location:
    """A file, and a line in it or a sheet, row and column of it."""

    file: str
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    #: 1-based column of a sheet.
    column: int | None = None
    #: (file, sheet) numbers in reading order: problems are listed in it.
    rank: tuple[int, int] = field(default=(0, 0), compare=False)

    def __str__(self) -> str:
        if self.sheet is not None:
            where = f"{self.file}[{self.sheet}]"
            if self.row is None:
                return where
            if self.column is None:
                return f"{where}!{self.row}:{self.row}"
            # Imported here: openpyxl costs a CSV or JSON load a tenth of a second.
            from openpyxl.utils import get_column_letter

            return f"{where}!{get_column_letter(self.column)}{self.row}"
        return self.file if self.line is None else f"{self.file}:{self.line}"

    @property
    def locator(self) -> str:
        """Where in its file, as a source's locator: ``line 7``, ``sheet 侨团, row 4``."""
        if self.sheet is not None:
            return f"sheet {self.sheet}" + (f", row {self.row}" if self.row is not None else "")
        return "" if self.line is None else f"line {self.line}"

    def at_line(self, line: int) -> Location:
        # Called once per record read: a direct constructor call, not replace().
        return Location(self.file, line, self.sheet, self.row, self.column, self.rank)

    def at_column(self, column: int) -> Location:
        return replace(self, column=column)

    @property
    def order(self) -> tuple[int, int, int, int]:
        """Position in the load, for sorting problems into reading order."""
        return (*self.rank, self.line or self.row or 0, self.column or 0)


class LocatedProblem(NamedTuple):
    """One thing wrong, where it is, and in which field."""

    location: Location
    #: The field, as the file names it; empty for a problem with the whole file.
    field: str
    #: ``{param}`` in it stands for :attr:`param`, a load option that would help.
    message: str
    param: str | None = None

    def __str__(self) -> str:
        return self.worded_for(str)

    @property
    def text(self) -> str:
        """The message, with the load option it names called by its own name."""
        return word_param(self.message, self.param)

    def worded_for(self, flag: Callable[[str], str]) -> str:
        """The problem, with the load option it names called by ``flag``."""
        field = f" {self.field}:" if self.field else ""
        name = None if self.param is None else flag(self.param)
        return f"{self.location}:{field} {word_param(self.message, self.param, name)}"


class LoadWarning(NamedTuple):
    """Something worth knowing that does not stop a load."""

    location: Location | None
    #: ``{param}`` in it stands for :attr:`param`, a load option that would help.
    message: str
    param: str | None = None

    def __str__(self) -> str:
        return self.worded_for(str)

    def worded_for(self, flag: Callable[[str], str]) -> str:
        """The warning, with the load option it names called by ``flag``."""
        name = None if self.param is None else flag(self.param)
        message = word_param(self.message, self.param, name)
        return f"{self.location}: {message}" if self.location else message


def sorted_problems(problems: Sequence[LocatedProblem]) -> list[LocatedProblem]:
    """Problems in reading order (file, sheet, line or cell), each once."""
    return sorted(dict.fromkeys(problems), key=lambda p: p.location.order)


class LoadError(RenmaiError):
    """A load (or a validation) found problems; nothing was written.

    Carries every problem of every file, so that one run shows all there is
    to fix.
    """

    def __init__(self, problems: Sequence[LocatedProblem]) -> None:
        self.problems = sorted_problems(problems)
        super().__init__(self.worded_for(str))

    def worded_for(self, flag: Callable[[str], str]) -> str:
        files = {p.location.file for p in self.problems}
        in_files = f" in {len(files)} files" if len(files) > 1 else ""
        lines = "\n".join(f"  {p.worded_for(flag)}" for p in self.problems)
        return f"{len(self.problems)} problem(s){in_files}; nothing written:\n{lines}"
