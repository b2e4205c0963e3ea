"""From drafts to entities and relationships: ids given, names resolved, all checked.

Everything a load names is looked up in the batch itself and in the store
(:func:`renmai.graph.resolve.resolve`), in this order:

1. entities with an ``id`` claim it (an id already used by another kind, in
   the batch or the store, is a problem);
2. entities without one are resolved by name (then English name, then
   aliases) within their kind — countries first, then the rest using their
   country to tell same-named places apart. One that resolves updates that
   entity (keeping its name: a row never renames without an id); one that
   does not gets a new id (:mod:`~renmai.loaders.ids`);
3. reference fields (``country: 瑞士``) and relationship ends (``from: 仁川``)
   are resolved to ids, within the kinds they may have.

Every problem is collected with its location; nothing is raised.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from pydantic import ValidationError

from renmai.graph import places
from renmai.graph.gazetteer import CityEntry, open_gazetteer
from renmai.graph.model import (
    Entity,
    Relationship,
    SchemaViolation,
    endpoint_problems,
    merge_entity,
    problems_of,
)
from renmai.graph.names import has_han, pinyin_key
from renmai.graph.resolve import (
    EntityIndex,
    Resolution,
    describe,
    holding,
    resolve,
    resolve_any,
    wants_places,
)
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Progress, Store
from renmai.loaders.decisions import Decisions
from renmai.loaders.errors import LoadWarning, LocatedProblem, Location
from renmai.loaders.ids import new_id
from renmai.loaders.outcomes import NameOutcomes
from renmai.loaders.progress import no_progress
from renmai.loaders.records import Draft, End, EntityDraft, RelationshipDraft, as_text

#: A draft that carries the sources of what it names.
Sourced = EntityDraft | RelationshipDraft


@dataclass
class Batch:
    """What a load will write, and what is wrong with it."""

    entities: list[Entity] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    problems: list[LocatedProblem] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    #: Where each entity id was first read, to locate what the store's own
    #: checks find.
    origins: dict[str, Location] = field(default_factory=dict)
    #: Where each of :attr:`relationships` was read, in the same order (a list:
    #: a map keyed by identity text cost 100 MB at 500k relationships, and is
    #: only needed when the store finds a problem).
    rel_origins: list[Location] = field(default_factory=list)
    #: What became of the names the load resolved.
    names: NameOutcomes = field(default_factory=NameOutcomes)
    #: Names that could mean several entities, for a person to decide.
    ambiguities: list[Ambiguity] = field(default_factory=list)
    _rel_map: dict[str, Location] | None = field(default=None, repr=False, compare=False)

    def origin(self, record: str) -> Location | None:
        """Where an entity id or a relationship identity (as text) was first read."""
        if record in self.origins:
            return self.origins[record]
        if self._rel_map is None:
            self._rel_map = {}
            for rel, where in zip(self.relationships, self.rel_origins, strict=True):
                self._rel_map.setdefault(str(rel.identity), where)
        return self._rel_map.get(record)


class Ambiguity(NamedTuple):
    """A name (given with a country) that fits several entities."""

    text: str
    country: str
    candidates: tuple[Entity, ...]
    where: Location


def build_batch(
    store: Store,
    entities: Sequence[EntityDraft],
    relationships: Sequence[RelationshipDraft],
    *,
    decisions: Decisions | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Entities and relationships from drafts, checked against the batch and the
    store; ``decisions`` settle ambiguous names; ``progress`` is told of each
    draft done."""
    builder = _Builder(store, decisions or Decisions())
    return builder.build(entities, relationships, progress or no_progress)


#: New ids a load checks in full (:func:`resolve_any`: candidates listed, places
#: matched by the gazetteer too); past these, a new id whose name stored entities
#: of its kind have is counted in one warning. A national registry loaded in
#: parts shares names by the thousand, and each full check costs round trips
#: (14 ms into Neo4j: 1,000 were two thirds of a 20,000-entity part's load);
#: a person reads a couple of hundred such warnings, and ``renmai dedupe``
#: lists every one.
FULL_CHECKS = 200


