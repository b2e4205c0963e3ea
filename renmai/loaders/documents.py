"""YAML, JSON and JSON Lines files: records with the line each one starts on.

A document is either a mapping::

    defaults:                      # optional
      source: {document: 2016年工作计划, date: "2016"}
    entities: [...]
    relationships: [...]

or a bare list of records, each of which says what it is (an entity has a
``kind``, a relationship a ``type``, ``from`` and ``to``). A JSON Lines file
holds one record per line.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from renmai.loaders.errors import LoadWarning, LocatedProblem, Location
from renmai.loaders.files import (
    FileProblem,
    Reading,
    ReadOptions,
    SourceFile,
    read_text,
    section_of_name,
)
from renmai.loaders.records import SOURCE_KEYS, RawRecord, Section

_SECTIONS: dict[str, Section] = {"entities": "entity", "relationships": "relationship"}
#: Top-level keys that are not records: the defaults (read separately) and a
#: note for people (``renmai export`` says there whether contacts are included).
_IGNORED = ("defaults", "note")


class _Mapping(dict[Any, Any]):
    """A mapping read from YAML or JSON, with the lines its record and keys are on."""

    def __init__(self, *args: Any, line: int | None = None) -> None:
        super().__init__(*args)
        self.line = line
        self.key_lines: dict[str, int] = {}
        #: Keys given twice, and the line of the second.
        self.repeated: list[tuple[str, int]] = []


try:  # libyaml's parser, several times faster, when PyYAML was built with it.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _YamlLoader(_SafeLoader):
    """Safe YAML, values kept as data: no tags that build objects, dates left as
    the text the model reads as partial dates, and only ``true``/``false`` as
    booleans — ``NO`` is Norway's ISO code, not False."""


_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _YamlLoader, node: yaml.MappingNode) -> Any:
    loader.flatten_mapping(node)
    data = _Mapping(line=node.start_mark.line + 1)
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | float | bool):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        if str(key) in data.key_lines:
            data.repeated.append((str(key), line))
        data[str(key)] = loader.construct_object(value_node, deep=True)
        data.key_lines[str(key)] = line


_YamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def yaml_document(file: SourceFile) -> Any:
    """A YAML file's document, read safely; its mappings know their keys' lines
    (:func:`key_line`). :class:`~renmai.loaders.files.FileProblem` when it
    cannot be read."""
    return _parse_yaml(read_text(file, ReadOptions(), Reading()), file.location)


def key_line(document: Any, path: tuple[str | int, ...]) -> int | None:
    """The line of the key at ``path`` in a document :func:`yaml_document`
    read (of the nearest key above it that has one)."""
    line, node = None, document
    for step in path:
        if isinstance(node, _Mapping) and str(step) in node:
            line = node.key_lines.get(str(step), line)
            node = node[str(step)]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            line = node.line if isinstance(node, _Mapping) and node.line else line
        else:
            break
    return line


def read_yaml(file: SourceFile, options: ReadOptions) -> Reading:
    return _read_text(file, options, _parse_yaml)


def read_json(file: SourceFile, options: ReadOptions) -> Reading:
    return _read_text(file, options, _parse_json)


