"""A synthetic overseas network, for scale tests and benchmarks.

It writes renmai's own load format (JSON Lines), so that a benchmark measures
the real loading path. The network looks like the real one:

* countries with a heavy-tailed share of the diaspora (Zipf weights), cities
  in them, and the home city's towns;
* associations (hometown, clan, commerce, youth, alumni, professional) in
  those cities, named after them, with many members;
* people: members of one to three associations, picked by preferential
  attachment, so that a few associations have thousands of members; one in
  twelve is a leader holding posts in several associations; most live in a
  city; many know each other (again preferentially: a few people know
  hundreds), some have an ancestral home in one of the towns or donate;
* organizations (universities, companies, hospitals, clubs, schools, media)
  that cooperate with each other and with associations;
* events with many participants, organized by an association or an
  organization; projects with partners and funders; agreements signed by the
  home office and a partner; consulates of the countries, and the office's
  standing contacts;
* every relationship dated (``since``) within the last twenty years.

About five relationships per entity in all, counting the ``LOCATED_IN`` /
``PART_OF`` / ``REPRESENTS`` relationships that ``country``, ``city`` and
``part_of`` fields imply when loaded. Degrees are heavy-tailed: the median
entity has a handful of relationships, the largest hubs thousands. The same
seed always gives the same records.

>>> entities, rels = generate(200, seed=1)
>>> len(entities)
200
>>> (entities, rels) == generate(200, seed=1)
True
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Record = dict[str, Any]

#: The smallest network that still has every kind of entity.
MIN_ENTITIES = 50
#: The twenty years the relationships are dated in.
FIRST_YEAR, LAST_YEAR = 2006, 2025

_SURNAMES = "陈黄李林梁何吴郑刘张杨郭罗谢冯蔡曾彭萧卢欧阳麦伍甘孙"
_GIVEN = "伟明华国志建文德永嘉俊杰美玲淑芬家豪振兴丽敏慧宝荣耀祖光"
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
#: Syllables of transliterated place names (圣巴罗, 维多利亚 …).
_SYLLABLES = "圣巴罗维多利亚温哥华洛杉矶悉尼墨尔本奥克兰里斯特马德纳布加拉森堡顿蒙卡"
_ASSOCIATION_TYPES = [
    ("中山同乡会", "hometown", "Chung Shan Association"),
    ("中山商会", "commerce", "Zhongshan Chamber of Commerce"),
    ("中山青年协会", "youth", "Zhongshan Youth Association"),
    ("中山同学会", "alumni", "Zhongshan Alumni Association"),
    ("中华总会馆", "clan", "Chinese Consolidated Benevolent Association"),
    ("华人专业协会", "professional", "Chinese Professionals Association"),
    ("归侨联谊会", "returnees", "Returned Overseas Chinese Association"),
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
_EVENTS = ["恳亲大会", "经贸洽谈会", "文化节", "青年交流营", "招商推介会", "联谊晚会"]
_PROJECTS = ["产业园", "联合实验室", "文化中心", "人才计划", "医疗合作", "校际交流"]
_TITLES = ["会长", "副会长", "理事长", "秘书长", "理事", "名誉会长"]
_JOBS = ["总经理", "教授", "医生", "工程师", "律师", "董事长", ""]
_TAGS = ["科技", "tech", "游艇", "yacht", "足球", "football", "生物医药", "biotech", "旅游", "教育"]
_SOURCE = {"document": "synthetic network", "excerpt": "generated"}

# Shares of each kind in a network of N entities (the rest are people).
_SHARES = {"City": 0.05, "Association": 0.10, "Organization": 0.12, "Project": 0.04}
_SHARES.update({"Event": 0.06, "Agreement": 0.03})


def _zipf_weights(n: int, exponent: float = 1.1) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, n + 1)]


class _Builder:
    """Accumulates records; ids are sequential per kind so they are stable."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.entities: list[Record] = []
        self.relationships: list[Record] = []
        self.by_kind: dict[str, list[str]] = {}
        self.seen: set[tuple[str, str, str]] = set()

    def entity(self, kind: str, name: str, **fields: Any) -> str:
        ids = self.by_kind.setdefault(kind, [])
        entity_id = f"{kind.lower()}-{len(ids):06d}"
        ids.append(entity_id)
        values = {k: v for k, v in fields.items() if v not in (None, "", [])}
        self.entities.append(
            {"id": entity_id, "kind": kind, "name": name, "sources": [_SOURCE], **values}
        )
        return entity_id

    def rel(self, rtype: str, a: str, b: str, **fields: Any) -> None:
        """One dated relationship; a repeat of one already made, or a loop, is dropped."""
        ends = (a, b) if a <= b else (b, a)
        if a == b or (rtype, *ends) in self.seen:
            return
        self.seen.add((rtype, *ends))
        since = str(self.rng.randint(FIRST_YEAR, LAST_YEAR))
        self.relationships.append({"type": rtype, "from": a, "to": b, "since": since, **fields})

    def person_name(self) -> str:
        rng = self.rng
        return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.randint(1, 2)))

    def place_name(self) -> str:
        return "".join(self.rng.choices(_SYLLABLES, k=self.rng.choice([2, 3, 3, 4])))


class _Weighted:
    """Draws from a fixed list with fixed (e.g. Zipf) weights, quickly."""

    def __init__(self, rng: random.Random, items: Sequence[str], weights: Sequence[float]):
        self.rng, self.items = rng, list(items)
        self.cum = list(itertools.accumulate(weights))

    def __call__(self) -> str:
        return self.rng.choices(self.items, cum_weights=self.cum)[0]


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


