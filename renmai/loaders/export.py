"""Everything in a store, written in renmai's own load format.

``renmai load`` of an export gives the same graph back: the same entities
with the same ids, names, fields and sources, and the same relationships
(:func:`records` is the inverse of what the loaders read). Four formats:

- ``json`` and ``yaml``: one document ``{note, entities, relationships}``;
- ``jsonl``: one record per line, the entities first;
- ``csv``: a folder with one file per entity kind (``Person.csv`` …) and
  ``relationships.csv``; an entity or relationship with several sources
  takes one row per source (rows with the same id merge on load).

Contact details (the schema's personal fields) are left out unless
asked for, and every export says which: the ``note`` of a JSON or YAML
document, and :attr:`ExportReport.note` for the caller to show.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

import yaml

from renmai.errors import ParameterError, RenmaiError
from renmai.graph.model import Entity, Relationship, Source
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Store
from renmai.loaders.headers import SOURCE_FIELDS
from renmai.loaders.records import SEPARATOR

ExportFormat = Literal["json", "jsonl", "yaml", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("json", "jsonl", "yaml", "csv")
#: File suffixes that name a format, for ``-o FILE`` without ``--format``.
SUFFIXES: dict[str, ExportFormat] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".yaml": "yaml",
    ".yml": "yaml",
}
RELATIONSHIPS_FILE = "relationships.csv"
#: The flat source columns of a CSV row, and the source field each holds.
_SOURCE_COLUMNS = dict(
    zip(SOURCE_FIELDS, ("excerpt", "document", "locator", "date", "url"), strict=True)
)
_ENTITY_CORE = ("id", "kind", "name", "name_en", "aliases", "tags", "description", "home")
_RELATIONSHIP_CORE = ("type", "from", "to", "key", "since", "until")

try:  # libyaml's emitter, much faster, when PyYAML was built with it.
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]


class ExportError(RenmaiError):
    """An export cannot be written where or how it was asked for."""


@dataclass
class ExportReport:
    """What an export wrote."""

    format: ExportFormat
    entities: int
    relationships: int
    contacts: bool
    #: Files written (none when written to a stream).
    files: list[Path] = field(default_factory=list)
    #: Values the format cannot carry exactly (CSV: a separator inside an alias).
    warnings: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return contacts_note(self.contacts)


def contacts_note(contacts: bool) -> str:
    """Whether an export holds contact details, in words."""
    fields = ", ".join(SCHEMA.personal_field_names)
    if contacts:
        return (
            f"contact details ({fields}) are INCLUDED: this export holds "
            "personal data; keep it safe"
        )
    return f"contact details ({fields}) are left out; renmai export --show-contacts includes them"


def _source(source: Source) -> dict[str, Any]:
    return source.model_dump(mode="json", exclude_none=True)


def entity_record(entity: Entity, *, contacts: bool) -> dict[str, Any]:
    """An entity as a load record: core fields, the kind's fields flat, sources."""
    shown = entity if contacts else entity.public()
    record: dict[str, Any] = {"id": shown.id, "kind": shown.kind, "name": shown.name}
    if shown.name_en:
        record["name_en"] = shown.name_en
    if shown.aliases:
        record["aliases"] = list(shown.aliases)
    if shown.tags:
        record["tags"] = list(shown.tags)
    if shown.description:
        record["description"] = shown.description
    if shown.home:
        record["home"] = True
    record.update(shown.properties)
    if shown.sources:
        record["sources"] = [_source(s) for s in shown.sources]
    return record


def relationship_record(rel: Relationship) -> dict[str, Any]:
    """A relationship as a load record: ends by id, its own fields flat, sources."""
    record: dict[str, Any] = {"type": rel.type, "from": rel.from_id, "to": rel.to_id}
    if rel.key:
        record["key"] = rel.key
    if rel.since:
        record["since"] = rel.since
    if rel.until:
        record["until"] = rel.until
    record.update(rel.properties)
    if rel.sources:
        record["sources"] = [_source(s) for s in rel.sources]
    return record