class _Builder:
    def __init__(self, store: Store, decisions: Decisions) -> None:
        self.store = store
        self.decisions = decisions
        #: Ids this load makes (not in the store before it).
        self.created: set[str] = set()
        #: The batch as resolution sees it: each entity as it will be once
        #: written (its stored version merged with what the load says).
        self.index = EntityIndex()
        self.batch = Batch()
        #: The first draft of each id, to say where a conflicting one was.
        self.first: dict[str, EntityDraft] = {}
        #: Country ids of drafts that name one, by ``id(draft)``.
        self.countries: dict[int, str] = {}
        self.built: dict[str, Entity] = {}
        #: Stored versions of the ids the drafts give, fetched in one round trip
        #: (an id fetched and absent maps to None).
        self.stored: dict[str, Entity | None] = {}
        #: The kinds of the stored entities whose ids the drafts' references
        #: give (``{id: kind}``), read at once: a reference that is an id is
        #: then found without a round trip of its own (a part of a large load
        #: into Neo4j made one or two per record).
        self.stored_kinds: dict[str, str] = {}
        #: What each text of a pairs list's country column resolved to.
        self.end_countries: dict[str, Resolution] = {}
        #: Whether the store holds no entity at all (asked once, when needed).
        self._store_empty: bool | None = None
        #: For each name of a new draft, the stored entities that have it as a
        #: name or an id, ``{id: kind}``.
        self.namesakes: dict[str, dict[str, str]] = {}
        #: Names checked in full (:func:`resolve_any`) so far in this load.
        self.checked = 0
        #: New drafts past :data:`FULL_CHECKS` that share a name with stored
        #: entities of their kind: counted in one warning.
        self.unlisted: list[EntityDraft] = []

    def problem(self, draft: Draft, field_path: str, message: str) -> None:
        self.batch.problems.append(draft.problem(field_path, message))

    # -- names -----------------------------------------------------------------
    def _lookup(
        self,
        text: str,
        kinds: Collection[str],
        country: str | None = None,
        country_text: str | None = None,
    ) -> Resolution:
        """:func:`resolve` within the load, after the decisions made for ``text``."""
        decided = self.decisions.get(text, (country_text, country))
        if decided is None:
            if (known := self._id_of(text, kinds)) is not None:
                return Resolution(known, "found", (self._known(known),), how="id")
            return resolve(self.store, text, kind=kinds, country=country, batch=self.index)
        entity = self.index.get(decided.id) or self.store.get(decided.id)
        if entity is None or entity.kind not in kinds:
            return Resolution(text, "missing", how="decision", origin="decision")
        return Resolution(text, "found", (entity,), how="decision", origin="decision")

    def _tally(self, found: Resolution, draft: Draft, country_text: str | None = None) -> None:
        """Count what became of a name; keep an ambiguous one for a person to decide."""
        if found.how == "id":
            return  # an id is not a name
        entity = found.entity
        if entity is not None:
            origin = found.origin or ("load" if entity.id in self.created else "graph")
            self.batch.names.add(origin, found.text, entity.id)
            return
        reason = "ambiguous" if found.status == "ambiguous" else "no match"
        self.batch.names.add("rejected", found.text, reason)
        if found.status == "ambiguous":
            self.batch.ambiguities.append(
                Ambiguity(found.text, country_text or "", found.candidates, draft.where())
            )

    def _id_of(self, text: str, kinds: Collection[str]) -> str | None:
        """The id ``text`` is, of an entity of one of ``kinds`` in the batch or
        the store: what :func:`resolve` finds first, without its set-up or a
        round trip (this runs twice per relationship of a load; a name is
        looked for in full by :func:`resolve`)."""
        text = text.strip()
        batch = self.index.get(text)
        kind = batch.kind if batch is not None else self.stored_kinds.get(text)
        return text if kind is not None and kind in kinds else None

    def _known(self, entity_id: str) -> Entity:
        """An entity :meth:`_id_of` found: the batch's, or a stored one known by
        id and kind only (the callers need no more)."""
        found = self.index.get(entity_id)
        if found is not None:
            return found
        return Entity.model_construct(
            id=entity_id, kind=self.stored_kinds[entity_id], name=entity_id
        )

    def _read_stored_kinds(
        self, entities: Sequence[EntityDraft], relationships: Sequence[RelationshipDraft]
    ) -> dict[str, str]:
        """The kinds of the stored entities the drafts' references may be ids of."""
        if self._store_is_empty():
            return {}
        texts: set[str] = set()
        for draft in entities:
            fields = SCHEMA.entity_kind(draft.kind).fields
            for name, value in draft.properties.items():
                spec = fields.get(name)
                if spec is not None and spec.type == "ref":
                    texts.add(as_text(value).strip())
        for rel in relationships:
            texts.update(e.text.strip() for e in rel.ends.values() if e.draft is None and e.text)
        return self.store.kinds(texts)

    def build(
        self,
        entities: Sequence[EntityDraft],
        relationships: Sequence[RelationshipDraft],
        progress: Progress,
    ) -> Batch:
        self.stored_kinds = self._read_stored_kinds(entities, relationships)
        named = self._assign_ids(entities)
        # Drafts left out by the id pass count as done: the bar ends full.
        progress(len(entities) - len(named))
        for draft in named:
            self._entity(draft)
            progress(1)
        for rel in relationships:
            self._relationship(rel)
            progress(1)
        return self.batch

    # -- ids -------------------------------------------------------------------
    def _assign_ids(self, drafts: Sequence[EntityDraft]) -> list[EntityDraft]:
        """Give every draft an id (given, resolved or new); the drafts that got one."""
        ok: set[int] = set()
        explicit = [d for d in drafts if d.id is not None]
        wanted = {d.id for d in explicit if d.id}
        self.stored = dict.fromkeys(wanted)
        self.stored.update(self.store.get_many(wanted))
        self.namesakes = self._namesakes(
            [d for d in explicit if self.stored.get(d.id or "") is None]
        )
        for draft in explicit:
            assert draft.id is not None
            prior, old = self.first.get(draft.id), self.stored.get(draft.id)
            if prior is not None and prior.kind != draft.kind:
                where = prior.where("id")
                self.problem(draft, "id", f"{draft.id!r} is already a {prior.kind} ({where})")
                continue
            if old is not None and old.kind != draft.kind:
                self.problem(draft, "id", f"{draft.id!r} is already a {old.kind} in the store")
                continue
            if prior is None and old is None:
                self.created.add(draft.id)
                self._warn_if_known(draft)
            self._claim(draft, old)
            ok.add(id(draft))
        unnamed = [d for d in drafts if d.id is None]
        # Countries first: the others use them to tell same-named places apart.
        for draft in [d for d in unnamed if d.kind not in SCHEMA.country_fields]:
            if self._resolve_id(draft, None):
                ok.add(id(draft))
        for draft in drafts:
            if id(draft) in ok and draft.id and self._country_of(draft):
                self._claim(draft, None)
        for draft in [d for d in unnamed if d.kind in SCHEMA.country_fields]:
            if self._resolve_id(draft, self._country_of(draft)):
                ok.add(id(draft))
        self._warn_of_unlisted()
        return [d for d in drafts if id(d) in ok]

    def _country_of(self, draft: EntityDraft) -> str | None:
        """The id of the country a draft names, when it names a known one."""
        if id(draft) not in self.countries:
            field = SCHEMA.country_fields.get(draft.kind)
            text = draft.properties.get(field) if field else None
            if field is None or text is None:
                return None
            spec = SCHEMA.entity_kind(draft.kind).fields[field]
            if (known := self._id_of(as_text(text), spec.ref_kinds)) is not None:
                self.countries[id(draft)] = known
                return known
            found = resolve(self.store, as_text(text), kind=spec.ref_kinds, batch=self.index)
            found = self._placed(found, draft, field)
            if found.entity is None:
                return None
            self.countries[id(draft)] = found.entity.id
        return self.countries[id(draft)]

    def _resolve_id(self, draft: EntityDraft, country: str | None) -> bool:
        country_field = SCHEMA.country_fields.get(draft.kind)
        country_text = _text_of(draft.properties.get(country_field)) if country_field else None
        decided = self.decisions.get(draft.name or "", (country_text, country))
        if decided is not None:
            found = self._lookup(draft.name or "", {draft.kind}, country, country_text)
        else:
            found = resolve_any(
                self.store, draft.names, kind=draft.kind, country=country, batch=self.index
            )
        if found.status == "ambiguous" or (decided is not None and found.entity is None):
            self._tally(found, draft, country_text)
            self.problem(
                draft, "name", _unresolved(found, {draft.kind}, country) + " in an id column"
            )
            return False
        if found.entity is not None:
            match = found.entity
            draft.id = match.id
            # A row without an id never renames: its name becomes an alias.
            if draft.name and draft.name != match.name:
                draft.aliases = [draft.name, *draft.aliases]
                draft.name = match.name
            self._claim(draft, None if match.id in self.index else match)
            self._tally(found, draft, country_text)
            return True
        if found.place is not None and self._place_fits(draft, found.place, country):
            draft.id = self._from_place(draft, found.place)
            self.batch.names.add("gazetteer", found.text, draft.id)
        else:
            draft.id = new_id(draft.name or "", draft.name_en, draft.kind, self._taken)
            self.batch.names.add("new", draft.name or draft.id, draft.id)
        self.created.add(draft.id)
        self._claim(draft, None)
        return True

    def _place_fits(self, draft: EntityDraft, place: places.Place, country: str | None) -> bool:
        """Whether the gazetteer's ``place`` can be the row's: of its kind and,
        for a row that gives a country, in that country (a country entity
        without a code is known by its name to the gazetteer, or not at all)."""
        if places.kind_of(place) != draft.kind:
            return False
        if country is None or not isinstance(place, CityEntry):
            return True
        entity = self.index.get(country) or self.store.get(country)
        if entity is None:
            return False
        code = places.field_value(entity, places.ISO_FIELD)
        if code is None:
            nation = open_gazetteer().country(entity.name)
            code = nation.code if nation is not None else None
        return code == place.country

    def _from_place(self, draft: EntityDraft, place: places.Place) -> str:
        """A row that is a country or city only the gazetteer knows: the
        gazetteer is a second source beside the row, and gives what the row
        does not (names, code or GeoNames id, coordinates, a city's country)
        — as it does for a place a reference names first (:meth:`_place`)."""
        name, name_en = places.entity_names(place)
        entity_id = new_id(name, name_en, draft.kind, self._taken)
        if draft.name_en is None:
            draft.name_en = name_en
        draft.aliases = places.aliases_for(place, [*draft.names])
        draft.name = name
        country_id = self._country_of(draft)
        if country_id is None and isinstance(place, CityEntry):
            country_id = self._country_entity(place, draft, "name")
            if country_id is not None:
                self.countries[id(draft)] = country_id
        for field_name, value in places.place_properties(place, country_id).items():
            draft.properties.setdefault(field_name, value)
        draft.sources = list(dict.fromkeys([place.source, *draft.sources]))
        self._note_place(draft.kind, name, entity_id, place, draft, "name")
        return entity_id

    def _taken(self, entity_id: str) -> bool:
        return entity_id in self.index or self.store.get(entity_id) is not None

    def _claim(self, draft: EntityDraft, stored: Entity | None) -> None:
        """Put the draft's names in the index, so later rows find it."""
        assert draft.id is not None
        self.first.setdefault(draft.id, draft)
        current = self.index.get(draft.id) or stored
        names = [*(current.all_names if current else []), *draft.aliases]
        properties = dict(current.properties) if current else {}
        if country := self.countries.get(id(draft)):
            properties[SCHEMA.country_fields[draft.kind]] = country
        # A place's code or GeoNames id: later rows naming it find this entity.
        for code_field in (places.ISO_FIELD, places.GEONAMES_FIELD):
            if code_field in draft.properties:
                properties[code_field] = draft.properties[code_field]
        # Not validated: the draft is checked in full later; this only has to
        # be findable by id, name and country.
        skeleton = Entity.model_construct(
            id=draft.id,
            kind=draft.kind,
            name=draft.name or (current.name if current else draft.id),
            name_en=draft.name_en or (current.name_en if current else None),
            aliases=[n for n in dict.fromkeys(names) if n != draft.name],
            properties=properties,
        )
        self.index.add(skeleton)

    def _stored_entity(self, entity_id: str) -> Entity | None:
        """The store's version of an entity; ids the drafts give were fetched at once."""
        if entity_id in self.stored:
            return self.stored[entity_id]
        return self.store.get(entity_id)

    def _store_is_empty(self) -> bool:
        if self._store_empty is None:
            self._store_empty = not self.store.has_entities()
        return self._store_empty

    def _namesakes(self, drafts: Sequence[EntityDraft]) -> dict[str, dict[str, str]]:
        """For each of the drafts' names, the stored entities that have it as a
        name key (the name's own or its pinyin, as :func:`resolve` asks) or as
        an id: two round trips for the whole load, where a resolution per
        draft cost one or more each (100,000 per part of a 1M load)."""
        if self._store_is_empty():
            return {}
        names = {n.strip() for d in drafts for n in d.names if n and n.strip()}
        asked = {n: [n, pinyin_key(n)] if has_han(n) else [n] for n in names}
        held = self.store.holders({text for texts in asked.values() for text in texts})
        by_id = self.store.get_many(names)
        found = {n: {i: k for t in texts for i, k in held[t].items()} for n, texts in asked.items()}
        for name, entity in by_id.items():
            found[name][entity.id] = entity.kind
        return found

    def _warn_if_known(self, draft: EntityDraft) -> None:
        """A new id for a name the store already has may be a duplicate."""
        if self._store_is_empty():
            # Nothing to be a duplicate of: skip a name lookup per record.
            return
        names = [n.strip() for n in draft.names if n and n.strip()]
        same_kind = any(
            kind == draft.kind for n in names for kind in self.namesakes.get(n, {}).values()
        )
        # Without a stored namesake of its kind, resolution finds no candidate,
        # unless the gazetteer matches a place by its code.
        if not same_kind and not wants_places({draft.kind}):
            return
        if self.checked >= FULL_CHECKS:
            if same_kind:
                self.unlisted.append(draft)
            return
        self.checked += 1
        found = resolve_any(self.store, draft.names, kind=draft.kind)
        if found.candidates:
            listed = "; ".join(describe(c) for c in found.candidates)
            self.batch.warnings.append(
                LoadWarning(
                    draft.where("id"),
                    f"new id {draft.id!r} for {found.text!r}, which the store has as {listed}: "
                    "a duplicate? (renmai merge joins two)",
                )
            )

    def _warn_of_unlisted(self) -> None:
        """One warning for the possible duplicates past :data:`FULL_CHECKS`."""
        if self.unlisted:
            self.batch.warnings.append(
                LoadWarning(
                    self.unlisted[0].where("id"),
                    f"{len(self.unlisted):,} more new ids, this one the first, for names that "
                    "stored entities of their kind have: duplicates? (renmai dedupe lists "
                    "them; renmai merge joins two)",
                )
            )

    # -- entities --------------------------------------------------------------
    def _entity(self, draft: EntityDraft) -> None:
        assert draft.id is not None
        fields = SCHEMA.entity_kind(draft.kind).fields
        properties = {}
        unresolved: set[str] = set()
        for name, value in draft.properties.items():
            spec = fields.get(name)
            if spec is None or spec.type != "ref":
                properties[name] = value
                continue
            # A city is looked for in the entity's own country.
            country_field = SCHEMA.country_fields.get(draft.kind)
            country = self._country_of(draft) if name != country_field else None
            country_text = (
                _text_of(draft.properties.get(country_field)) if country and country_field else None
            )
            text = as_text(value)
            found = self._placed(
                self._lookup(text, spec.ref_kinds, country, country_text), draft, name
            )
            self._tally(found, draft, country_text)
            if found.entity is not None:
                properties[name] = found.entity.id
            else:
                unresolved.add(name)
                self.problem(draft, name, _unresolved(found, spec.ref_kinds, country))
        try:
            entity = Entity(
                id=draft.id,
                kind=draft.kind,
                name=draft.name or "",
                name_en=draft.name_en,
                aliases=draft.aliases,
                tags=draft.tags,
                description=draft.description,
                home=False if draft.home is None else draft.home,
                properties=properties,
                sources=draft.sources,
            )
        except ValidationError as exc:
            for problem in problems_of(exc):
                # A reference already reported is not "required" again.
                if problem.field not in unresolved:
                    self.problem(draft, problem.field, problem.message)
            return
        self._add(entity, draft.where())

    def _add(self, entity: Entity, where: Location) -> None:
        self.batch.entities.append(entity)
        self.batch.origins.setdefault(entity.id, where)
        prior = self.built.get(entity.id) or self._stored_entity(entity.id)
        try:
            merged = merge_entity(prior, entity) if prior else entity
        except SchemaViolation:
            return  # A kind conflict, reported where the id was claimed.
        self.built[entity.id] = merged
        self.index.add(merged)

    # -- relationships ---------------------------------------------------------
    def _relationship(self, draft: RelationshipDraft) -> None:
        ids: dict[str, str] = {}
        for end_name, end in draft.ends.items():
            if end.draft is not None:
                made = end.draft.id
                if made is None or not (made in self.built or self._stored_entity(made)):
                    return  # The row's entity has problems of its own, reported.
                ids[end_name] = made
                continue
            if not end.text:
                continue
            rel_kind = SCHEMA.relationship_kind(draft.type)
            kinds = {end.kind} if end.kind else rel_kind.end_kinds[end_name]
            # An id: found at once (this runs twice per relationship of a load).
            if not end.country and (known := self._id_of(end.text, kinds)) is not None:
                ids[end_name] = known
                continue
            country = self._end_country(draft, end_name, end)
            found = self._lookup(end.text, kinds, country, end.country)
            found = self._placed(found, draft, end_name)
            if found.entity is not None:
                self._tally(found, draft)
                ids[end_name] = found.entity.id
            elif (
                found.status == "missing"
                and draft.create_missing
                and end.kind
                and found.how != "decision"  # a decision that cannot be followed is no name
            ):
                created = self._create(draft, end_name, end, country)
                if created:
                    ids[end_name] = created
            else:
                self._tally(found, draft, end.country)
                message = _unresolved(found, kinds, country)
                if not end.kind and found.status == "missing" and found.set_aside:
                    message += f" ({draft.type} joins {rel_kind.joins})"
                self.problem(draft, end_name, message)
        # Ends that did not resolve are reported; stand-ins let the rest of the
        # record (dates, fields) be checked too.
        stand_ins = {end: f"0-unresolved-{end}" for end in ("from", "to") if end not in ids}
        try:
            rel = Relationship.model_validate(
                {
                    "type": draft.type,
                    "from": ids.get("from", stand_ins.get("from")),
                    "to": ids.get("to", stand_ins.get("to")),
                    "key": draft.key,
                    "since": draft.since,
                    "until": draft.until,
                    "properties": draft.properties,
                    "sources": draft.sources,
                }
            )
        except ValidationError as exc:
            for problem in problems_of(exc):
                if problem.field not in stand_ins:
                    self.problem(draft, problem.field, problem.message)
            return
        if stand_ins:
            return
        for problem in endpoint_problems(rel, self._kind_of(rel.from_id), self._kind_of(rel.to_id)):
            self.problem(draft, problem.field, problem.message)
        self.batch.relationships.append(rel)
        self.batch.rel_origins.append(draft.where())

    def _end_country(self, draft: RelationshipDraft, end_name: str, end: End) -> str | None:
        if not end.country:
            return None
        country_kind = SCHEMA.country_kind
        # A list names a few hundred countries in thousands of rows: each text
        # is looked up once (what it names does not change within the load).
        found = self.end_countries.get(end.country)
        if found is None:
            found = self._lookup(end.country, {country_kind})
            found = self._placed(found, draft, f"{end_name}_country")
            self.end_countries[end.country] = found
        if found.entity is not None or not draft.create_missing:
            self._tally(found, draft)
        else:
            self.batch.names.add("unknown", end.country, "left empty")
        if found.entity is not None:
            return found.entity.id
        if not draft.create_missing:
            self.problem(draft, f"{end_name}_country", _unresolved(found, {country_kind}, None))
        return None

    def _kind_of(self, entity_id: str) -> str | None:
        if (entity := self.index.get(entity_id)) is not None:
            return entity.kind
        if entity_id in self.stored_kinds:  # read with the load's references
            return self.stored_kinds[entity_id]
        stored = self.store.get(entity_id)
        return stored.kind if stored else None

    def _create(
        self, draft: RelationshipDraft, end_name: str, end: End, country: str | None
    ) -> str | None:
        """Mapping mode: a new entity for an end that matches nothing."""
        assert end.kind is not None
        field = SCHEMA.country_fields.get(end.kind)
        properties = {field: country} if country and field else {}
        try:
            entity = Entity(
                id=new_id(end.text, None, end.kind, self._taken),
                kind=end.kind,
                name=end.text,
                properties=properties,
                sources=draft.sources,
            )
        except ValidationError as exc:
            for problem in problems_of(exc):
                message = f"cannot make a new {end.kind}: {problem.field}: {problem.message}"
                self.problem(draft, end_name, message)
            return None
        self.created.add(entity.id)
        self.batch.names.add("new", end.text, entity.id)
        note = f"new {end.kind} {end.text!r} ({entity.id}): nothing in the store matched"
        if end.country and not country:
            note += f"; {end.country!r} is not a known country, so it has none"
        self.batch.warnings.append(LoadWarning(draft.where(end_name), note))
        self._add(entity, draft.where(end_name))
        return entity.id

    # -- places from the gazetteer ------------------------------------------------
    def _placed(self, found: Resolution, draft: Sourced, field_path: str) -> Resolution:
        """``found``, or — for a place a file names first that the gazetteer
        knows (a country, a GeoNames town, a town within one) — the new entity
        made for it, found (origin "gazetteer"; "new" for an inner town)."""
        if found.status != "missing":
            return found
        if found.place is not None:
            made = self._place(found.place, found.text, draft, field_path)
            return Resolution(found.text, "found", (made,), how="gazetteer", origin="gazetteer")
        outer = found.within
        if outer is None or not found.inner:
            return found
        outer_id = outer.entity.id if outer.entity else None
        if outer_id is None and outer.place is not None:
            outer_id = self._place(outer.place, outer.text, draft, field_path).id
        inner = self._inner_place(found.inner, found.text, outer_id, draft, field_path)
        if inner is None:
            return found
        return Resolution(found.text, "found", (inner,), how="within", origin="new")

    def _place(
        self, place: places.Place, named: str | None, draft: Sourced, field_path: str
    ) -> Entity:
        """A new entity for ``place`` (and for its country, if new too)."""
        country_id = None
        if isinstance(place, CityEntry):
            country_id = self._country_entity(place, draft, field_path)
        name, name_en = places.entity_names(place)
        entity = places.place_entity(
            place,
            new_id(name, name_en, places.kind_of(place), self._taken),
            named=named,
            country_id=country_id,
            sources=draft.sources,
        )
        self._note_place(entity.kind, entity.name, entity.id, place, draft, field_path)
        self.created.add(entity.id)
        self._add(entity, draft.where(field_path))
        return entity

    def _country_entity(self, town: CityEntry, draft: Sourced, field_path: str) -> str | None:
        """The id of the entity for a GeoNames town's country (made if new)."""
        nation = open_gazetteer().country_by_code(town.country)
        if nation is None:
            return None
        held = holding(self.store, nation, self.index)
        return (held[0] if held else self._place(nation, None, draft, field_path)).id

    def _note_place(
        self,
        kind: str,
        name: str,
        entity_id: str,
        place: places.Place,
        draft: Sourced,
        field_path: str,
    ) -> None:
        code = " ".join(places.code_of(place)).replace("_", " ")
        note = f"new {kind} {name!r} ({entity_id}) from the gazetteer: {code}"
        self.batch.warnings.append(LoadWarning(draft.where(field_path), note))

    def _inner_place(
        self, name: str, named: str, outer_id: str | None, draft: Sourced, field_path: str
    ) -> Entity | None:
        """'Zhongshan (Dalian)' that neither the graph nor the gazetteer knows:
        a new town of that name, part of the outer city and in its country."""
        outer = (self.index.get(outer_id) or self.store.get(outer_id)) if outer_id else None
        kind = places.city_kind()
        if outer is None or outer.kind != kind:
            return None
        country_field = SCHEMA.country_fields.get(kind)
        properties = {places.part_of_field(): outer.id}
        if country_field and outer.properties.get(country_field):
            properties[country_field] = outer.properties[country_field]
        entity = Entity(
            id=new_id(name, None, kind, self._taken),
            kind=kind,
            name=name,
            aliases=[named] if named != name else [],
            properties=properties,
            sources=draft.sources,
        )
        note = f"new {kind} {name!r} ({entity.id}) within {outer.name} ({outer.id})"
        self.batch.warnings.append(LoadWarning(draft.where(field_path), note))
        self.created.add(entity.id)
        self._add(entity, draft.where(field_path))
        return entity


def _text_of(value: object) -> str | None:
    return None if value is None else as_text(value)


def _unresolved(found: Resolution, kinds: Collection[str], country: str | None) -> str:
    """Why ``found`` is not one entity, for the user."""
    if found.status == "ambiguous":
        return found.explain()
    want = "/".join(sorted(kinds))
    if found.how == "decision":
        return f"the decision for {found.text!r} names no {want} of this load or the store"
    elsewhere = [e for e in found.set_aside if e.kind in kinds]
    other_kinds = [e for e in found.set_aside if e.kind not in kinds]
    if elsewhere and country:
        listed = "; ".join(describe(e) for e in elsewhere)
        return f"no {want} named {found.text!r} in {country} (elsewhere: {listed})"
    if other_kinds:
        listed = "; ".join(describe(e) for e in other_kinds)
        return f"{found.text!r} is {listed}, not a {want}"
    return f"no {want} named {found.text!r} in this load or the store"
