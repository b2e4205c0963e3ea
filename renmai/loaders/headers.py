"""Column headers (and record keys) to field names, declared once.

A header maps to a field when it is the field's name in any case, with spaces
or dashes for underscores (``Name EN`` is ``name_en``), or one of the Chinese
headers below, or a field's Chinese label in the schema (``职务`` is
``title``). Every other header is kept as it is and checked against the
record's kind, so a mistyped header is reported, not dropped.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from renmai.graph.schema import SCHEMA

#: Keys that a loader reads itself, besides the schema's core fields.
SOURCE_FIELDS = ("source", "source_document", "source_locator", "source_date", "source_url")

#: Chinese (and a few English) headers for core and loader fields. Kind
#: fields also answer to their label in the schema.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "标识", "ID号"),
    "kind": ("类型", "种类", "实体类型"),
    "name": ("名称", "名字", "姓名", "中文名", "中文名称"),
    "name_en": ("英文名", "英文名称", "英文", "english name", "english"),
    "aliases": ("别名", "又名", "别称", "alias"),
    "tags": ("标签", "tag"),
    "description": ("简介", "描述", "说明", "备注", "notes", "note"),
    "home": ("本方", "我方"),
    "sources": (),
    "type": ("关系", "关系类型", "relationship", "relation"),
    "from": ("从", "起点", "甲方"),
    "to": ("到", "终点", "乙方"),
    "key": ("区分", "键"),
    "since": ("起始", "起始时间", "开始时间", "自", "start_date"),
    "until": ("截止", "截止时间", "结束时间", "至", "end_date"),
    "source": ("来源", "出处", "来源摘录", "excerpt"),
    "source_document": ("来源文件", "来源文档", "document"),
    "source_locator": ("来源位置", "来源页码", "locator"),
    "source_date": ("来源日期", "资料日期"),
    "source_url": ("来源链接", "链接", "网址", "url"),
    "from_kind": ("起点类型", "甲方类型"),
    "to_kind": ("终点类型", "乙方类型"),
    "from_country": ("起点国家", "甲方国家"),
    "to_country": ("终点国家", "乙方国家"),
    "country": ("国家", "地区", "国家地区"),
}

_SEPARATORS = re.compile(r"[\s\-./]+")


@lru_cache(maxsize=4096)
def normalize(header: str) -> str:
    """A header folded for comparison: case, spacing and dashes ignored."""
    return _SEPARATORS.sub("_", str(header).strip().casefold()).strip("_")


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    # Schema labels first, so that the declarations above win where they clash
    # (the label 类型 of Country.status is the header for kind).
    kind_fields = [k.fields for k in SCHEMA.entity_kinds]
    kind_fields += [r.fields for r in SCHEMA.relationship_kinds]
    for fields in kind_fields:
        for name, spec in fields.items():
            if spec.label:
                table[normalize(spec.label)] = name
            table[normalize(name)] = name
    for field, aliases in ALIASES.items():
        table[normalize(field)] = field
        for alias in aliases:
            table[normalize(alias)] = field
    for field in (*SCHEMA.core_entity_fields, *SCHEMA.core_relationship_fields):
        table[normalize(field)] = field
    return table


@lru_cache(maxsize=4096)
def field_name(header: str) -> str:
    """The field a header names, or the header folded when it names none."""
    key = normalize(header)
    return _table().get(key, key)