def generate(n_entities: int, seed: int = 0) -> tuple[list[Record], list[Record]]:
    """Entity and relationship records of a synthetic network of ``n_entities``.

    About five relationships per entity, counting those that ``country``,
    ``city`` and ``part_of`` fields imply when loaded (see the module doc).
    """
    if n_entities < MIN_ENTITIES:
        raise ValueError(f"a synthetic network needs at least {MIN_ENTITIES} entities")
    b = _Builder(seed)
    rng = b.rng
    china = b.entity("Country", "中国", name_en="China", aliases=["CN"])
    home_city = b.entity("City", "家乡市", name_en="Home City", home=True, country=china)
    office = b.entity(
        "Organization", "家乡市外事侨务局", home=True, category="government", city=home_city
    )
    towns = [b.entity("City", t, level="town", part_of=home_city) for t in _TOWNS]

    n_countries = min(len(_COUNTRIES), max(5, n_entities // 400))
    countries = [
        b.entity("Country", zh, name_en=en, aliases=[en.upper()])
        for zh, en in _COUNTRIES[:n_countries]
    ]
    budget = {kind: max(3, int(n_entities * share)) for kind, share in _SHARES.items()}
    pick_country = _Weighted(rng, countries, _zipf_weights(n_countries))

    city_names: dict[str, str] = {}
    city_country: dict[str, str] = {}
    for _ in range(budget["City"]):
        name, country = b.place_name(), pick_country()
        city = b.entity("City", name, country=country)
        city_names[city], city_country[city] = name, country
    cities = list(city_names)
    # A few cities hold most of the diaspora (rank by creation order).
    pick_city = _Weighted(rng, cities, _zipf_weights(len(cities), 0.9))
    for city in rng.sample(cities, max(1, len(cities) // 50)):
        b.rel("SISTER_CITY_OF", home_city, city)

    for country in countries:
        consulate = b.entity("Consulate", f"{country}驻穗总领事馆", country=country)
        b.rel("LIAISES_WITH", office, consulate)
    for _ in range(budget["Association"]):
        city = pick_city()
        suffix, category, english = rng.choice(_ASSOCIATION_TYPES)
        b.entity(
            "Association",
            city_names[city] + suffix,
            name_en=f"{english} of {city}" if rng.random() < 0.3 else None,
            category=category,
            city=city,
            founded=str(rng.randint(1900, LAST_YEAR)),
        )
    for i in range(budget["Organization"]):
        city = pick_city()
        suffix, category = rng.choice(_ORG_TYPES)
        b.entity(
            "Organization",
            f"{city_names[city]}{suffix}" + (str(i) if category == "company" else ""),
            category=category,
            city=city,
            country=city_country[city],
            tags=rng.sample(_TAGS, 2),
        )
    for i in range(budget["Project"]):
        b.entity(
            "Project",
            f"{rng.choice(_TOWNS)}{rng.choice(_PROJECTS)}{i}",
            status=rng.choice(["proposed", "planned", "ongoing", "completed", "stalled"]),
            start=str(rng.randint(FIRST_YEAR, LAST_YEAR)),
        )
    for i in range(budget["Event"]):
        place = pick_city()
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        b.entity(
            "Event",
            f"{year}{city_names[place]}{rng.choice(_EVENTS)}{i}",
            date=f"{year}-{rng.randint(1, 12):02d}",
            place=place,
        )
    for i in range(budget["Agreement"]):
        b.entity(
            "Agreement",
            f"合作备忘录{i}",
            date=str(rng.randint(FIRST_YEAR, LAST_YEAR)),
            category=rng.choice(["mou", "cooperation", "contract"]),
        )
    for _ in range(max(0, n_entities - len(b.entities))):
        lives_in = pick_city() if rng.random() < 0.6 else None
        b.entity("Person", b.person_name(), title=rng.choice(_JOBS), city=lives_in)
    _link(b, office, towns)
    return b.entities, b.relationships


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
    partner_for = _Preferential(rng, agents)
    for person in people:
        for association in {association_for() for _ in range(rng.choice([1, 2, 2, 3]))}:
            b.rel("MEMBER_OF", person, association)
        if rng.random() < 0.08:
            # Leaders hold posts in several associations.
            for association in {association_for() for _ in range(rng.choice([2, 3, 4]))}:
                b.rel("HOLDS_POSITION", person, association, title=rng.choice(_TITLES))
        for other in {friend_for() for _ in range(rng.choice([1, 2, 3, 4]))}:
            b.rel("KNOWS", person, other)
        for event in {event_for() for _ in range(rng.choice([0, 1, 1, 2]))}:
            b.rel("PARTICIPATED_IN", person, event)
        if rng.random() < 0.3:
            b.rel("ANCESTRAL_HOME", person, rng.choice(towns))
        if rng.random() < 0.04:
            target = rng.choice(projects) if rng.random() < 0.5 else association_for()
            b.rel("DONATED_TO", person, target, amount=rng.randint(1, 500) * 1000)
    for agent in agents:
        if rng.random() < 0.5:
            b.rel("COOPERATES_WITH", agent, partner_for())
    for event in events:
        b.rel("ORGANIZED", partner_for(), event)
        for agent in {partner_for() for _ in range(3)}:
            b.rel("PARTICIPATED_IN", agent, event)
    for project in projects:
        for partner in {partner_for() for _ in range(2)}:
            b.rel("PARTNER_IN", partner, project)
        b.rel("FUNDS", partner_for(), project, amount=rng.randint(1, 100) * 100_000)
    for agreement in agreements:
        b.rel("PARTY_TO", office, agreement)
        b.rel("PARTY_TO", partner_for(), agreement)
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
