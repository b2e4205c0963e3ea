"""CSV and Excel files: one header row, then one record per row.

Headers map to fields (:mod:`~renmai.loaders.headers`). What a table holds is
said by a ``kind`` column (entities), ``type``/``from``/``to`` columns
(relationships), the name of the sheet or file (``City``, ``cities``,
``城市``, ``relationships``, ``关系``) or ``--kind``. Blank rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from renmai.loaders.errors import LoadWarning, LocatedProblem, Location
from renmai.loaders.files import (
    FileProblem,
    Reading,
    ReadOptions,
    SourceFile,
    read_text,
    section_of_name,
)
from renmai.loaders.headers import field_name, normalize
from renmai.loaders.records import RawRecord, Section, as_text, is_blank

#: Where a cell is, given its row (or line) and column.
Locate = Callable[[int, int | None], Location]
Row = tuple[int, Sequence[Any]]

#: What a workbook that cannot be opened raises: a truncated or renamed file
#: is a bad zip, a damaged one fails inside openpyxl's XML parsing.
_BAD_WORKBOOK = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    ParseError,
    EOFError,
)


def read_csv(file: SourceFile, options: ReadOptions) -> Reading:
    reading = Reading()
    try:
        text = read_text(file, options, reading)
    except FileProblem as exc:
        reading.problems.append(exc.problem)
        return reading
    first_line = text.split("\n", 1)[0]
    tabbed = file.path.suffix.lower() == ".tsv" or ("\t" in first_line and "," not in first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tabbed else ",")
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        reading.problems.append(
            LocatedProblem(file.location.at_line(reader.line_num), "", f"not valid CSV: {exc}")
        )
        return reading
    section, kind = (None, None) if options.plain else section_of_name(file.path.stem)

    def locate(line: int, column: int | None) -> Location:
        return file.location.at_line(line)

    _table(reading, rows, locate, file, options, section, kind, skippable=False)
    return reading


def read_xlsx(file: SourceFile, options: ReadOptions) -> Reading:
    reading = Reading()
    problem = "not a readable Excel workbook (.xlsx): {}; is it complete?"
    try:
        workbook = openpyxl.load_workbook(file.path, read_only=True, data_only=True)
    except _BAD_WORKBOOK as exc:
        reading.problems.append(LocatedProblem(file.location, "", problem.format(exc)))
        return reading
    try:
        sheets = list(enumerate(workbook.worksheets))
        if options.sheet is not None:
            names = {ws.title: n for n, ws in sheets}
            folded = {t.casefold(): n for t, n in names.items()}
            chosen = names.get(options.sheet, folded.get(options.sheet.casefold()))
            if chosen is None:
                reading.problems.append(
                    LocatedProblem(
                        file.location,
                        "",
                        f"no sheet {options.sheet!r} (sheets: {', '.join(names)})",
                    )
                )
                return reading
            sheets = [sheets[chosen]]
        elif options.plain:
            sheets = sheets[:1]
        for number, sheet in sheets:
            _read_sheet(reading, file, options, number, sheet)
    except _BAD_WORKBOOK as exc:
        reading.problems.append(LocatedProblem(file.location, "", problem.format(exc)))
    finally:
        workbook.close()
    return reading


def _read_sheet(
    reading: Reading, file: SourceFile, options: ReadOptions, number: int, sheet: Any
) -> None:
    if isinstance(sheet, ReadOnlyWorksheet):
        # Some programs write wrong sizes into a workbook; read what is there.
        sheet.reset_dimensions()
    base = Location(file.display, sheet=sheet.title, rank=(file.rank, number + 1))

    def locate(row: int, column: int | None) -> Location:
        return Location(base.file, sheet=base.sheet, row=row, column=column, rank=base.rank)

    rows: list[Row] = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    section, kind = (None, None) if options.plain else section_of_name(sheet.title)
    skippable = options.sheet is None and not options.plain
    _table(reading, rows, locate, file, options, section, kind, skippable=skippable)


def _cell(value: Any) -> Any:
    """A cell's value as a person means it: 2015 not 2015.0, a date not a midnight."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        return value.strip()
    return value


def _table(
    reading: Reading,
    rows: Sequence[Row],
    locate: Locate,
    file: SourceFile,
    options: ReadOptions,
    section: Section | None,
    kind: str | None,
    *,
    skippable: bool,
) -> None:
    """Records of a table whose first non-blank row is its header."""
    filled = [(n, [_cell(v) for v in cells]) for n, cells in rows]
    filled = [(n, cells) for n, cells in filled if any(not is_blank(v) for v in cells)]
    if not filled:
        reading.warnings.append(LoadWarning(locate(1, None), "no rows"))
        return
    (header_row, header_cells), body = filled[0], filled[1:]
    headers: dict[int, str] = {}
    seen: dict[str, int] = {}
    #: Columns already reported (a repeated header, a value without one).
    reported: set[int] = set()
    for column, cell in enumerate(header_cells, start=1):
        if is_blank(cell):
            continue
        header = as_text(cell)
        same = normalize(header) if options.plain else field_name(header)
        if same in seen:
            first = headers[seen[same]]
            reading.problems.append(
                LocatedProblem(
                    locate(header_row, column), header, f"says the same as column {first!r}"
                )
            )
            reported.add(column)
            continue
        seen[same] = column
        headers[column] = header
    fields = {field_name(h) for h in headers.values()}
    says_what = (
        options.plain
        or section is not None
        or options.kind is not None
        or "kind" in fields
        or {"type", "from", "to"} <= fields
    )
    if not says_what:
        message = (
            "cannot tell what this table holds: add a kind column (entities) or type, from "
            "and to columns (relationships), name it after a kind, or give --kind"
        )
        if skippable:
            reading.warnings.append(LoadWarning(locate(header_row, None), f"skipped: {message}"))
        else:
            reading.problems.append(LocatedProblem(locate(header_row, None), "", message))
        return
    for row, cells in body:
        values: dict[str, Any] = {}
        where: dict[str, Location] = {}
        for column, value in enumerate(cells, start=1):
            key = headers.get(column)
            if key is None:
                if not is_blank(value) and column not in reported:
                    reported.add(column)
                    reading.problems.append(
                        LocatedProblem(
                            locate(row, column), "", "a value in a column with no header"
                        )
                    )
                continue
            values[key] = value
            where[key] = locate(row, column)
        reading.records.append(
            RawRecord(
                values=values,
                location=locate(row, None),
                key_locations=where,
                section=section,
                kind=options.kind or kind,
                document=file.path.name,
            )
        )
