"""The weights of the ranking, in one model, loadable from a JSON or YAML file.

Every number the ranking uses is a field of :class:`RankingWeights`; the formula
they enter is documented in ``docs/ranking.md`` and implemented in
:mod:`renmai.queries.ranking`. A weights file holds any subset of the fields;
the rest keep their defaults.

>>> RankingWeights().hop_penalty
0.8
>>> RankingWeights(strengths={"KNOWS": 0.9}).base_strength("KNOWS")
0.9
>>> RankingWeights().base_strength("SISTER_CITY_OF")  # the schema's own value
0.9
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from renmai.errors import RenmaiError
from renmai.graph.dates import check_date
from renmai.graph.schema import SCHEMA

#: Environment variable naming a weights file, used when no file is given.
WEIGHTS_ENV = "RENMAI_WEIGHTS"


class WeightsError(RenmaiError):
    """A weights file cannot be read or holds invalid values."""


class RankingWeights(BaseModel):
    """The tunable numbers of the ranking (see ``docs/ranking.md``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Base strength per relationship kind, overriding the schema's ``strength``.
    strengths: dict[str, float] = {}

    # -- recency -----------------------------------------------------------------
    #: Years after which a relationship's recency bonus has halved.
    half_life_years: float = Field(5.0, gt=0)
    #: The recency factor never falls below this: an old friend is still a friend.
    recency_floor: float = Field(0.3, ge=0, le=1)
    #: Recency factor of a relationship with no date at all (nor its event's).
    undated: float = Field(0.6, ge=0, le=1)
    #: The "now" recency is measured from (a partial ISO date); default: the
    #: newest date in the graph, so that an archive does not age as it sits.
    reference_date: str | None = None
    #: Factor of a tie that has ended (it has an ``until``: a post left, a
    #: membership given up): it still explains how we once knew someone, as
    #: the past it is.
    ended: float = Field(0.5, ge=0, le=1)
    #: ``stale``/``coverage``: a relationship is live when its last evidence is
    #: at most this many years before the reference date.
    stale_after_years: float = Field(3.0, gt=0)

    # -- evidence ----------------------------------------------------------------
    #: Evidence factor of a relationship with no source.
    unsourced: float = Field(0.8, ge=0, le=1)
    #: Bonus per source beyond the first, counted up to ``max_extra``.
    per_extra_source: float = Field(0.05, ge=0)
    #: Bonus per further relationship between the same two entities (repeated
    #: or parallel contact), counted up to ``max_extra``.
    per_parallel: float = Field(0.1, ge=0)
    #: How many extra sources or parallel relationships count at most.
    max_extra: int = Field(4, ge=0)

    # -- paths -------------------------------------------------------------------
    #: Factor per hop: shorter introductions are better.
    hop_penalty: float = Field(0.8, gt=0, le=1)
    #: Degree up to which an intermediate entity is not a hub; above it a path
    #: through it is divided by log(degree) / log(hub_degree).
    hub_degree: int = Field(12, ge=2)

    @field_validator("strengths")
    @classmethod
    def _known_kinds(cls, value: dict[str, float]) -> dict[str, float]:
        for name, strength in value.items():
            if not SCHEMA.has_relationship_kind(name):
                known = ", ".join(SCHEMA.relationship_kind_names)
                raise ValueError(f"unknown relationship kind {name!r} (known: {known})")
            if not 0 <= strength <= 1:
                raise ValueError(f"strength of {name} must be between 0 and 1, not {strength}")
        return value

    @field_validator("reference_date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else check_date(str(value))

    def base_strength(self, rel_type: str) -> float:
        """The base strength of a relationship kind: the override, else the schema's."""
        if rel_type in self.strengths:
            return self.strengths[rel_type]
        return SCHEMA.relationship_kind(rel_type).strength


def load_weights(path: Path | str | None = None) -> RankingWeights:
    """Weights from ``path``, else from ``$RENMAI_WEIGHTS``, else the defaults.

    The file is JSON (``.json``) or YAML (anything else), a mapping of field
    names to values; unknown fields are an error, so a typo does not pass
    silently.
    """
    if path is None:
        env = os.environ.get(WEIGHTS_ENV)
        if not env:
            return RankingWeights()
        path = env
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WeightsError(f"cannot read weights file {path}: {exc.strerror or exc}") from None
    try:
        data: Any = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise WeightsError(f"weights file {path} is not valid JSON/YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise WeightsError(f"weights file {path} must hold a mapping of weight names to values")
    try:
        return RankingWeights.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'weights'}: {e['msg']}" for e in exc.errors()
        )
        raise WeightsError(f"weights file {path}: {problems}") from None
