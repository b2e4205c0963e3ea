"""A first mapping file for a table, from its headers, for a person to correct.

:func:`draft_mapping` reads a table's header row (found as a load finds it),
guesses what each row is — from the sheet's or file's name, else from the
headers' words — and writes a mapping (:mod:`renmai.loaders.mapping_file`)
with every column it understood mapped, each post column (会长 …) as a person
holding that post, and every other column listed in a comment.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from renmai.graph.schema import SCHEMA
from renmai.loaders.errors import LoadError, LocatedProblem
from renmai.loaders.files import ReadOptions, find_files, section_of_name
from renmai.loaders.headers import POST_RELATIONSHIP, field_name, ignored, position, post_detail
from renmai.loaders.positions import HOLDER_KIND
from renmai.loaders.readers import read
from renmai.loaders.records import RawRecord

#: Core fields a mapping gives beside ``name`` (see ENTITY_FIELDS there).
_CORE = ("id", "name_en", "aliases", "tags", "description")


def _quoted(text: str) -> str:
    """Text as a YAML scalar that reads back as that text (JSON is YAML)."""
    return json.dumps(text, ensure_ascii=False)


def draft_mapping(path: Path | str, sheet: str | None = None) -> str:
    """A mapping file (YAML text) for the first table of ``path`` (or ``sheet``)."""
    files, problems = find_files([path])
    if problems:
        raise LoadError(problems)
    file = files[0]
    reading = read(file, ReadOptions(sheet=sheet, plain=True))
    if reading.problems:
        raise LoadError(reading.problems)
    if not reading.records:
        raise LoadError([LocatedProblem(file.location, "", "no rows under a header to map")])
    first = reading.records[0]
    headers = list(dict.fromkeys(str(k) for r in reading.records[:50] for k in r.values))
    kind, because = _guess_kind(first, file.path.stem, headers)
    return _render(first, headers, kind, because)


def _guess_kind(first: RawRecord, stem: str, headers: list[str]) -> tuple[str, str]:
    """The kind the rows most likely are, and why it was chosen."""
    for name in (first.location.sheet, stem):
        if name and (found := section_of_name(name)[1]):
            return found, f"the name {name!r} says so"
    votes: Counter[str] = Counter()
    for kind in SCHEMA.entity_kinds:
        for header in headers:
            field = field_name(header, kind.name)
            if field in kind.fields or (field == "name" and field_name(header) != "name"):
                votes[kind.name] += 1
    if votes:
        kind_name, _ = votes.most_common(1)[0]
        return kind_name, "most headers are its fields: check it"
    return SCHEMA.entity_kind_names[0], "nothing says what the rows are: correct it"


def _render(first: RawRecord, headers: list[str], kind: str, because: str) -> str:
    fields = SCHEMA.entity_kind(kind).fields
    name_column = next((h for h in headers if field_name(h, kind) == "name"), None)
    core: list[str] = []
    properties: list[str] = []
    posts: list[tuple[str, str]] = []
    #: A post's holder's fields (会长电话: the 会长's phone), by post.
    details: dict[str, list[str]] = {}
    unread: list[str] = []
    for header in headers:
        field = field_name(header, kind)
        if header == name_column:
            continue
        if ignored(header):
            unread.append(f"# {_quoted(header)}: for people (a row number), not read")
        elif field in _CORE:
            core.append(f"    {field}: {_quoted(header)}")
        elif field in fields:
            properties.append(f"      {field}: {_quoted(header)}")
        elif (title := position(header)) is not None:
            posts.append((header, title))
        elif (detail := post_detail(header)) is not None:
            details.setdefault(detail[0], []).append(f"      {detail[1]}: {_quoted(header)}")
        else:
            known = ", ".join(fields)
            unread.append(
                f"# {_quoted(header)}: not a field of {kind} ({known}); map it or leave it"
            )
    where = first.location.sheet
    lines = [
        f"# A first mapping for {first.location.file}, drafted from its headers:",
        "# correct it, then: renmai load FILE --mapping THIS_FILE",
    ]
    if where is not None:
        lines.append(f"sheet: {_quoted(where)}")
    lines += [
        "entities:",
        "  row:",
        f"    kind: {kind}  # {because}",
        f"    name: {_quoted(name_column) if name_column else '{column: ???}  # the name column'}",
        *core,
    ]
    if properties:
        lines += ["    properties:", *properties]
    for n, (header, title) in enumerate(posts, 1):
        lines += [f"  holder_{n}:", f"    kind: {HOLDER_KIND}", f"    name: {_quoted(header)}"]
        if title in details:
            lines += ["    properties:", *details.pop(title)]
    for title, lines_of in details.items():
        unread += [
            f"# {line.strip()}  # of the {title}, with no column for the {title}"
            for line in lines_of
        ]
    if posts:
        lines.append("relationships:")
        for n, (_, title) in enumerate(posts, 1):
            lines += [
                f"  - type: {POST_RELATIONSHIP}",
                f"    from: holder_{n}",
                "    to: row",
                f"    properties: {{title: {{literal: {_quoted(title)}}}}}",
            ]
    if unread:
        lines += ["# Columns this mapping does not read:", *unread]
    return "\n".join(lines) + "\n"
