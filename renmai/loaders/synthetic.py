"""A synthetic overseas network, for scale tests and benchmarks.

It writes renmai's own load format (JSON Lines), so that a benchmark measures
the real loading path. The network looks like the real one: countries with a
heavy-tailed share of the diaspora, associations with many members, leaders
holding posts in several associations, events with many participants,
projects and agreements, and dated relationships over twenty years. Members
pick associations and people pick acquaintances by preferential attachment,
which gives the heavy-tailed degrees of a real social network. The same seed
always gives the same files.

>>> entities, rels = generate(200, seed=1)
>>> len(entities)
200
>>> entities == generate(200, seed=1)[0]
True
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Record = dict[str, Any]

_SURNAMES = "陈黄李林梁何吴郑刘张杨郭罗谢冯蔡曾彭萧卢"
_GIVEN = "伟明华国志建文德永嘉俊杰美玲淑芬家豪振兴"
_COUNTRIES = [
    ("美国", "United States"),
    ("加拿大", "Canada"),
    ("澳大利亚", "Australia"),
    ("秘鲁", "Peru"),
    ("新加坡", "Singapore"),
    ("马来西亚", "Malaysia"),
    ("英国", "United Kingdom"),
    ("巴西", "Brazil"),
    ("日本", "Japan"),
    ("新西兰", "New Zealand"),
    ("南非", "South Africa"),
    ("泰国", "Thailand"),
    ("印度尼西亚", "Indonesia"),
    ("菲律宾", "Philippines"),
    ("德国", "Germany"),
    ("法国", "France"),
    ("以色列", "Israel"),
    ("阿根廷", "Argentina"),
    ("墨西哥", "Mexico"),
    ("古巴", "Cuba"),
    ("厄瓜多尔", "Ecuador"),
    ("哥斯达黎加", "Costa Rica"),
    ("巴拿马", "Panama"),
    ("斯里兰卡", "Sri Lanka"),
    ("瑞士", "Switzerland"),
    ("西班牙", "Spain"),
    ("意大利", "Italy"),
    ("荷兰", "Netherlands"),
    ("韩国", "South Korea"),
    ("越南", "Vietnam"),
]
_TOWNS = [
    "小榄镇",
    "石岐区",
    "南区",
    "东区",
    "沙溪镇",
    "三乡镇",
    "南朗镇",
    "古镇镇",
    "板芙镇",
    "南头镇",
]
_ASSOCIATION_TYPES = [
    ("中山同乡会", "hometown"),
    ("中山商会", "commerce"),
    ("中山青年协会", "youth"),
    ("中山同学会", "alumni"),
    ("中华总会馆", "clan"),
    ("华人专业协会", "professional"),
]
_ORG_TYPES = [
    ("大学", "university"),
    ("科技公司", "company"),
    ("贸易公司", "company"),
    ("医院", "hospital"),
    ("足球俱乐部", "club"),
    ("华文学校", "school"),
    ("电视台", "media"),
]
_TAGS = ["科技", "tech", "游艇", "yacht", "足球", "football", "生物医药", "biotech", "旅游", "教育"]
_SOURCE = {"document": "synthetic network", "excerpt": "generated"}

# Shares of each kind in a network of N entities (the rest are people).
_SHARES = {"City": 0.05, "Association": 0.10, "Organization": 0.13, "Project": 0.04}
_SHARES.update({"Event": 0.06, "Agreement": 0.03})


def _year(rng: random.Random) -> str:
    return str(rng.randint(2006, 2026))


def _zipf_weights(n: int, exponent: float = 1.1) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, n + 1)]


class _Builder:
    """Accumulates records; ids are sequential per kind so they are stable."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entities: list[Record] = []
        self.relationships: list[Record] = []
        self.by_kind: dict[str, list[str]] = {}

    def entity(self, kind: str, name: str, **fields: Any) -> str:
        ids = self.by_kind.setdefault(kind, [])
        entity_id = f"{kind.lower()}-{len(ids):06d}"
        ids.append(entity_id)
        self.entities.append(
            {"id": entity_id, "kind": kind, "name": name, "sources": [_SOURCE], **fields}
        )
        return entity_id

    def rel(self, rtype: str, a: str, b: str, **fields: Any) -> None:
        self.relationships.append(
            {"type": rtype, "from": a, "to": b, "since": _year(self.rng), **fields}
        )

    def person_name(self) -> str:
        rng = self.rng
        return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2)))