def records(store: Store, *, contacts: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every entity and relationship of the store as load records, in id order."""
    entities = [entity_record(e, contacts=contacts) for e in store.entities()]
    relationships = [relationship_record(r) for r in store.relationships()]
    return entities, relationships


def export_format(output: Path | None, fmt: str | None) -> ExportFormat:
    """The format asked for (``fmt``), else the one ``output`` names (a folder
    is CSV), else JSON."""
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            known = ", ".join(EXPORT_FORMATS)
            raise ParameterError("fmt", f"{{param}}: unknown format {fmt!r} (formats: {known})")
        return fmt
    if output is None:
        return "json"
    if output.suffix.lower() in SUFFIXES:
        return SUFFIXES[output.suffix.lower()]
    if output.is_dir() or not output.suffix:
        return "csv"
    raise ParameterError(
        "fmt",
        f"cannot tell the format from {output.name!r}: give {{param}} "
        f"({', '.join(EXPORT_FORMATS)}), or a name ending in .json, .jsonl or .yaml",
    )


def export(
    store: Store,
    output: Path | None,
    fmt: ExportFormat,
    *,
    contacts: bool = False,
    stream: TextIO | None = None,
) -> ExportReport:
    """Write every record of ``store`` to ``output`` (a file, or for CSV a
    folder), or to ``stream`` when ``output`` is None (not for CSV).

    Files are written whole or not at all (a temporary file, then a rename).
    """
    entities, relationships = records(store, contacts=contacts)
    report = ExportReport(fmt, len(entities), len(relationships), contacts)
    if fmt == "csv":
        if output is None:
            raise ParameterError("output", "a CSV export is a folder of files: give {param} FOLDER")
        report.files = _write_csv_folder(output, entities, relationships, report.warnings)
        return report
    if output is not None and output.is_dir():
        raise ExportError(f"{output} is a folder: give a file name for a {fmt} export")
    text = _document_text(fmt, entities, relationships, report.note)
    if output is None:
        assert stream is not None
        stream.write(text)
    else:
        _write_atomically(output, text)
        report.files = [output]
    return report


def _document_text(
    fmt: ExportFormat,
    entities: list[dict[str, Any]],
    relationships: list[dict[str, Any]],
    note: str,
) -> str:
    if fmt == "jsonl":
        lines = (json.dumps(r, ensure_ascii=False) for r in [*entities, *relationships])
        return "".join(f"{line}\n" for line in lines)
    document = {"note": note, "entities": entities, "relationships": relationships}
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    text: str = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    return text


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole, or leave ``path`` as it was."""
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- CSV --------------------------------------------------------------------------------
def _export_names() -> set[str]:
    """The file names a CSV export writes (and may replace)."""
    return {f"{k.name}.csv" for k in SCHEMA.entity_kinds} | {RELATIONSHIPS_FILE}


def _write_csv_folder(
    folder: Path,
    entities: list[dict[str, Any]],
    relationships: list[dict[str, Any]],
    warnings: list[str],
) -> list[Path]:
    """One CSV per entity kind and one of relationships. The folder is made if
    needed; one that holds anything but an earlier export is refused, so that
    loading the folder loads this export and nothing else."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file: a CSV export is a folder of files")
    if folder.is_dir():
        others = sorted(p.name for p in folder.iterdir() if p.name not in _export_names())
        if others:
            raise ExportError(
                f"folder {folder} holds other files ({', '.join(others[:5])}): "
                "export into a new or empty folder"
            )
    else:
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise ExportError(f"cannot make folder {folder}: {exc.strerror or exc}") from None
    tables: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for kind in SCHEMA.entity_kinds:
        rows = [r for r in entities if r["kind"] == kind.name]
        if rows:
            columns = [*_ENTITY_CORE, *kind.fields, *SOURCE_FIELDS]
            tables[f"{kind.name}.csv"] = (columns, rows)
    if relationships:
        own = [f for r in SCHEMA.relationship_kinds for f in r.fields]
        columns = [*_RELATIONSHIP_CORE, *dict.fromkeys(own), *SOURCE_FIELDS]
        tables[RELATIONSHIPS_FILE] = (columns, relationships)
    written = []
    for name, (columns, rows) in tables.items():
        path = folder / name
        _write_atomically(path, _csv_text(columns, rows, name, warnings))
        written.append(path)
    for stale in _export_names() - set(tables):
        (folder / stale).unlink(missing_ok=True)
    return written


def _csv_text(
    columns: list[str], rows: Iterable[dict[str, Any]], name: str, warnings: list[str]
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in _csv_rows(rows, name, warnings):
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def _csv_rows(
    rows: Iterable[dict[str, Any]], name: str, warnings: list[str]
) -> Iterator[dict[str, Any]]:
    """Flat rows: lists joined with ``|``, one row per source."""
    for record in rows:
        flat = {k: v for k, v in record.items() if k != "sources"}
        for list_field in ("aliases", "tags"):
            values = record.get(list_field) or []
            if any(SEPARATOR.search(v) for v in values):
                warnings.append(
                    f"{name}: {record['id']}: an item of {list_field} holds a separator "
                    "(| or ;), which CSV splits on; export JSON for an exact copy"
                )
            flat[list_field] = "|".join(values)
        sources = record.get("sources") or [{}]
        for source in sources:
            row = dict(flat)
            row.update((column, source.get(key)) for column, key in _SOURCE_COLUMNS.items())
            yield row


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