def read_jsonl(file: SourceFile, options: ReadOptions) -> Reading:
    reading = Reading()
    try:
        text = read_text(file, options, reading)
    except FileProblem as exc:
        reading.problems.append(exc.problem)
        return reading
    where = file.location
    items: list[tuple[Any, Location]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reading.problems.append(
                LocatedProblem(
                    where.at_line(number), "", f"not JSON: {exc.msg} (column {exc.colno})"
                )
            )
            continue
        except RecursionError:
            reading.problems.append(LocatedProblem(where.at_line(number), "", _TOO_DEEP))
            continue
        # A plain dict: JSON Lines has no key lines to keep, and json.loads
        # cannot see a repeated key anyway (no copy into a _Mapping).
        items.append((record, where.at_line(number)))
    _add_records(reading, items, file, options, section=None, default_source={})
    return reading


Parser = Callable[[str, Location], Any]
#: JSON nested deeper than Python's parser recurses (records are two levels deep).
_TOO_DEEP = "nested too deeply to read (a record is a mapping of plain values)"


def _read_text(file: SourceFile, options: ReadOptions, parse: Parser) -> Reading:
    reading = Reading()
    try:
        document = parse(read_text(file, options, reading), file.location)
    except FileProblem as exc:
        reading.problems.append(exc.problem)
        return reading
    _read_document(reading, document, file, options)
    return reading


def _parse_yaml(text: str, where: Location) -> Any:
    try:
        # _YamlLoader is a SafeLoader: no tags that build Python objects.
        return yaml.load(text, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(str(m) for m in (exc.context, exc.problem) if m)
        raise FileProblem(
            LocatedProblem(where.at_line(line) if line else where, "", f"not valid YAML: {message}")
        ) from None
    except yaml.YAMLError as exc:
        raise FileProblem(LocatedProblem(where, "", f"not valid YAML: {exc}")) from None
    except RecursionError:
        raise FileProblem(LocatedProblem(where, "", _TOO_DEEP)) from None


def _parse_json(text: str, where: Location) -> Any:
    try:
        document = json.loads(text)
        top = _locate_json(text, document)
    except json.JSONDecodeError as exc:
        raise FileProblem(
            LocatedProblem(
                where.at_line(exc.lineno), "", f"not valid JSON: {exc.msg} (column {exc.colno})"
            )
        ) from None
    except RecursionError:
        raise FileProblem(LocatedProblem(where, "", _TOO_DEEP)) from None
    if top is not None:
        # The top-level mapping knows its keys' lines, as a YAML one does.
        document = top
    return document


_WS = re.compile(r"[ \t\n\r]*")


def _locate_json(text: str, document: Any) -> _Mapping | None:
    """Give the records of a (valid) JSON document their line numbers, and
    return a top-level mapping as a :class:`_Mapping` with its keys' lines.

    The json module does not say where things are; this walks the top level
    with :meth:`json.JSONDecoder.raw_decode` to find where each record starts.
    """
    newlines = [m.start() for m in re.finditer("\n", text)]
    decoder = json.JSONDecoder()

    def skip(i: int) -> int:
        match = _WS.match(text, i)
        return match.end() if match else i

    def array_starts(i: int) -> tuple[list[int], int]:
        """Start offsets of the elements of the array at ``i``, and its end."""
        starts: list[int] = []
        i = skip(i + 1)
        while text[i] != "]":
            starts.append(i)
            _, i = decoder.raw_decode(text, i)
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
        return starts, i + 1

    def line_of(i: int) -> int:
        return bisect_right(newlines, i - 1) + 1

    i = skip(0)
    if isinstance(document, list):
        starts, _ = array_starts(i)
        _relocate(document, starts, newlines)
    elif isinstance(document, dict):
        top = _Mapping(document, line=line_of(i))
        i = skip(i + 1)
        while text[i] != "}":
            line = line_of(i)
            key, i = decoder.raw_decode(text, i)
            if key in top.key_lines:
                top.repeated.append((key, line))
            top.key_lines[key] = line
            i = skip(skip(i) + 1)
            if text[i] == "[" and isinstance(document.get(key), list):
                starts, i = array_starts(i)
                _relocate(document[key], starts, newlines)
            else:
                _, i = decoder.raw_decode(text, i)
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
        return top
    return None


def _relocate(items: list[Any], starts: list[int], newlines: list[int]) -> None:
    """Swap each mapping in ``items`` for one that knows its line."""
    if len(items) != len(starts):
        return  # A key given twice: json kept the last list; leave it unlocated.
    for n, (item, start) in enumerate(zip(items, starts, strict=True)):
        if isinstance(item, dict):
            items[n] = _Mapping(item, line=bisect_right(newlines, start - 1) + 1)


def _read_document(reading: Reading, document: Any, file: SourceFile, options: ReadOptions) -> None:
    """Records of a parsed document: the mapping form or a bare list."""
    where = file.location
    if document is None:
        reading.warnings.append(LoadWarning(where, "empty file"))
        return
    if isinstance(document, list):
        items = [(item, _line(item, where)) for item in document]
        _add_records(reading, items, file, options, section=None, default_source={})
        return
    if not isinstance(document, dict):
        reading.problems.append(
            LocatedProblem(
                where.at_line(1),
                "",
                "expected a mapping of defaults, entities and relationships, or a list of records",
            )
        )
        return
    lines = document.key_lines if isinstance(document, _Mapping) else {}
    _report_repeated(reading, document, where)
    default_source = _default_source(
        reading, document.get("defaults"), where.at_line(lines.get("defaults", 1))
    )
    for key, value in document.items():
        at = where.at_line(lines[key]) if key in lines else where
        if key in _IGNORED:
            continue
        if key not in _SECTIONS:
            reading.problems.append(
                LocatedProblem(
                    at,
                    str(key),
                    "unknown section (expected note, defaults, entities, relationships)",
                )
            )
            continue
        if value is None:
            continue
        if not isinstance(value, list):
            reading.problems.append(LocatedProblem(at, str(key), "expected a list of records"))
            continue
        items = [(item, _line(item, at)) for item in value]
        _add_records(
            reading, items, file, options, section=_SECTIONS[key], default_source=default_source
        )


def _line(item: Any, fallback: Location) -> Location:
    if isinstance(item, _Mapping) and item.line:
        return fallback.at_line(item.line)
    return fallback


def _default_source(reading: Reading, defaults: Any, where: Location) -> dict[str, Any]:
    if defaults is None:
        return {}
    if not isinstance(defaults, Mapping) or set(defaults) - {"source"}:
        reading.problems.append(
            LocatedProblem(
                where, "defaults", "expected a mapping with a source: {document: …, date: …}"
            )
        )
        return {}
    source = defaults.get("source") or {}
    if (
        not isinstance(source, Mapping)
        or set(source) - set(SOURCE_KEYS)
        or any(isinstance(v, list | tuple | dict | set) for v in source.values())
    ):
        reading.problems.append(
            LocatedProblem(
                where,
                "defaults.source",
                f"expected a mapping of {', '.join(SOURCE_KEYS)} to plain values",
            )
        )
        return {}
    return dict(source)


def _report_repeated(reading: Reading, mapping: Any, where: Location) -> None:
    if isinstance(mapping, _Mapping):
        for key, line in mapping.repeated:
            reading.problems.append(
                LocatedProblem(
                    where.at_line(line), key, "given twice in one record (which one is meant?)"
                )
            )


def _add_records(
    reading: Reading,
    items: list[tuple[Any, Location]],
    file: SourceFile,
    options: ReadOptions,
    *,
    section: Section | None,
    default_source: Mapping[str, Any],
) -> None:
    name_section, name_kind = (None, None) if options.plain else section_of_name(file.path.stem)
    for item, where in items:
        if not isinstance(item, dict):
            reading.problems.append(
                LocatedProblem(where, "", "a record must be a mapping of fields")
            )
            continue
        _report_repeated(reading, item, where)
        key_lines = item.key_lines if isinstance(item, _Mapping) else {}
        reading.records.append(
            RawRecord(
                values=item if type(item) is dict else {str(k): v for k, v in item.items()},
                location=where,
                key_locations={k: where.at_line(line) for k, line in key_lines.items()},
                section=section or name_section,
                kind=options.kind or name_kind,
                default_source=default_source,
                document=file.path.name,
            )
        )