def generate(n_entities: int, seed: int = 0) -> tuple[list[Record], list[Record]]:
    """Entity and relationship records of a synthetic network of ``n_entities``.

    About five relationships per entity, besides those that ``country`` and
    ``city`` fields imply when loaded.
    """
    if n_entities < 50:
        raise ValueError("a synthetic network needs at least 50 entities")
    b = _Builder(seed)
    rng = b.rng
    b.entity("Country", "中国", name_en="China")
    home_city = b.entity("City", "家乡市", name_en="Home City", home=True, country="country-000000")
    office = b.entity(
        "Organization", "家乡市外事侨务局", home=True, category="government", city=home_city
    )
    towns = [b.entity("City", t, level="town", part_of=home_city) for t in _TOWNS]

    n_countries = min(len(_COUNTRIES), max(5, n_entities // 400))
    countries = [
        b.entity("Country", zh, name_en=en, aliases=[en.upper()])
        for zh, en in _COUNTRIES[:n_countries]
    ]
    weights = _zipf_weights(n_countries)
    budget = {kind: max(3, int(n_entities * share)) for kind, share in _SHARES.items()}
    budget["Consulate"] = n_countries

    def pick_country() -> str:
        return rng.choices(countries, weights)[0]

    for i in range(budget["City"]):
        b.entity("City", f"城市{i}", country=pick_country())
    cities = b.by_kind["City"][len(towns) + 1 :]
    city_country = {e["id"]: e.get("country") for e in b.entities if e["kind"] == "City"}

    for country in countries:
        consulate = b.entity("Consulate", f"{country}驻穗总领事馆", country=country)
        b.rel("LIAISES_WITH", office, consulate)
    for i in range(budget["Association"]):
        suffix, category = rng.choice(_ASSOCIATION_TYPES)
        city = rng.choice(cities)
        b.entity("Association", f"城市{i}{suffix}", category=category, city=city)
    for i in range(budget["Organization"]):
        suffix, category = rng.choice(_ORG_TYPES)
        b.entity(
            "Organization",
            f"机构{i}{suffix}",
            category=category,
            country=city_country[rng.choice(cities)],
            tags=rng.sample(_TAGS, 2),
        )
    for i in range(budget["Project"]):
        b.entity("Project", f"合作项目{i}", status=rng.choice(["planned", "ongoing", "completed"]))
    for i in range(budget["Event"]):
        b.entity("Event", f"交流活动{i}", date=_year(rng), place=rng.choice(cities))
    for i in range(budget["Agreement"]):
        b.entity("Agreement", f"合作备忘录{i}", date=_year(rng), category="mou")
    n_people = n_entities - len(b.entities)
    for _ in range(max(0, n_people)):
        b.entity(
            "Person", b.person_name(), title=rng.choice(["会长", "理事", "教授", "总经理", ""])
        )
    _link(b, office, towns)
    return b.entities, b.relationships


class _Preferential:
    """Picks items with probability growing with how often they were picked.

    Every pick is remembered in a list, so a uniform draw from the list is a
    draw proportional to past picks, in constant time.
    """

    def __init__(self, rng: random.Random, items: Sequence[str], novelty: float = 0.3) -> None:
        self.rng, self.items, self.novelty = rng, items, novelty
        self.picks: list[str] = []

    def __call__(self) -> str:
        if self.picks and self.rng.random() > self.novelty:
            item = self.rng.choice(self.picks)
        else:
            item = self.rng.choice(self.items)
        self.picks.append(item)
        return item


def _link(b: _Builder, office: str, towns: list[str]) -> None:
    rng = b.rng
    people = b.by_kind["Person"]
    associations = b.by_kind["Association"]
    orgs = b.by_kind["Organization"][1:]
    events, projects = b.by_kind["Event"], b.by_kind["Project"]
    agreements = b.by_kind["Agreement"]
    agents = [*associations, *orgs]
    association_for = _Preferential(rng, associations)
    friend_for = _Preferential(rng, people)
    event_for = _Preferential(rng, events)
    for person in people:
        for association in sorted({association_for() for _ in range(rng.choice([1, 2, 3]))}):
            b.rel("MEMBER_OF", person, association)
        if rng.random() < 0.08:
            # Leaders hold posts in several associations.
            for association in rng.sample(associations, min(3, len(associations))):
                b.rel("HOLDS_POSITION", person, association, title="会长")
        for other in {friend_for() for _ in range(rng.choice([1, 2, 3, 4]))}:
            if other != person:
                b.rel("KNOWS", person, other)
        for event in {event_for() for _ in range(rng.choice([0, 1, 1, 2]))}:
            b.rel("PARTICIPATED_IN", person, event)
        if rng.random() < 0.3:
            b.rel("ANCESTRAL_HOME", person, rng.choice(towns))
    for event in events:
        b.rel("ORGANIZED", rng.choice(agents), event)
        for agent in rng.sample(agents, 3):
            b.rel("PARTICIPATED_IN", agent, event)
    for project in projects:
        for partner in rng.sample(agents, 2):
            b.rel("PARTNER_IN", partner, project)
    for agreement in agreements:
        b.rel("PARTY_TO", office, agreement)
        b.rel("PARTY_TO", rng.choice(agents), agreement)
    for association in rng.sample(associations, max(1, len(associations) // 5)):
        b.rel("LIAISES_WITH", office, association)


def write_network(directory: Path, n_entities: int, seed: int = 0) -> tuple[Path, Path]:
    """Write ``entities.jsonl`` and ``relationships.jsonl`` into ``directory``."""
    entities, relationships = generate(n_entities, seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = (directory / "entities.jsonl", directory / "relationships.jsonl")
    for path, records in zip(paths, (entities, relationships), strict=True):
        with path.open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    return paths
