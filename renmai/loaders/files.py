"""Files to read: which ones a path names, what each reader returns, and text decoding."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from renmai.graph.schema import SCHEMA
from renmai.loaders.errors import LoadWarning, LocatedProblem, Location
from renmai.loaders.headers import kind_in_words
from renmai.loaders.records import RawRecord, Section

#: Suffixes the loaders read, and the format each one is.
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}
#: Encodings tried, in order, when none is given. GB18030 is a superset of
#: GBK and GB2312, which Chinese editions of Excel and Windows save.
FALLBACK_ENCODING = "gb18030"
_RELATIONSHIP_NAMES = {"relationships", "relationship", "relations", "rels", "关系", "关系表"}


@dataclass(frozen=True)
class ReadOptions:
    """How to read files whose contents do not say everything."""

    #: Entity kind of records that have no kind (a one-kind file).
    kind: str | None = None
    #: The one sheet of a workbook to read.
    sheet: str | None = None
    #: Text encoding of CSV and text files; detected when None.
    encoding: str | None = None
    #: Read rows as plain records, whatever the sheet is called (mapping mode).
    plain: bool = False
    #: Columns the mapping reads (folded): they make a header row.
    columns: frozenset[str] = frozenset()


@dataclass
class Reading:
    """What reading one file gave: its records, or what stopped them."""

    records: list[RawRecord] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    #: Tables (sheets) left out, and why: warnings when the file gave records,
    #: the reasons it failed when it held rows and gave none.
    skipped: list[LoadWarning] = field(default_factory=list)
    #: Non-blank rows of the file's tables, besides their headers (or records
    #: of a document): what a load that makes nothing of them has to explain.
    rows: int = 0


@dataclass(frozen=True)
class SourceFile:
    """A file to read: where it is, and how to name it in messages."""

    path: Path
    #: The path as the user gave it (or under the folder they gave).
    display: str
    #: Reading order, for listing problems in it.
    rank: int

    @property
    def location(self) -> Location:
        return Location(self.display, rank=(self.rank, 0))

    @property
    def format(self) -> str:
        return FORMATS[self.path.suffix.lower()]


class FileProblem(Exception):
    """A file cannot be read at all; carries the one located problem."""

    def __init__(self, problem: LocatedProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _hidden(path: Path) -> bool:
    # Dot files, and the lock files office programs leave next to open
    # workbooks (~$contacts.xlsx).
    return path.name.startswith((".", "~$"))


def find_files(paths: Sequence[Path | str]) -> tuple[list[SourceFile], list[LocatedProblem]]:
    """The files the paths name: files as given, folders' supported files
    (recursively, sorted). Missing paths and unsupported files are problems."""
    found: dict[Path, SourceFile] = {}
    problems: list[LocatedProblem] = []
    supported = ", ".join(sorted(FORMATS))

    def add(path: Path, display: str) -> None:
        key = path.resolve()
        if key not in found:
            found[key] = SourceFile(path, display, len(found) + 1)

    for given in paths:
        path = Path(given)
        where = Location(str(given))
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FORMATS
                and not any(_hidden(part) for part in p.relative_to(path).parents if part.name)
                and not _hidden(p)
            )
            if not inside:
                problems.append(LocatedProblem(where, "", f"no files to load ({supported})"))
            for file in inside:
                add(file, str(file))
        elif not path.exists():
            problems.append(LocatedProblem(where, "", "no such file or folder"))
        elif path.suffix.lower() == ".xls":
            problems.append(
                LocatedProblem(where, "", "old Excel format: save it as .xlsx (Excel workbook)")
            )
        elif path.suffix.lower() not in FORMATS:
            problems.append(LocatedProblem(where, "", f"not a format renmai reads ({supported})"))
        else:
            add(path, str(given))
    return list(found.values()), problems


def read_text(file: SourceFile, options: ReadOptions, reading: Reading) -> str:
    """The decoded text of ``file``; a fallback encoding is noted in ``reading``."""
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise FileProblem(
            LocatedProblem(file.location, "", f"cannot read: {exc.strerror or exc}")
        ) from None
    text, warning = decode(data, file.location, options.encoding)
    if warning:
        reading.warnings.append(warning)
    return text


def decode(data: bytes, where: Location, encoding: str | None) -> tuple[str, LoadWarning | None]:
    """The text of a file: in ``encoding`` if given, else UTF-8 (with or without
    BOM, or UTF-16 with a BOM), else GB18030 — with a warning saying so."""
    if encoding:
        try:
            return data.decode(encoding), None
        except LookupError:
            raise FileProblem(LocatedProblem(where, "", f"unknown encoding {encoding!r}")) from None
        except UnicodeDecodeError as exc:
            raise FileProblem(_undecodable(data, where, exc, encoding)) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise FileProblem(_undecodable(data, where, exc, "UTF-16")) from None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        first = exc
    try:
        text = data.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        raise FileProblem(_undecodable(data, where, first, "UTF-8 or GB18030")) from None
    return text, LoadWarning(
        where, "not UTF-8: read as GB18030 (GBK); give {param} if the text looks wrong", "encoding"
    )


def _undecodable(
    data: bytes, where: Location, exc: UnicodeDecodeError, tried: str
) -> LocatedProblem:
    line = data.count(b"\n", 0, exc.start) + 1
    byte = data[exc.start : exc.start + 1].hex()
    return LocatedProblem(
        where.at_line(line),
        "",
        f"cannot read the text: byte 0x{byte} is not {tried}; save the file as UTF-8 "
        "or give {param}",
        "encoding",
    )


_PLURAL = re.compile(r"(ies|s)$")


def section_of_name(name: str) -> tuple[Section | None, str | None]:
    """What a sheet or file named ``name`` holds: entities of a kind (``City``,
    ``cities``, ``城市``, or in an office's words: 海外侨团名录), relationships
    (``relationships``, ``关系``), or unknown."""
    text = name.strip()
    if text.casefold() in _RELATIONSHIP_NAMES:
        return "relationship", None
    singular = _PLURAL.sub(lambda m: "y" if m.group(1) == "ies" else "", text)
    kind = (
        SCHEMA.resolve_entity_kind(text)
        or SCHEMA.resolve_entity_kind(singular)
        or kind_in_words(text)
    )
    return ("entity", kind) if kind else (None, None)
