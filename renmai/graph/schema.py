"""The graph schema: entity kinds, relationship kinds and which kinds they may join.

This module is the single declaration of renmai's data model. Loaders, stores,
queries and views read kinds, fields, labels and relationship types from
:data:`SCHEMA`; nothing else in the code base names a Neo4j label or a
relationship type on its own.

>>> SCHEMA.entity_kind("City").fields["country"].type
'ref'
>>> SCHEMA.relationship_kind("REPRESENTS").allows("Consulate", "Country")
True
>>> SCHEMA.relationship_kind("REPRESENTS").allows("Person", "Country")
False
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

FieldType = Literal["text", "date", "number", "bool", "ref", "enum", "list"]


class FieldSpec(BaseModel):
    """One kind-specific field of an entity or relationship kind."""

    model_config = ConfigDict(frozen=True)

    type: FieldType = "text"
    label: str = ""
    #: For ``enum``: the allowed values.
    values: tuple[str, ...] = ()
    #: For ``ref``: the entity kinds the referenced id may have.
    ref_kinds: tuple[str, ...] = ()
    #: For ``ref``: the relationship the reference implies (entity -> referenced
    #: entity), so that a spreadsheet column ``country`` becomes an edge the
    #: queries can walk.
    implies: str | None = None
    required: bool = False
    #: Personal data: kept, but never shown or exported unless asked for.
    personal: bool = False

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum field needs values")
        if self.type == "ref" and not self.ref_kinds:
            raise ValueError("a ref field needs ref_kinds")
        return self


class EntityKind(BaseModel):
    """A kind of entity: its Neo4j label, display names and its own fields."""

    model_config = ConfigDict(frozen=True)

    name: str
    label_zh: str
    description: str
    fields: dict[str, FieldSpec] = {}
    #: Kinds that can act (sign, attend, know, fund). Used by queries to pick
    #: the "first contact we would call" along a path.
    agent: bool = False
    #: Geographic containers: reached through containment, never bridged.
    place: bool = False
    #: The kind whose entities are countries (exactly one): what an entity's
    #: country field names, what ``coverage`` counts, what a ``*_country``
    #: column resolves to.
    country: bool = False
    #: The kind whose entities are people (exactly one): who holds posts.
    person: bool = False
    #: The kind whose entities are agreements (exactly one): what ``renmai
    #: agreements`` lists, with its parties and lifecycle.
    agreement: bool = False
    #: Date fields that date the contact a relationship to an entity of this
    #: kind records: an event's date is when its participants met. Only kinds
    #: that cannot act have them: an association's founding date says nothing
    #: about when we last spoke to it.
    evidence: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> EntityKind:
        for name in self.evidence:
            spec = self.fields.get(name)
            if spec is None or spec.type != "date":
                raise ValueError(f"{self.name}: evidence {name!r} is not one of its date fields")
        if self.agent and self.evidence:
            raise ValueError(f"{self.name}: a kind that can act has no evidence dates")
        return self


class RelationshipKind(BaseModel):
    """A kind of relationship and the entity kinds it may join."""

    model_config = ConfigDict(frozen=True)

    name: str
    label_zh: str
    label_en: str
    description: str
    from_kinds: tuple[str, ...]
    to_kinds: tuple[str, ...]
    fields: dict[str, FieldSpec] = {}
    #: Symmetric kinds are stored once, with the ends in id order.
    symmetric: bool = False
    #: Geographic containment: how a place is reached, never a bridge between
    #: two other entities.
    containment: bool = False
    #: Base strength of the tie, 0..1: how much a path along it is worth.
    strength: float = 0.5

    @cached_property
    def end_kinds(self) -> dict[str, frozenset[str]]:
        """The kinds the ``from`` and the ``to`` end may have (either, if symmetric)."""
        ends = {"from": frozenset(self.from_kinds), "to": frozenset(self.to_kinds)}
        if self.symmetric:
            ends = dict.fromkeys(ends, ends["from"] | ends["to"])
        return ends

    @property
    def joins(self) -> str:
        """What it joins, in words: ``Person to Organization/Association``."""
        return f"{'/'.join(self.from_kinds)} to {'/'.join(self.to_kinds)}"

    def allows(self, from_kind: str, to_kind: str) -> bool:
        """Whether this kind may join an entity of ``from_kind`` to one of ``to_kind``."""
        if from_kind in self.from_kinds and to_kind in self.to_kinds:
            return True
        return self.symmetric and from_kind in self.to_kinds and to_kind in self.from_kinds


class Schema(BaseModel):
    """The whole model: entity kinds and relationship kinds, cross-checked."""

    model_config = ConfigDict(frozen=True)

    entity_kinds: tuple[EntityKind, ...]
    relationship_kinds: tuple[RelationshipKind, ...]
    #: Fields every entity has, whatever its kind. Kind fields may not reuse them.
    core_entity_fields: tuple[str, ...] = (
        "id",
        "kind",
        "name",
        "name_en",
        "aliases",
        "tags",
        "description",
        "home",
        "sources",
    )
    core_relationship_fields: tuple[str, ...] = (
        "type",
        "from",
        "to",
        "key",
        "since",
        "until",
        "sources",
    )

    @model_validator(mode="after")
    def _cross_check(self) -> Schema:
        kinds = {k.name for k in self.entity_kinds}
        rel_names = {r.name for r in self.relationship_kinds}
        for kind in self.entity_kinds:
            for field_name, spec in kind.fields.items():
                if field_name in self.core_entity_fields:
                    raise ValueError(f"{kind.name}.{field_name} shadows a core field")
                unknown = set(spec.ref_kinds) - kinds
                if unknown:
                    raise ValueError(f"{kind.name}.{field_name} refers to unknown kinds {unknown}")
                if spec.implies and spec.implies not in rel_names:
                    raise ValueError(f"{kind.name}.{field_name} implies unknown {spec.implies}")
        for rel in self.relationship_kinds:
            unknown = (set(rel.from_kinds) | set(rel.to_kinds)) - kinds
            if unknown:
                raise ValueError(f"{rel.name} joins unknown kinds {unknown}")
            for field_name in rel.fields:
                if field_name in self.core_relationship_fields:
                    raise ValueError(f"{rel.name}.{field_name} shadows a core field")
        for role in ("country", "person", "agreement"):
            flagged = [k.name for k in self.entity_kinds if getattr(k, role)]
            if len(flagged) != 1:
                raise ValueError(f"exactly one entity kind must be the {role} kind, not {flagged}")
        country = next(k.name for k in self.entity_kinds if k.country)
        for kind in self.entity_kinds:
            fields = [n for n, spec in kind.fields.items() if _names_country(spec, country)]
            if len(fields) > 1:
                raise ValueError(f"{kind.name} has more than one country field: {fields}")
        return self

    @cached_property
    def _entities(self) -> dict[str, EntityKind]:
        return {k.name: k for k in self.entity_kinds}

    @cached_property
    def _relationships(self) -> dict[str, RelationshipKind]:
        return {r.name: r for r in self.relationship_kinds}

    # -- facts derived from the declaration, computed once -----------------------
    @cached_property
    def country_kind(self) -> str:
        """The kind whose entities are countries (:attr:`EntityKind.country`)."""
        return next(k.name for k in self.entity_kinds if k.country)

    @cached_property
    def person_kind(self) -> str:
        """The kind whose entities are people (:attr:`EntityKind.person`)."""
        return next(k.name for k in self.entity_kinds if k.person)

    @cached_property
    def agreement_kind(self) -> str:
        """The kind whose entities are agreements (:attr:`EntityKind.agreement`)."""
        return next(k.name for k in self.entity_kinds if k.agreement)

    @cached_property
    def agent_kinds(self) -> frozenset[str]:
        """Entity kinds that can act (:attr:`EntityKind.agent`)."""
        return frozenset(k.name for k in self.entity_kinds if k.agent)

    @cached_property
    def place_kinds(self) -> frozenset[str]:
        """Entity kinds that are geographic containers (:attr:`EntityKind.place`)."""
        return frozenset(k.name for k in self.entity_kinds if k.place)

    @cached_property
    def country_fields(self) -> dict[str, str]:
        """For each kind that has one, the field that names its country: the
        reference to the country kind that implies a relationship (a person's
        ``country``, not their ``nationality``)."""
        found = {}
        for kind in self.entity_kinds:
            for name, spec in kind.fields.items():
                if _names_country(spec, self.country_kind):
                    found[kind.name] = name
        return found

    @cached_property
    def reference_fields(self) -> dict[str, dict[str, FieldSpec]]:
        """For each kind, its reference fields (``type: ref``) by name."""
        return {
            k.name: {n: spec for n, spec in k.fields.items() if spec.type == "ref"}
            for k in self.entity_kinds
        }

    @cached_property
    def upward_fields(self) -> dict[str, tuple[str, ...]]:
        """For each kind, the reference fields that say where an entity is: those
        implying a containment relationship (``country``, ``city``, ``part_of`` …)."""
        return {
            kind: tuple(n for n, spec in refs.items() if spec.implies in self.containment_kinds)
            for kind, refs in self.reference_fields.items()
        }

    @cached_property
    def personal_fields(self) -> dict[str, frozenset[str]]:
        """For each kind, the fields that hold personal data (:attr:`FieldSpec.personal`)."""
        return {
            k.name: frozenset(n for n, spec in k.fields.items() if spec.personal)
            for k in self.entity_kinds
        }

    @cached_property
    def personal_field_names(self) -> tuple[str, ...]:
        """Every personal field of any kind, once, in declaration order (phone, email …)."""
        names = (n for k in self.entity_kinds for n, spec in k.fields.items() if spec.personal)
        return tuple(dict.fromkeys(names))

    @cached_property
    def containment_kinds(self) -> frozenset[str]:
        """Relationship kinds that are geographic or organisational containment."""
        return frozenset(r.name for r in self.relationship_kinds if r.containment)

    def _points_at_places(self, kind: RelationshipKind) -> bool:
        """A kind by which something that is not a place points only at places
        (a consulate at the country it represents, a leader at an ancestral home)."""
        places = self.place_kinds
        return (
            not kind.containment
            and set(kind.to_kinds) <= places
            and not set(kind.from_kinds) <= places
        )

    @cached_property
    def place_tie_kinds(self) -> frozenset[str]:
        """Kinds that tie an entity to a place it stands for or comes from
        (REPRESENTS, ANCESTRAL_HOME …): a place target includes their sources."""
        return frozenset(r.name for r in self.relationship_kinds if self._points_at_places(r))

    @cached_property
    def contact_kinds(self) -> frozenset[str]:
        """Relationship kinds that record contact, as opposed to where or what a thing is.

        Containment kinds and place ties (:attr:`place_tie_kinds`) are facts
        about an entity, not ties anyone keeps up. Two cities' sister-city tie
        is contact.
        """
        facts = self.containment_kinds | self.place_tie_kinds
        return frozenset(r.name for r in self.relationship_kinds if r.name not in facts)

    @cached_property
    def position_kinds(self) -> frozenset[str]:
        """Kinds by which only a person points at an organization (a post held):
        what tells who a person is, next to their name in an answer."""
        return frozenset(
            r.name
            for r in self.relationship_kinds
            if r.from_kinds == (self.person_kind,)
            and not r.symmetric
            and r.name not in self.place_tie_kinds
        )

    def is_geographic(self, rel_type: str, container_kind: str | None) -> bool:
        """Whether a relationship of ``rel_type`` to an entity of ``container_kind``
        is geographic containment: a containment kind whose container is a place.
        A unit ``PART_OF`` its organization is an ordinary tie."""
        return rel_type in self.containment_kinds and container_kind in self.place_kinds

    @property
    def entity_kind_names(self) -> tuple[str, ...]:
        return tuple(self._entities)

    @property
    def relationship_kind_names(self) -> tuple[str, ...]:
        return tuple(self._relationships)

    def has_entity_kind(self, name: str) -> bool:
        return name in self._entities

    def has_relationship_kind(self, name: str) -> bool:
        return name in self._relationships

    def entity_kind(self, name: str) -> EntityKind:
        """The entity kind called ``name``; ``KeyError`` names the known kinds."""
        try:
            return self._entities[name]
        except KeyError:
            raise KeyError(
                f"unknown entity kind {name!r} (known: {', '.join(self._entities)})"
            ) from None

    def relationship_kind(self, name: str) -> RelationshipKind:
        """The relationship kind called ``name``; ``KeyError`` names the known kinds."""
        try:
            return self._relationships[name]
        except KeyError:
            raise KeyError(
                f"unknown relationship kind {name!r} (known: {', '.join(self._relationships)})"
            ) from None

    def resolve_entity_kind(self, text: str) -> str | None:
        """The kind named by ``text``, case-insensitively, or by its Chinese label."""
        folded = text.strip().casefold()
        for kind in self.entity_kinds:
            if folded in (kind.name.casefold(), kind.label_zh):
                return kind.name
        return None

    def resolve_relationship_kind(self, text: str) -> str | None:
        """The relationship kind named by ``text`` (any case, ``-`` or space for ``_``)."""
        folded = text.strip().upper().replace("-", "_").replace(" ", "_")
        if folded in self._relationships:
            return folded
        for rel in self.relationship_kinds:
            if text.strip() == rel.label_zh:
                return rel.name
        return None


def _names_country(spec: FieldSpec, country_kind: str) -> bool:
    """Whether a field says which country an entity is in (or stands for)."""
    return spec.type == "ref" and spec.ref_kinds == (country_kind,) and spec.implies is not None


# --------------------------------------------------------------------------
# The declaration. Kinds that can act on their own behalf:
AGENTS = ("Person", "Organization", "Association", "Consulate", "City", "Country")
PLACES = ("Country", "City")
ANYTHING = (
    "Country",
    "City",
    "Association",
    "Consulate",
    "Person",
    "Organization",
    "Project",
    "Event",
    "Agreement",
)

#: Where an agreement stands (``Agreement.status``).
AGREEMENT_STATUSES = ("in_force", "expired", "renewed", "lapsed", "planned")

_text = FieldSpec()
_date = FieldSpec(type="date")
_country = FieldSpec(type="ref", ref_kinds=("Country",), implies="LOCATED_IN", label="国家/地区")
_city = FieldSpec(type="ref", ref_kinds=("City",), implies="LOCATED_IN", label="城市")
_amount = FieldSpec(type="number", label="金额")
_currency = FieldSpec(label="币种")
_role = FieldSpec(label="角色")
#: Contact details: kept, never shown or exported unless asked for.
_contacts = {
    "phone": FieldSpec(label="电话", personal=True),
    "email": FieldSpec(label="电子邮件", personal=True),
    "wechat": FieldSpec(label="微信", personal=True),
    "address": FieldSpec(label="地址", personal=True),
}
#: What an association, an office or a consulate can be reached at.
_body_contacts = {**_contacts, "website": FieldSpec(label="网址", personal=True)}

SCHEMA = Schema(
    entity_kinds=(
        EntityKind(
            name="Country",
            label_zh="国家/地区",
            description="A country, or a region with its own government such as the "
            "Hong Kong and Macao SARs.",
            place=True,
            agent=True,
            country=True,
            fields={
                "iso_code": FieldSpec(label="ISO 3166 code"),
                "status": FieldSpec(type="enum", values=("country", "sar", "region"), label="类型"),
                "region": FieldSpec(label="区域"),
            },
        ),
        EntityKind(
            name="City",
            label_zh="城市",
            description="A city, or a town or district of one (镇区), or a named area "
            "such as Silicon Valley.",
            place=True,
            agent=True,
            fields={
                "country": _country,
                "level": FieldSpec(
                    type="enum",
                    values=("province", "state", "city", "town", "district", "community", "area"),
                    label="级别",
                ),
                "part_of": FieldSpec(
                    type="ref", ref_kinds=("City",), implies="PART_OF", label="上级城市"
                ),
                # The GeoNames place it is (renmai.graph.gazetteer), and where.
                "geonames_id": FieldSpec(type="number", label="GeoNames id"),
                "latitude": FieldSpec(type="number", label="纬度"),
                "longitude": FieldSpec(type="number", label="经度"),
            },
        ),
        EntityKind(
            name="Association",
            label_zh="社团",
            description="Overseas Chinese associations (侨团), chambers of commerce, "
            "hometown, alumni, youth and friendship associations.",
            agent=True,
            fields={
                "category": FieldSpec(
                    type="enum",
                    values=(
                        "hometown",
                        "clan",
                        "commerce",
                        "youth",
                        "alumni",
                        "friendship",
                        "professional",
                        "returnees",
                        "other",
                    ),
                    label="类别",
                ),
                "founded": FieldSpec(type="date", label="成立"),
                "country": _country,
                "city": _city,
                **_body_contacts,
            },
        ),
        EntityKind(
            name="Consulate",
            label_zh="领馆",
            description="A foreign consulate (or consulate general) and the country it represents.",
            agent=True,
            fields={
                "country": FieldSpec(
                    type="ref",
                    ref_kinds=("Country",),
                    implies="REPRESENTS",
                    label="代表国家",
                    required=True,
                ),
                "city": _city,
                **_body_contacts,
            },
        ),
        EntityKind(
            name="Person",
            label_zh="人物",
            description="Diaspora leaders (侨领), officials, experts and business people.",
            agent=True,
            person=True,
            fields={
                "title": FieldSpec(label="职务"),
                "nationality": FieldSpec(type="ref", ref_kinds=("Country",), label="国籍"),
                "country": _country,
                "city": _city,
                **_contacts,
            },
        ),
        EntityKind(
            name="Organization",
            label_zh="机构",
            description="Government bodies, universities, schools, companies, hospitals, "
            "sports clubs, media and other institutions.",
            agent=True,
            fields={
                "category": FieldSpec(
                    type="enum",
                    values=(
                        "government",
                        "university",
                        "school",
                        "research",
                        "company",
                        "hospital",
                        "club",
                        "media",
                        "ngo",
                        "other",
                    ),
                    label="类别",
                ),
                "country": _country,
                "city": _city,
                "parent": FieldSpec(
                    type="ref",
                    ref_kinds=("Organization", "Association"),
                    implies="PART_OF",
                    label="上级机构",
                ),
                "founded": FieldSpec(type="date", label="成立"),
                **_body_contacts,
            },
        ),
        EntityKind(
            name="Project",
            label_zh="项目",
            description="A joint project, platform or programme, with its status.",
            fields={
                "status": FieldSpec(
                    type="enum",
                    values=("proposed", "planned", "ongoing", "completed", "stalled"),
                    label="状态",
                ),
                "start": FieldSpec(type="date", label="开始"),
                "end": FieldSpec(type="date", label="结束"),
                "city": _city,
                "country": _country,
            },
            evidence=("start", "end"),
        ),
        EntityKind(
            name="Event",
            label_zh="活动",
            description="A meeting, visit, fair, forum, exhibition or exchange programme.",
            fields={
                "date": FieldSpec(type="date", label="日期"),
                "end_date": FieldSpec(type="date", label="结束日期"),
                "place": FieldSpec(
                    type="ref", ref_kinds=("City", "Country"), implies="LOCATED_IN", label="地点"
                ),
                "recurring": FieldSpec(type="bool", label="定期举办"),
                # What kind of contact it was (``renmai log --kind``).
                "category": FieldSpec(
                    type="enum",
                    values=("meeting", "visit", "call", "event", "delegation"),
                    label="类型",
                ),
            },
            evidence=("date", "end_date"),
        ),
        EntityKind(
            name="Agreement",
            label_zh="协议",
            agreement=True,
            description="An MOU, sister-city or cooperation agreement, or a contract; its "
            "parties are joined to it by PARTY_TO.",
            fields={
                "date": FieldSpec(type="date", label="签署日期"),
                "category": FieldSpec(
                    type="enum",
                    values=("mou", "sister_city", "cooperation", "contract", "other"),
                    label="类别",
                ),
                "amount": _amount,
                "currency": _currency,
                # The lifecycle (``renmai agreements``): ``date`` is when it was signed.
                "status": FieldSpec(
                    type="enum",
                    values=AGREEMENT_STATUSES,
                    label="状态",
                ),
                "in_force_until": FieldSpec(type="date", label="有效期至"),
                "renewed": FieldSpec(type="date", label="续签日期"),
            },
            # A renewal is contact; the end of validity is a date ahead, not one.
            evidence=("date", "renewed"),
        ),
    ),
    relationship_kinds=(
        RelationshipKind(
            name="LOCATED_IN",
            label_zh="位于",
            label_en="located in",
            description="Where an entity is. Geographic containment: a way to reach a place, "
            "never a bridge between two entities.",
            from_kinds=tuple(k for k in ANYTHING if k != "Country"),
            to_kinds=PLACES,
            containment=True,
            strength=0.3,
        ),
        RelationshipKind(
            name="PART_OF",
            label_zh="隶属",
            label_en="part of",
            description="A town or district of a city, a city of a country or SAR, a unit "
            "of an organization, a branch of an association.",
            from_kinds=("City", "Country", "Organization", "Association"),
            to_kinds=("City", "Country", "Organization", "Association"),
            containment=True,
            strength=0.6,
        ),
        RelationshipKind(
            name="SISTER_CITY_OF",
            label_zh="友好城市",
            label_en="sister city of",
            description="Formal sister-city (友好城市) relationship.",
            from_kinds=("City",),
            to_kinds=("City",),
            symmetric=True,
            strength=0.9,
        ),
        RelationshipKind(
            name="FRIENDSHIP_MOU_WITH",
            label_zh="友好合作备忘录",
            label_en="friendship MOU with",
            description="A friendship and cooperation memorandum (准友城 for cities).",
            from_kinds=("City", "Organization", "Association"),
            to_kinds=("City", "Organization", "Association"),
            symmetric=True,
            strength=0.8,
        ),
        RelationshipKind(
            name="REPRESENTS",
            label_zh="代表",
            label_en="represents",
            description="A consulate represents a country.",
            from_kinds=("Consulate",),
            to_kinds=("Country",),
            strength=0.9,
        ),
        RelationshipKind(
            name="MEMBER_OF",
            label_zh="成员",
            label_en="member of",
            description="Membership of an association or organization.",
            from_kinds=("Person", "Organization", "Association", "City"),
            to_kinds=("Association", "Organization"),
            fields={"role": _role},
            strength=0.6,
        ),
        RelationshipKind(
            name="HOLDS_POSITION",
            label_zh="任职",
            label_en="holds position at",
            description="A person's post (with its title) at an organization, association, "
            "consulate, city or country.",
            from_kinds=("Person",),
            to_kinds=("Organization", "Association", "Consulate", "City", "Country"),
            fields={"title": FieldSpec(label="职务")},
            strength=0.9,
        ),
        RelationshipKind(
            name="ANCESTRAL_HOME",
            label_zh="祖籍",
            label_en="ancestral home",
            description="A person or association rooted (祖籍/乡缘) in a town of the home city.",
            from_kinds=("Person", "Association"),
            to_kinds=("City",),
            strength=0.7,
        ),
        RelationshipKind(
            name="PARTY_TO",
            label_zh="签署",
            label_en="party to",
            description="A party to an agreement.",
            from_kinds=AGENTS,
            to_kinds=("Agreement",),
            fields={"role": _role},
            strength=0.85,
        ),
        RelationshipKind(
            name="ORGANIZED",
            label_zh="主办",
            label_en="organized",
            description="Organized or hosted an event.",
            from_kinds=AGENTS,
            to_kinds=("Event",),
            fields={"role": _role},
            strength=0.75,
        ),
        RelationshipKind(
            name="PARTICIPATED_IN",
            label_zh="参加",
            label_en="participated in",
            description="Attended or took part in an event.",
            from_kinds=AGENTS,
            to_kinds=("Event",),
            fields={"role": _role},
            strength=0.6,
        ),
        RelationshipKind(
            name="PARTNER_IN",
            label_zh="合作",
            label_en="partner in",
            description="A partner in a project.",
            from_kinds=AGENTS,
            to_kinds=("Project",),
            fields={"role": _role},
            strength=0.75,
        ),
        RelationshipKind(
            name="FUNDS",
            label_zh="投资",
            label_en="funds",
            description="Funds or invests in a project.",
            from_kinds=AGENTS,
            to_kinds=("Project",),
            fields={"amount": _amount, "currency": _currency},
            strength=0.7,
        ),
        RelationshipKind(
            name="DONATED_TO",
            label_zh="捐赠",
            label_en="donated to",
            description="A donation (侨捐), with its amount where known.",
            from_kinds=("Person", "Organization", "Association"),
            to_kinds=("Organization", "Association", "Project", "City", "Event"),
            fields={"amount": _amount, "currency": _currency},
            strength=0.7,
        ),
        RelationshipKind(
            name="SUPPORTED",
            label_zh="支持",
            label_en="supported",
            description="Helped found, backed or assisted (a consulate issuing visas for a "
            "trade fair, the office supporting a new association).",
            from_kinds=AGENTS,
            to_kinds=ANYTHING,
            fields={"role": _role},
            strength=0.7,
        ),
        RelationshipKind(
            name="COOPERATES_WITH",
            label_zh="合作交流",
            label_en="cooperates with",
            description="A standing cooperation or exchange between two bodies.",
            from_kinds=AGENTS,
            to_kinds=AGENTS,
            fields={"role": _role},
            symmetric=True,
            strength=0.75,
        ),
        RelationshipKind(
            name="KNOWS",
            label_zh="认识",
            label_en="knows",
            description="Two people who know each other.",
            from_kinds=("Person",),
            to_kinds=("Person",),
            symmetric=True,
            strength=0.6,
        ),
        RelationshipKind(
            name="LIAISES_WITH",
            label_zh="联络",
            label_en="liaises with",
            description="A standing working contact of ours.",
            from_kinds=AGENTS,
            to_kinds=AGENTS,
            fields={"role": _role},
            strength=0.85,
        ),
    ),
)
