"""Writing results as a readable table, JSON or CSV — the same rows, three ways."""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import click

#: How a command writes its answer (``--json``, ``--csv``, else a table).
Format = Literal["table", "json", "csv"]


#: What a terminal acts on instead of showing: control characters (an escape
#: sequence recolours or clears the screen, a carriage return or backspace
#: overwrites what was printed), line and paragraph separators, and the
#: bidirectional embeddings, overrides and isolates that reorder what follows.
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_OR_NEWLINE = re.compile(f"[\n{_UNPRINTABLE.pattern[1:-1]}]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"<U+{ord(char):04X}>"


def terminal_text(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` as it is safe to print to a terminal: characters a terminal would
    act on are shown as visible escapes (``\\x1b``, ``<U+202E>``) instead.

    Text output only: JSON and CSV carry every value exactly as stored.

    >>> terminal_text("a\\x1b[2Jb\\u202ec")
    'a\\\\x1b[2Jb<U+202E>c'
    """
    pattern = _UNPRINTABLE if keep_newlines else _UNPRINTABLE_OR_NEWLINE
    return pattern.sub(_visible, text)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def render_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """A plain-text table, aligned by display width so Chinese names line up.
    Cells are :func:`terminal_text` (a newline in a name shows as ``\\x0a``)."""
    cells = [
        [terminal_text(_cell(row.get(c)), keep_newlines=False) for c in columns] for row in rows
    ]
    widths = [
        max([display_width(c), *(display_width(r[i]) for r in cells)])
        for i, c in enumerate(columns)
    ]

    def line(values: Sequence[str]) -> str:
        padded = [v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)]
        return "  ".join(padded).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: Format,
    *,
    document: Any = None,
) -> None:
    """Print ``rows`` as a table or CSV, or ``document`` (default: the rows) as JSON."""
    if fmt == "json":
        payload = rows if document is None else document
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    elif rows:
        click.echo(render_table(rows, columns))
    else:
        click.echo("(nothing found)")
