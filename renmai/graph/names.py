"""Name keys: the forms under which an entity can be found by name.

Sources write one name many ways: simplified or traditional characters,
full-width or half-width punctuation, with or without spaces, in pinyin or in
English. :func:`name_key` folds all of those to one key, so that lookups and
entity resolution compare keys, never raw strings.

>>> name_key("香港中山青年協會") == name_key("香港中山青年协会")
True
>>> name_key("中瑞（欧）工业园") == name_key("中瑞(欧) 工业园")
True
>>> name_key("Chung Shan  Association") == name_key("chung-shan association")
True
"""

from __future__ import annotations

import importlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pypinyin.core import Pinyin

# Everything that is not a letter, a digit or a CJK character is noise in a
# name: punctuation (either width), spaces, dashes and dots.
_NOISE = re.compile(r"[^\w]|_", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_START = "\u2e80"
#: Large enough for every name of a 100k-entity load: a load computes each
#: name's keys several times (resolution index, store index), and a cache that
#: evicts them in between makes it compute pinyin again each time.
_CACHE = 1 << 18


def to_simplified(text: str) -> str:
    """Traditional characters to simplified, leaving everything else alone."""
    # Every entry of zhconv's table holds a CJK character (U+2E80 or above):
    # a text without one is its own conversion, and most names are Latin.
    if not text or max(text) < _CJK_START:
        return text
    return str(_zhconv().convert(text, "zh-hans"))


@cache
def _zhconv() -> ModuleType:
    """zhconv, imported on first use, and without ``pkg_resources``.

    zhconv finds its table through ``pkg_resources`` when that module imports
    (setuptools' whole vendored world: 0.05–0.1 s of a command's start), and
    opens the same file beside its own module when it does not. Marking
    ``pkg_resources`` as missing while zhconv imports (an entry of ``None`` in
    ``sys.modules`` makes an import fail) takes the cheap road.
    """
    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        return importlib.import_module("zhconv")
    finally:
        if hide:
            del sys.modules["pkg_resources"]


@lru_cache(maxsize=_CACHE)
def name_key(text: str) -> str:
    """The comparison key of a name: width-folded, simplified, case-folded, no noise."""
    folded = unicodedata.normalize("NFKC", text)
    folded = to_simplified(folded).casefold()
    # A name that is all noise ("（）", "…", a control character) keeps its
    # folded text, spaces removed, as its key: it can still be found by name,
    # so a second load finds it again instead of making a new entity.
    return _NOISE.sub("", folded) or "".join(folded.split())


def has_han(text: str) -> bool:
    """Whether ``text`` contains Chinese characters."""
    return bool(_HAN.search(text))


#: Pinyin keys this function gave before, kept by a store for the names it
#: holds (:func:`keep_pinyin`): its own results, so one read from here is the
#: answer it would compute, without loading pypinyin's dictionaries.
_KEPT: dict[str, str] = {}


def keep_pinyin(pairs: Iterable[tuple[str, str]]) -> None:
    """Remember ``(text, pinyin_key(text))`` pairs computed earlier (by the same
    version of pypinyin and of these rules: the store that kept them checks)."""
    _KEPT.update(pairs)


@lru_cache(maxsize=_CACHE)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of the Chinese characters in ``text``, as a name key.

    Exactly ``lazy_pinyin``'s reading: the text is cut into words as it cuts
    it, and each word read as it reads it — but a word is read once and
    remembered (names share their words: 中山, 同乡会, 协会), which makes a
    new name about five times cheaper.

    >>> pinyin_key("中山")
    'zhongshan'
    """
    kept = _KEPT.get(text)
    if kept is not None:
        return kept
    return name_key("".join(_word_pinyin(w) for w in _pinyin().seg(to_simplified(text))))


@cache
def _pinyin() -> Pinyin:
    """What ``pypinyin.lazy_pinyin`` builds on every call, built once — and
    imported on first use: loading its dictionaries takes a third of a second,
    which a command that reads no new Chinese name never pays."""
    from pypinyin.converter import UltimateConverter
    from pypinyin.core import Pinyin

    return Pinyin(UltimateConverter())


@lru_cache(maxsize=_CACHE)
def _word_pinyin(word: str) -> str:
    from pypinyin import Style

    readings = _pinyin()._converter.convert(word, Style.NORMAL, False, "default", strict=True)
    return "".join(reading[0] for reading in readings)


def name_keys(names: Iterable[str]) -> list[str]:
    """All keys for a set of names: each name's key, and its pinyin when Chinese."""
    keys: dict[str, None] = {}
    for name in names:
        if not name:
            continue
        key = name_key(name)
        if key:
            keys[key] = None
        if has_han(name):
            keys[pinyin_key(name)] = None
    return list(keys)
