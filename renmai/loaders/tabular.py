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

from renmai.loaders.errors import LoadWarning, LocatedProblem, Location
from renmai.loaders.files import (
    FileProblem,
    Reading,
    ReadOptions,
    SourceFile,
    read_text,
    section_of_name,
)
from renmai.loaders.headers import field_name, known, normalize, notes_sheet
from renmai.loaders.records import RawRecord, Section, as_text, is_blank

#: Where a cell is, given its row (or line) and column.
Locate = Callable[[int, int | None], Location]
Row = tuple[int, Sequence[Any]]

#: What a workbook that cannot be opened raises (besides openpyxl's own
#: InvalidFileException): a truncated or renamed file is a bad zip, a damaged
#: one fails inside openpyxl's XML parsing.
_BAD_WORKBOOK = (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError, EOFError)


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
    # Imported here: openpyxl takes a tenth of a second to import, which a
    # load of CSV or JSON files never needs.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    bad = (*_BAD_WORKBOOK, InvalidFileException)
    reading = Reading()
    problem = "not a readable Excel workbook (.xlsx): {}; is it complete?"
    try:
        workbook = openpyxl.load_workbook(file.path, read_only=True, data_only=True)
    except bad as exc:
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
    except bad as exc:
        reading.problems.append(LocatedProblem(file.location, "", problem.format(exc)))
    finally:
        workbook.close()
    return reading


def _read_sheet(
    reading: Reading, file: SourceFile, options: ReadOptions, number: int, sheet: Any
) -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if isinstance(sheet, ReadOnlyWorksheet):
        # Some programs write wrong sizes into a workbook; read what is there.
        sheet.reset_dimensions()
    base = Location(file.display, sheet=sheet.title, rank=(file.rank, number + 1))

    def locate(row: int, column: int | None) -> Location:
        return Location(base.file, sheet=base.sheet, row=row, column=column, rank=base.rank)

    rows: list[Row] = list(enumerate(sheet.iter_rows(values_only=True), start=1))
    chosen = options.sheet is not None or options.plain
    if not chosen and notes_sheet(sheet.title):
        filled = sum(any(not is_blank(_cell(v)) for v in cells) for _, cells in rows)
        reading.rows += filled
        if filled:
            reading.skipped.append(LoadWarning(base, "skipped: a sheet of notes"))
        return
    section, kind = (None, None) if options.plain else section_of_name(sheet.title)
    # A sheet its name says nothing of holds what the workbook's name says
    # (侨团名录.xlsx, Sheet1), when it has a column for names.
    by_file = section is None and not options.plain
    if by_file:
        section, kind = section_of_name(file.path.stem)
    _table(
        reading, rows, locate, file, options, section, kind, skippable=not chosen, by_file=by_file
    )


#: How many non-blank rows may stand above the header (a title, notes, a date).
HEADER_SEARCH = 12


def _header_at(rows: Sequence[tuple[int, Sequence[Any]]], options: ReadOptions) -> int:
    """Which of the first non-blank rows is the header.

    Offices put a title (often merged across the sheet: one cell), blank rows
    and notes above it. The header is the first row of several cells with one
    that names a field, a post or a column the mapping reads; else the first
    of several cells; else the first row.
    """

    def names_one(cells: Sequence[Any]) -> bool:
        texts = [as_text(c) for c in cells if isinstance(c, str) and c]
        return any(known(t) or normalize(t) in options.columns for t in texts)

    def several(cells: Sequence[Any]) -> bool:
        return sum(not is_blank(c) for c in cells) > 1

    first = rows[:HEADER_SEARCH]
    for test in (lambda c: several(c) and names_one(c), several):
        found = next((n for n, (_, cells) in enumerate(first) if test(cells)), None)
        if found is not None:
            return found
    return 0


def _row_text(cells: Sequence[Any], width: int = 40) -> str:
    text = " ".join(as_text(c) for c in cells if not is_blank(c))
    return text if len(text) <= width else text[: width - 1] + "…"


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
    by_file: bool = False,
) -> None:
    """Records of a table: its header row (:func:`_header_at`), then one per row."""
    filled = [(n, [_cell(v) for v in cells]) for n, cells in rows]
    filled = [(n, cells) for n, cells in filled if any(not is_blank(v) for v in cells)]
    if not filled:
        reading.warnings.append(LoadWarning(locate(1, None), "no rows"))
        return
    reading.rows += len(filled) - 1
    at = _header_at(filled, options)
    (header_row, header_cells), body = filled[at], filled[at + 1 :]
    if at:
        above = "; ".join(repr(_row_text(cells)) for _, cells in filled[:at])
        reading.warnings.append(
            LoadWarning(
                locate(header_row, None),
                f"header row {header_row}; above it, skipped: {above}",
            )
        )
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
    fields = {field_name(h, kind) for h in headers.values()}
    says_what = (
        options.plain
        or (section is not None and not (by_file and "name" not in fields))
        or options.kind is not None
        or "kind" in fields
        or {"type", "from", "to"} <= fields
    )
    if not says_what:
        message = (
            "cannot tell what this table holds: add a kind column (entities) or type, from "
            "and to columns (relationships), name it after a kind, or give {param}"
        )
        at_header = locate(header_row, None)
        if skippable:
            reading.skipped.append(LoadWarning(at_header, f"skipped: {message}", "kind"))
        else:
            reading.problems.append(LocatedProblem(at_header, "", message, "kind"))
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
        if options.plain and len(values) < len(headers):
            # A mapping reads columns by header: a row that stops early (empty
            # cells at its end) still has every one of them.
            for key in headers.values():
                values.setdefault(key, None)
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
