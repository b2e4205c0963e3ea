"""Graphs to draw in the viz tests: a small connect-style answer with Chinese
names, hostile names, and synthetic graphs of any size (for the 3,000-node
measurement)."""

from __future__ import annotations

import random

from renmai.graph.model import Entity, Relationship, Source
from renmai.graph.subgraph import Subgraph

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "'}) DETACH DELETE n //",
    "\u202eevil\u202c 名字 \u200bzero\u200dwidth",
    '"><svg onload=alert(1)>',
    "&lt;b&gt;not bold&lt;/b&gt; & \u2028line\u2029sep",
]

PHONE = "+86-760-8888-1234"
EMAIL = "chen.secret@example.org"


def _src(document: str, excerpt: str | None = None) -> list[Source]:
    return [Source(document=document, excerpt=excerpt)]


def connect_answer() -> Subgraph:
    """Who gets us to Israel: the shape of a ``connect`` answer, with two paths."""
    sub = Subgraph(title="中山 → 以色列 (Israel): 3 条路径")
    entities = [
        Entity(id="zhongshan", kind="City", name="中山市", name_en="Zhongshan", home=True),
        Entity(
            id="zs-fao",
            kind="Organization",
            name="中山市外事局",
            name_en="Zhongshan Foreign Affairs Bureau",
            properties={"category": "government", "city": "zhongshan"},
            home=True,
        ),
        Entity(id="china", kind="Country", name="中国", name_en="China"),
        Entity(id="israel", kind="Country", name="以色列", name_en="Israel"),
        Entity(
            id="il-consulate-gz",
            kind="Consulate",
            name="以色列驻广州总领事馆",
            name_en="Consulate General of Israel in Guangzhou",
            properties={"country": "israel"},
        ),
        Entity(
            id="kiryat-motzkin",
            kind="City",
            name="基里亚特莫茨金",
            name_en="Kiryat Motzkin",
            properties={"country": "israel"},
        ),
        Entity(
            id="chen-wei",
            kind="Person",
            name="陈伟",
            name_en="Chen Wei",
            aliases=["Wei Chen"],
            properties={"title": "会长", "phone": PHONE, "email": EMAIL},
            sources=_src("2023年侨务工作总结.docx", "陈伟会长多次促成中以交流"),
        ),
        Entity(
            id="il-cn-assoc",
            kind="Association",
            name="以色列中国和平统一促进会",
            properties={"category": "friendship", "country": "israel"},
        ),
        Entity(
            id="mou-2019",
            kind="Agreement",
            name="中山—基里亚特莫茨金友好合作备忘录",
            properties={"date": "2019-05", "category": "mou"},
        ),
        Entity(
            id="tech-fair-2023",
            kind="Event",
            name="2023中以科技创新合作洽谈会",
            properties={"date": "2023-09-12"},
        ),
        Entity(
            id="water-project",
            kind="Project",
            name="中以节水农业示范项目",
            properties={"status": "ongoing"},
        ),
    ]
    for entity in entities:
        sub.add_entity(entity)
    rels = [
        Relationship(type="PART_OF", from_id="zs-fao", to_id="zhongshan"),
        Relationship(type="LOCATED_IN", from_id="zhongshan", to_id="china"),
        Relationship(
            type="LIAISES_WITH",
            from_id="zs-fao",
            to_id="il-consulate-gz",
            since="2018",
            sources=_src("外事局联络名册.xlsx", "以色列驻穗总领馆 — 经贸处"),
        ),
        Relationship(type="REPRESENTS", from_id="il-consulate-gz", to_id="israel"),
        Relationship(type="LOCATED_IN", from_id="kiryat-motzkin", to_id="israel"),
        Relationship(type="PARTY_TO", from_id="zhongshan", to_id="mou-2019"),
        Relationship(type="PARTY_TO", from_id="kiryat-motzkin", to_id="mou-2019"),
        Relationship(type="FRIENDSHIP_MOU_WITH", from_id="zhongshan", to_id="kiryat-motzkin"),
        Relationship(type="MEMBER_OF", from_id="chen-wei", to_id="il-cn-assoc"),
        Relationship(type="LIAISES_WITH", from_id="zs-fao", to_id="chen-wei"),
        Relationship(type="LOCATED_IN", from_id="il-cn-assoc", to_id="israel"),
        Relationship(type="ORGANIZED", from_id="zs-fao", to_id="tech-fair-2023"),
        Relationship(type="PARTICIPATED_IN", from_id="il-consulate-gz", to_id="tech-fair-2023"),
        Relationship(type="PARTNER_IN", from_id="zhongshan", to_id="water-project"),
        Relationship(type="PARTNER_IN", from_id="kiryat-motzkin", to_id="water-project"),
    ]
    for rel in rels:
        sub.add_relationship(rel)
    sub.origins = {"zs-fao"}
    sub.targets = {"israel"}
    sub.highlighted = {
        Relationship(type="LIAISES_WITH", from_id="zs-fao", to_id="il-consulate-gz").identity,
        Relationship(type="REPRESENTS", from_id="il-consulate-gz", to_id="israel").identity,
    }
    return sub


