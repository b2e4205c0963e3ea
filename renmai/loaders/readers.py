"""The reader of each format: a file in, its records (or what stopped them) out."""

from __future__ import annotations

from collections.abc import Callable

from renmai.loaders.documents import read_json, read_jsonl, read_yaml
from renmai.loaders.files import Reading, ReadOptions, SourceFile
from renmai.loaders.tabular import read_csv, read_xlsx

Reader = Callable[[SourceFile, ReadOptions], Reading]
READERS: dict[str, Reader] = {
    "csv": read_csv,
    "xlsx": read_xlsx,
    "json": read_json,
    "jsonl": read_jsonl,
    "yaml": read_yaml,
}


def read(file: SourceFile, options: ReadOptions) -> Reading:
    """The records of ``file``, read by the reader of its format."""
    return READERS[file.format](file, options)
