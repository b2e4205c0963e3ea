"""Planning a write: what to create, what to update and what is already there.

Both stores upsert the same way, so the decision is made here, once, as a pure
function over what the store already holds. A store fetches the existing
records the batch touches, asks :func:`plan_write`, and writes only
``plan.entities`` and ``plan.relationships`` — nothing when the plan has
problems.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

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
from renmai.graph.store import IntegrityError, Outcome, WriteSummary

FetchEntities = Callable[[Collection[str]], Mapping[str, Entity]]
FetchRelationships = Callable[[Collection[RelationshipId]], Mapping[RelationshipId, Relationship]]


@dataclass
class WritePlan:
    """The records to write (merged with what exists) and what each one is."""

    entities: list[Entity] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    summary: WriteSummary = field(default_factory=WriteSummary)


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
) -> WritePlan:
    """Decide the upsert of a batch; raise :class:`IntegrityError` if it cannot be written."""
    batch, problems = _collapse_entities(entities)
    implied = [rel for entity in batch.values() for rel in implied_relationships(entity)]
    wanted_ids = (
        set(batch)
        | {end for rel in [*implied, *relationships] for end in rel.ends}
        | {target for entity in batch.values() for target in _references(entity)}
    )
    existing = fetch_entities(wanted_ids)

    plan = WritePlan()
    merged_entities: dict[str, Entity] = {}
    for entity_id, entity in batch.items():
        old = existing.get(entity_id)
        try:
            merged = merge_entity(old, entity) if old else entity
        except SchemaViolation as exc:
            problems.extend((entity_id, p) for p in exc.problems)
            continue
        merged_entities[entity_id] = merged
        outcome = _outcome(old, merged)
        plan.summary.count("entities", entity.kind, outcome)
        if outcome != "unchanged":
            plan.entities.append(merged)

    def kind_of(entity_id: str) -> str | None:
        found = merged_entities.get(entity_id) or existing.get(entity_id)
        return found.kind if found else None

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
        [i for i in rel_batch if i.from_id in existing and i.to_id in existing]
    )
    for rel_id, rel in rel_batch.items():
        old_rel = existing_rels.get(rel_id)
        merged_rel = merge_relationship(old_rel, rel) if old_rel else rel
        outcome = _outcome(old_rel, merged_rel)
        plan.summary.count("relationships", rel.type, outcome)
        if outcome != "unchanged":
            plan.relationships.append(merged_rel)
    return plan


def _references(entity: Entity) -> list[str]:
    """Ids that the entity's reference fields name (``country``, ``nationality`` …)."""
    fields = SCHEMA.entity_kind(entity.kind).fields
    return [
        str(value)
        for name, spec in fields.items()
        if spec.type == "ref" and (value := entity.properties.get(name))
    ]


def _reference_problems(
    entities: Collection[Entity], kind_of: Callable[[str], str | None]
) -> list[tuple[str, Problem]]:
    """Reference fields must name an entity of one of the field's kinds."""
    problems = []
    for entity in entities:
        fields = SCHEMA.entity_kind(entity.kind).fields
        for name, spec in fields.items():
            target = entity.properties.get(name)
            if spec.type != "ref" or not target:
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
