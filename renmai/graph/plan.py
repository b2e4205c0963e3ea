"""Planning a write: what to create, what to update and what is already there.

Both stores upsert the same way, so the decision is made here, once, as a pure
function over what the store already holds. A store fetches the existing
records the batch touches, asks :func:`plan_write`, and writes only
``plan.entities`` and ``plan.relationships``, deletes ``plan.deleted_entities``
and ``plan.deleted_relationships``, and keeps ``plan.record`` (the change's
history, see :mod:`renmai.graph.history`) in the same transaction — nothing
when the plan has problems.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from renmai.graph.history import (
    DETAIL_LIMIT,
    Change,
    ChangeItem,
    ChangeRecord,
    Deletions,
    change_item,
    new_record,
)
from renmai.graph.model import (
    Entity,
    Problem,
    Relationship,
    RelationshipId,
    SchemaViolation,
    endpoint_problems,
    implied_relationships,
    merge_entity,
    merge_relationship,
)
from renmai.graph.schema import SCHEMA
from renmai.graph.store import IntegrityError, Outcome, Store, WriteSummary

FetchEntities = Callable[[Collection[str]], Mapping[str, Entity]]
FetchRelationships = Callable[[Collection[RelationshipId]], Mapping[RelationshipId, Relationship]]
FetchDegrees = Callable[[Collection[str]], Mapping[str, int]]
FetchKinds = Callable[[Collection[str]], Mapping[str, str]]


@dataclass
class WritePlan:
    """The records to write (merged with what exists) and what each one is."""

    entities: list[Entity] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    #: What the write deletes, as it is before the write.
    deleted_entities: list[Entity] = field(default_factory=list)
    deleted_relationships: list[Relationship] = field(default_factory=list)
    summary: WriteSummary = field(default_factory=WriteSummary)
    #: The history record to keep with the write (None when it changes nothing).
    record: ChangeRecord | None = None

    @property
    def size(self) -> int:
        """Records written or deleted."""
        return (
            len(self.entities)
            + len(self.relationships)
            + len(self.deleted_entities)
            + len(self.deleted_relationships)
        )


def _outcome(old: object | None, merged: object) -> Outcome:
    if old is None:
        return "created"
    return "unchanged" if old == merged else "updated"


def _collapse_entities(
    entities: Sequence[Entity],
) -> tuple[dict[str, Entity], list[tuple[str, Problem]]]:
    """Merge repeated ids within one batch, as two loads of them would."""
    batch: dict[str, Entity] = {}
    problems: list[tuple[str, Problem]] = []
    for entity in entities:
        if entity.id in batch:
            try:
                batch[entity.id] = merge_entity(batch[entity.id], entity)
            except SchemaViolation as exc:
                problems.extend((entity.id, p) for p in exc.problems)
        else:
            batch[entity.id] = entity
    return batch, problems


def plan_write(
    entities: Sequence[Entity],
    relationships: Sequence[Relationship],
    fetch_entities: FetchEntities,
    fetch_relationships: FetchRelationships,
    fetch_kinds: FetchKinds,
    *,
    replace: bool = False,
    deletions: Deletions | None = None,
    fetch_degrees: FetchDegrees | None = None,
    change: Change | None = None,
) -> WritePlan:
    """Decide the upsert of a batch; raise :class:`IntegrityError` if it cannot be written.

    ``fetch_entities`` gives the stored versions of the batch's entities (and
    of those deleted), ``fetch_kinds`` the kinds of the other entities it
    names: a relationship's stored end is checked by its kind alone.

    With ``replace``, the records given replace the stored ones instead of being
    merged into them (an edit that clears a field or drops an alias).
    ``deletions`` must name records that exist, and an entity's with each of
    its relationships (``fetch_degrees`` counts them). The plan holds the
    history record of what it changes, as ``change`` describes it (a bare
    library write is command ``"write"``): nothing changes unrecorded.
    """
    deletions = deletions or Deletions()
    batch, problems = _collapse_entities(entities)
    implied = [rel for entity in batch.values() for rel in implied_relationships(entity)]
    existing = fetch_entities(set(batch) | set(deletions.entities))
    # Of the entities only named (a relationship's end, a reference) the kind
    # is all a plan needs: a part of a large load names ~40,000 stored ends,
    # which whole cost a third of its plan to fetch and decode.
    named = {end for rel in [*implied, *relationships] for end in rel.ends} | {
        target for entity in batch.values() for target in _references(entity)
    }
    stored_kinds = {entity_id: entity.kind for entity_id, entity in existing.items()}
    stored_kinds.update(fetch_kinds(named - stored_kinds.keys()))

    plan = WritePlan()
    problems += _deletion_problems(plan, deletions, existing, fetch_relationships)
    if plan.deleted_entities:
        assert fetch_degrees is not None, "deleting entities needs their degrees"
        problems += _attached_problems(plan, fetch_degrees)
    merged_entities: dict[str, Entity] = {}
    for entity_id, entity in batch.items():
        old = existing.get(entity_id)
        try:
            merged = _replaced(old, entity) if replace and old else entity
            merged = merge_entity(old, entity) if old and not replace else merged
        except SchemaViolation as exc:
            problems.extend((entity_id, p) for p in exc.problems)
            continue
        merged_entities[entity_id] = merged
        outcome = _outcome(old, merged)
        plan.summary.count("entities", entity.kind, outcome)
        if outcome != "unchanged":
            plan.entities.append(merged)

    deleted = set(deletions.entities)

    def kind_of(entity_id: str) -> str | None:
        if entity_id in deleted:
            return None  # a relationship to it would dangle after the write
        merged = merged_entities.get(entity_id)
        return merged.kind if merged else stored_kinds.get(entity_id)

    ref_problems = _reference_problems(batch.values(), kind_of)
    problems.extend(ref_problems)
    # A bad reference is reported once, as the field's problem, not again as
    # the implied relationship's.
    bad_refs = {entity_id for entity_id, _ in ref_problems}
    implied = [rel for rel in implied if rel.from_id not in bad_refs]

    rel_batch: dict[RelationshipId, Relationship] = {}
    for rel in [*implied, *relationships]:
        rel_problems = endpoint_problems(rel, kind_of(rel.from_id), kind_of(rel.to_id))
        if rel_problems:
            problems.extend((str(rel.identity), p) for p in rel_problems)
            continue
        rel_id = rel.identity
        prior = rel_batch.get(rel_id)
        rel_batch[rel_id] = merge_relationship(prior, rel) if prior else rel
    if problems:
        raise IntegrityError(problems)

    # A stored relationship has both its ends stored: one with a new end is new,
    # and is not asked for (a first load of 500k relationships asks for none).
    existing_rels = fetch_relationships(
        [i for i in rel_batch if i.from_id in stored_kinds and i.to_id in stored_kinds]
    )
    replaced_rels: dict[RelationshipId, Relationship] = {}
    for rel_id, rel in rel_batch.items():
        old_rel = existing_rels.get(rel_id)
        merged_rel = rel if replace or not old_rel else merge_relationship(old_rel, rel)
        outcome = _outcome(old_rel, merged_rel)
        plan.summary.count("relationships", rel.type, outcome)
        if outcome != "unchanged":
            plan.relationships.append(merged_rel)
            if old_rel is not None:
                replaced_rels[rel_id] = old_rel
    if plan.summary.changed:
        plan.record = _record(change or Change("write"), plan, existing, replaced_rels)
    return plan


def plan_for(
    store: Store,
    entities: Sequence[Entity],
    relationships: Sequence[Relationship],
    *,
    replace: bool = False,
    deletions: Deletions | None = None,
    change: Change | None = None,
) -> WritePlan:
    """:func:`plan_write` against what ``store`` holds (how stores plan their writes)."""
    return plan_write(
        entities,
        relationships,
        store.get_many,
        store.get_relationships,
        store.kinds,
        replace=replace,
        deletions=deletions,
        fetch_degrees=store.degrees,
        change=change,
    )


def _replaced(old: Entity, new: Entity) -> Entity:
    """``new`` in place of ``old``: the same kind, and never less "home"."""
    if old.kind != new.kind:
        raise SchemaViolation(
            [Problem("kind", f"{old.id!r} is already a {old.kind}, not a {new.kind}")]
        )
    return new.model_copy(update={"home": old.home or new.home}) if old.home else new


def _deletion_problems(
    plan: WritePlan,
    deletions: Deletions,
    existing: Mapping[str, Entity],
    fetch_relationships: FetchRelationships,
) -> list[tuple[str, Problem]]:
    """What is deleted must exist; it is put into ``plan`` as it is now."""
    problems: list[tuple[str, Problem]] = []
    for entity_id in dict.fromkeys(deletions.entities):
        found = existing.get(entity_id)
        if found is None:
            problems.append((entity_id, Problem("id", f"no entity with id {entity_id!r}")))
            continue
        plan.deleted_entities.append(found)
        plan.summary.count("entities", found.kind, "deleted")
    wanted = list(dict.fromkeys(deletions.relationships))
    found_rels = fetch_relationships(wanted) if wanted else {}
    for rel_id in wanted:
        rel = found_rels.get(rel_id)
        if rel is None:
            problems.append((str(rel_id), Problem("type", f"no relationship {rel_id}")))
            continue
        plan.deleted_relationships.append(rel)
        plan.summary.count("relationships", rel.type, "deleted")
    return problems


def _attached_problems(plan: WritePlan, fetch_degrees: FetchDegrees) -> list[tuple[str, Problem]]:
    """An entity is deleted with every relationship it has, or not at all."""
    listed: dict[str, int] = {}
    for rel in plan.deleted_relationships:
        for end in rel.ends:
            listed[end] = listed.get(end, 0) + 1
    degrees = fetch_degrees([e.id for e in plan.deleted_entities])
    problems = []
    for entity in plan.deleted_entities:
        left = degrees.get(entity.id, 0) - listed.get(entity.id, 0)
        if left > 0:
            problems.append(
                (entity.id, Problem("id", f"{left} relationship(s) of it are not deleted with it"))
            )
    return problems


def _record(
    change: Change,
    plan: WritePlan,
    existing: Mapping[str, Entity],
    replaced_rels: Mapping[RelationshipId, Relationship],
) -> ChangeRecord:
    """The history record of ``plan`` (see :mod:`renmai.graph.history` for what
    a large change keeps)."""
    detail = plan.size <= DETAIL_LIMIT
    items: list[ChangeItem] = [
        change_item(existing.get(e.id), e, detail=detail) for e in plan.entities
    ]
    items += [
        change_item(replaced_rels.get(r.identity), r, detail=detail)
        for r in plan.relationships
        if detail or r.identity in replaced_rels
    ]
    items += [change_item(r, None) for r in plan.deleted_relationships]
    items += [change_item(e, None) for e in plan.deleted_entities]
    counts = {o: plan.summary.total(o) for o in ("created", "updated", "deleted")}
    return new_record(change, items, counts)


def _references(entity: Entity) -> list[str]:
    """Ids that the entity's reference fields name (``country``, ``nationality`` …)."""
    fields = SCHEMA.reference_fields[entity.kind]
    return [str(value) for name in fields if (value := entity.properties.get(name))]


def _reference_problems(
    entities: Collection[Entity], kind_of: Callable[[str], str | None]
) -> list[tuple[str, Problem]]:
    """Reference fields must name an entity of one of the field's kinds."""
    problems = []
    for entity in entities:
        for name, spec in SCHEMA.reference_fields[entity.kind].items():
            target = entity.properties.get(name)
            if not target:
                continue
            target_kind = kind_of(target)
            if target_kind is None:
                problems.append((entity.id, Problem(name, f"no entity with id {target!r}")))
            elif target_kind not in spec.ref_kinds:
                allowed = "/".join(spec.ref_kinds)
                problems.append(
                    (entity.id, Problem(name, f"{target!r} is a {target_kind}, not a {allowed}"))
                )
    return problems
