"""Column headers (and record keys) to field names, declared once.

A header maps to a field when it is the field's name in any case, with spaces
or dashes for underscores (``Name EN`` is ``name_en``), or one of the Chinese
headers below, or a field's Chinese label in the schema (``职务`` is
``title``). Offices write their own words, and they depend on what the list
holds (``社团名称`` is an association's name, ``网址`` its website): those of
:data:`OFFICE_HEADERS` win for rows of their kind. A column named for a post
(:data:`POSITIONS`: ``会长``, ``总领事`` …) names the person who holds it. Every
other header is kept as it is and checked against the record's kind, so a
mistyped header is reported, not dropped.
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

#: Headers offices write, by the kind of the list and the field. A kind's own
#: words win over the general ones above for its rows; "*" is every kind that
#: has the field.
OFFICE_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "*": {
        "country": ("所在国", "所在国家", "所在国家地区", "国别", "国家/地区"),
        "city": ("所在城市", "所在地", "城市"),
        "founded": ("成立时间", "成立日期", "成立年份", "创立时间", "创办时间"),
        "address": ("地址", "通讯地址", "联系地址", "办公地址"),
        "phone": ("联系电话", "电话", "手机", "手机号", "电话号码", "tel", "telephone"),
        "email": ("邮箱", "电子邮箱", "电邮", "e-mail", "email"),
        "wechat": ("微信", "微信号"),
        "website": ("网址", "网站", "官网", "website", "web"),
        "description": ("情况简介", "简况"),
    },
    "Association": {"name": ("社团名称", "侨团名称", "社团", "侨团", "会名", "团体名称")},
    "Organization": {
        "name": ("机构名称", "单位名称", "机构", "单位", "企业名称", "学校名称", "院校名称")
    },
    "Consulate": {"name": ("领馆名称", "领馆", "领事馆", "总领事馆")},
    "Person": {"name": ("侨领姓名", "人物姓名", "侨领")},
    # In a list of cities or of countries, 城市 / 国家 is the row's own name.
    "City": {"name": ("城市名称", "友城名称", "友好城市", "城市")},
    "Country": {"name": ("国家名称", "国家", "国家/地区")},
}

#: The relationship a post column makes, person -> the row's entity.
POST_RELATIONSHIP = "HOLDS_POSITION"
#: Posts an office lists beside an entity: a column named for one holds the
#: name of the person in it (``HOLDS_POSITION`` with the post as its title).
POSITIONS = (
    "会长",
    "主席",
    "理事长",
    "秘书长",
    "总领事",
    "领事",
    "董事长",
    "校长",
    "负责人",
    "执行会长",
    "常务副会长",
    "副会长",
    "名誉会长",
    "永远名誉会长",
    "创会会长",
    "监事长",
    "副主席",
    "总干事",
    "院长",
    "总经理",
    "社长",
    "主任",
    "馆长",
    "president",
    "chairman",
    "chair",
    "secretary general",
    "consul general",
    "director",
    "principal",
)
#: What a post column may add to the post's name: 会长姓名 is 会长.
_POSITION_SUFFIXES = ("姓名", "名字", "_name")

#: Columns that number rows or say why a row was left out of an earlier load
#: (a rejects file loaded again): read by people, never by the loader.
IGNORED = ("序号", "行号", "序", "no", "rejected_from", "rejected_because")

#: Words in the name of a sheet or file that say what an office's list holds
#: (海外侨团名录 is a list of associations). A name with words of two kinds says
#: nothing.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "Association": ("社团", "侨团", "商会", "同乡会", "协会", "联谊会"),
    "Person": ("侨领", "人物", "人员", "联系人", "名人"),
    "Consulate": ("领馆", "领事馆"),
    "City": ("友好城市", "友城", "城市"),
    "Organization": ("机构", "单位", "企业", "学校", "高校", "院校"),
    "Country": ("国家",),
}
#: Names of sheets that hold notes for people (说明, 填表说明): never a table.
NOTE_SHEETS = ("说明", "填表说明", "备注", "notes", "note", "readme", "read me", "instructions")

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


@cache
def _office_table(kind: str) -> dict[str, str]:
    """Office words for rows of ``kind``: the kind's own, then those of every
    kind for the fields it has."""
    fields = set(SCHEMA.entity_kind(kind).fields) | set(SCHEMA.core_entity_fields)
    table: dict[str, str] = {}
    for field, words in OFFICE_HEADERS.get(kind, {}).items():
        table.update((normalize(w), field) for w in words)
    for field, words in OFFICE_HEADERS["*"].items():
        if field in fields:
            for word in words:
                table.setdefault(normalize(word), field)
    return table


@lru_cache(maxsize=4096)
def field_name(header: str, kind: str | None = None) -> str:
    """The field a header names (for rows of ``kind``, when known), or the
    header folded when it names none."""
    key = normalize(header)
    if kind is not None and key in (office := _office_table(kind)):
        return office[key]
    return _table().get(key, key)


@cache
def _positions() -> dict[str, str]:
    return {normalize(p): p for p in POSITIONS}


@lru_cache(maxsize=4096)
def position(header: str) -> str | None:
    """The post a column is named for (``会长``, ``会长姓名``), or None."""
    key = normalize(header)
    for suffix in _POSITION_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key.removesuffix(suffix).strip("_")
            break
    return _positions().get(key)


@lru_cache(maxsize=4096)
def post_detail(header: str) -> tuple[str, str] | None:
    """The post and the field of its holder a column is named for (``会长电话``:
    the 会长's phone; ``秘书长邮箱``), or None."""
    key = normalize(header)
    person = SCHEMA.person_kind
    fields = SCHEMA.entity_kind(person).fields
    # The longest post first: 副会长电话 is the 副会长's, not a 会长's.
    for post_key, title in sorted(_positions().items(), key=lambda p: -len(p[0])):
        rest = key.removeprefix(post_key).strip("_")
        if rest != key and rest:
            field = _office_table(person).get(rest) or _table().get(rest)
            return (title, field) if field in fields else None
    return None


@cache
def _ignored() -> frozenset[str]:
    return frozenset(normalize(h) for h in IGNORED)


def ignored(header: str) -> bool:
    """Whether a column is for people only (a row number, a reason for a reject)."""
    return normalize(header) in _ignored()


@lru_cache(maxsize=4096)
def known(header: str) -> bool:
    """Whether a header names a field, a post or a column for people: what a
    header row is made of, and a title or a note above it is not."""
    key = normalize(header)
    office = any(key in _office_table(k) for k in SCHEMA.entity_kind_names)
    return key in _table() or office or position(header) is not None or ignored(header)


def kind_in_words(name: str) -> str | None:
    """The kind an office's name for a list says it holds (海外侨团名录: Association)."""
    found = {kind for kind, words in KIND_WORDS.items() if any(w in name for w in words)}
    return found.pop() if len(found) == 1 else None


def notes_sheet(name: str) -> bool:
    """Whether a sheet is named as one of notes for people."""
    return normalize(name) in {normalize(n) for n in NOTE_SHEETS}