def hostile_answer() -> Subgraph:
    """Entities named like attacks, joined to one ordinary node."""
    sub = Subgraph(title="</title><script>alert('title')</script>")
    sub.add_entity(Entity(id="hub", kind="Association", name="普通社团"))
    for i, name in enumerate(HOSTILE_NAMES):
        eid = f"bad-{i}"
        sub.add_entity(
            Entity(
                id=eid,
                kind="Person",
                name=name,
                name_en=name,
                aliases=[name + " alias"],
                description=name,
                properties={"title": name},
                sources=[Source(document=name, excerpt=name)],
            )
        )
        sub.add_relationship(
            Relationship(
                type="MEMBER_OF",
                from_id=eid,
                to_id="hub",
                properties={"role": name},
                sources=[Source(document=name, excerpt=name)],
            )
        )
    return sub


_SURNAMES = "陈李黄张林王吴刘梁何郑杨谢郭罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def synthetic(n: int, seed: int = 1) -> Subgraph:
    """A graph of ``n`` entities shaped like the real one: a few countries and
    cities, many associations and people, edges of every common kind."""
    rng = random.Random(seed)
    sub = Subgraph(title=f"synthetic {n}")
    shares = [
        ("Country", 0.02),
        ("City", 0.08),
        ("Association", 0.2),
        ("Consulate", 0.02),
        ("Organization", 0.14),
        ("Project", 0.05),
        ("Event", 0.05),
        ("Agreement", 0.03),
    ]
    by_kind: dict[str, list[str]] = {}
    count = 0
    for kind, share in shares:
        for _ in range(max(1, int(n * share))):
            by_kind.setdefault(kind, []).append(f"{kind.lower()}-{count}")
            count += 1
    by_kind["Person"] = [f"person-{i}" for i in range(count, n)]
    for kind, ids in by_kind.items():
        for eid in ids:
            if kind == "Person":
                name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN)
            else:
                name = f"{kind}{eid.rsplit('-', 1)[1]}号"
            props = {"country": rng.choice(by_kind["Country"])} if kind == "Consulate" else {}
            sub.add_entity(Entity(id=eid, kind=kind, name=name, name_en=eid, properties=props))

    def link(rel_type: str, a: str, b: str) -> None:
        if a != b:
            sub.add_relationship(Relationship(type=rel_type, from_id=a, to_id=b))

    countries, cities = by_kind["Country"], by_kind["City"]
    for city in cities:
        link("LOCATED_IN", city, rng.choice(countries))
    for i in range(len(cities) // 4):
        link("SISTER_CITY_OF", cities[i], rng.choice(cities))
    for kind in ("Association", "Organization", "Consulate"):
        for eid in by_kind[kind]:
            link("LOCATED_IN", eid, rng.choice(cities))
    for consulate in by_kind["Consulate"]:
        link("REPRESENTS", consulate, rng.choice(countries))
    associations = by_kind["Association"]
    for person in by_kind["Person"]:
        link("MEMBER_OF", person, rng.choice(associations))
        if rng.random() < 0.3:
            link("HOLDS_POSITION", person, rng.choice(by_kind["Organization"]))
        if rng.random() < 0.3:
            link("KNOWS", person, rng.choice(by_kind["Person"]))
    for assoc in associations:
        if rng.random() < 0.4:
            link("COOPERATES_WITH", assoc, rng.choice(associations))
    for project in by_kind["Project"]:
        link("PARTNER_IN", rng.choice(by_kind["Organization"]), project)
        link("FUNDS", rng.choice(associations), project)
    for event in by_kind["Event"]:
        link("ORGANIZED", rng.choice(associations), event)
        for _ in range(3):
            link("PARTICIPATED_IN", rng.choice(by_kind["Person"]), event)
    for agreement in by_kind["Agreement"]:
        link("PARTY_TO", rng.choice(cities), agreement)
        link("PARTY_TO", rng.choice(by_kind["Organization"]), agreement)
    return sub
