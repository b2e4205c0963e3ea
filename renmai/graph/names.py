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

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import zhconv
from pypinyin import lazy_pinyin

# Everything that is not a letter, a digit or a CJK character is noise in a
# name: punctuation (either width), spaces, dashes and dots.
_NOISE = re.compile(r"[^\w]|_", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified, leaving everything else alone."""
    return str(zhconv.convert(text, "zh-hans"))


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """The comparison key of a name: width-folded, simplified, case-folded, no noise."""
    folded = unicodedata.normalize("NFKC", text)
    folded = to_simplified(folded).casefold()
    return _NOISE.sub("", folded)


def has_han(text: str) -> bool:
    """Whether ``text`` contains Chinese characters."""
    return bool(_HAN.search(text))


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> str:
    """Toneless pinyin of the Chinese characters in ``text``, as a name key.

    >>> pinyin_key("中山")
    'zhongshan'
    """
    return name_key("".join(lazy_pinyin(to_simplified(text))))


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
