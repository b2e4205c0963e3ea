"""Ids for entities that a file names without one: readable, stable slugs.

The English name when there is one (``Burnaby`` → ``burnaby``), else the
pinyin of the Chinese name (本拿比 → ``ben-na-bi``), made unique with ``-2``,
``-3`` … against the store and the batch. The same name in the same store
always gives the same id; a second load finds the entity by name anyway.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from renmai.graph.names import to_simplified

#: Ids are meant to be typed: long names are cut at a word boundary.
MAX_LENGTH = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Lower-case ASCII words joined by ``-``: pinyin for Chinese characters,
    accents dropped (Atlético → atletico)."""
    # Imported here: its dictionaries take a tenth of a second to load, and a
    # load whose rows all carry ids never makes one.
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(to_simplified(unicodedata.normalize("NFKC", text)))
    ascii_text = unicodedata.normalize("NFKD", "-".join(words)).encode("ascii", "ignore").decode()
    result = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(result) > MAX_LENGTH:
        cut = result[: MAX_LENGTH + 1]
        result = cut.rsplit("-", 1)[0] if "-" in cut else cut[:MAX_LENGTH]
    return result.strip("-")


def new_id(name: str, name_en: str | None, kind: str, taken: Callable[[str], bool]) -> str:
    """A free id for an entity called ``name`` (``name_en``) of ``kind``."""
    base = slug(name_en or "") or slug(name) or kind.lower()
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
