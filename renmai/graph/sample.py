"""A small graph to try renmai on: the examples in docstrings run over it.

Eleven entities and their ties, in the shape of a city's foreign-affairs
records: the home city and its office, a sister city and the agreement behind
it, a hometown association abroad and its president, and an innovation week
that brought an Israeli agency to town.

>>> store = sample_store()
>>> store.counts().entities["City"], [e.name for e in store.homes()]
(2, ['中山市', '中山市外事侨务局'])
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from renmai.graph.model import Entity, Relationship, Source
from renmai.graph.sqlite_store import SqliteStore

_REPORT = "中山市外事侨务局2015年工作总结"

#: id, kind, name, English name, home, properties.
_ENTITIES: list[tuple[str, str, str, str | None, bool, dict[str, str]]] = [
    ("china", "Country", "中国", "China", False, {}),
    ("canada", "Country", "加拿大", "Canada", False, {}),
    ("israel", "Country", "以色列", "Israel", False, {}),
    ("zhongshan", "City", "中山市", "Zhongshan", True, {"country": "china", "level": "city"}),
    ("zs-fao", "Organization", "中山市外事侨务局",
     "Zhongshan Foreign and Overseas Chinese Affairs Bureau", True,
     {"category": "government", "city": "zhongshan"}),
    ("burnaby", "City", "本拿比市", "Burnaby", False, {"country": "canada", "level": "city"}),
    ("zs-burnaby-agreement", "Agreement", "中山市与本拿比市友好城市协议", None, False,
     {"category": "sister_city", "date": "2012-06"}),
    ("zs-assoc-canada", "Association", "加拿大中山同乡会", "Zhongshan Association of Canada",
     False, {"category": "hometown", "country": "canada", "city": "burnaby"}),
    ("wong-hung-sing", "Person", "黄红星", "Wong Hung-sing", False,
     {"title": "会长", "country": "canada", "phone": "+1 604 555 0100"}),
    ("innovation-week-2015", "Event", "中以科技创新周", "China–Israel Innovation Week", False,
     {"date": "2015-09", "place": "zhongshan"}),
    ("israel-innovation-authority", "Organization", "以色列创新署",
     "Israel Innovation Authority", False, {"category": "government", "country": "israel"}),
]  # fmt: skip

#: Other names the office writes.
_ALIASES = {"burnaby": ["本拿比"]}

#: The report's sentences (line, excerpt) the relationships come from.
_SENTENCES = {
    "sister": (12, "中山市与加拿大本拿比市缔结友好城市关系"),
    "association": (25, "加拿大中山同乡会会长黄红星率团回乡访问"),
    "week": (40, "举办中以科技创新周，以色列创新署派团参加"),
}

#: type, from, to, since, the sentence, properties.
_RELATIONSHIPS: list[tuple[str, str, str, str | None, str, dict[str, str]]] = [
    ("SISTER_CITY_OF", "zhongshan", "burnaby", "2012-06", "sister", {}),
    ("PARTY_TO", "zhongshan", "zs-burnaby-agreement", None, "sister", {}),
    ("PARTY_TO", "burnaby", "zs-burnaby-agreement", None, "sister", {}),
    ("HOLDS_POSITION", "wong-hung-sing", "zs-assoc-canada", "2010", "association",
     {"title": "会长"}),
    ("LIAISES_WITH", "zs-fao", "zs-assoc-canada", "2015", "association", {}),
    ("ANCESTRAL_HOME", "zs-assoc-canada", "zhongshan", None, "association", {}),
    ("ORGANIZED", "zs-fao", "innovation-week-2015", None, "week", {}),
    ("PARTICIPATED_IN", "israel-innovation-authority", "innovation-week-2015", None, "week", {}),
]  # fmt: skip


def sample_graph() -> tuple[list[Entity], list[Relationship]]:
    """The sample's entities and relationships (the same every time)."""
    entities = [
        Entity(
            id=i,
            kind=kind,
            name=name,
            name_en=name_en,
            aliases=_ALIASES.get(i, []),
            home=home,
            properties=props,
        )
        for i, kind, name, name_en, home, props in _ENTITIES
    ]
    sources = {
        key: Source(document=_REPORT, excerpt=excerpt, locator=f"line {line}", date="2016-01")
        for key, (line, excerpt) in _SENTENCES.items()
    }
    relationships = [
        Relationship(
            type=rel_type,
            from_id=from_id,
            to_id=to_id,
            since=since,
            properties=props,
            sources=[sources[sentence]],
        )
        for rel_type, from_id, to_id, since, sentence, props in _RELATIONSHIPS
    ]
    return entities, relationships


def sample_store(path: Path | str | None = None) -> SqliteStore:
    """An embedded store holding :func:`sample_graph`: at ``path``, or in a
    temporary directory removed when the process exits."""
    if path is None:
        folder = tempfile.mkdtemp(prefix="renmai-sample-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "sample.db"
    store = SqliteStore(path)
    store.write(*sample_graph())
    return store
