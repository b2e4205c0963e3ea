"""Finding entities by name, and everything about one of them.

:func:`search` ranks the store's candidates (:meth:`Store.search_candidates`:
a key scan on the embedded store, the fulltext index on Neo4j) here, once, so
both stores rank alike. Names are compared as name keys (simplified/traditional,
width, case and punctuation folded), across scripts through pinyin::

    exact 100  >  prefix 90–99  >  contains 80–89  >  fuzzy (typos) up to 75

a match across scripts (pinyin of a Chinese name against a Latin query, or
back) scores two points less than the same match within one script.

>>> score_key("zhongshan", "zhongshan"), score_key("zhongshan", "zhongshanshi")
((100.0, 'exact'), (97.5, 'prefix'))
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from renmai.graph.model import Entity
from renmai.graph.names import has_han, name_key, pinyin_key
from renmai.graph.schema import SCHEMA
from renmai.graph.store import Neighbor, Store

#: Fuzzy matches below this rapidfuzz ratio are not matches.
FUZZY_CUTOFF = 70.0
CROSS_SCRIPT_PENALTY = 2.0


@dataclass(frozen=True)
class SearchHit:
    """An entity that matches a search, how well, and on which of its names."""

    entity: Entity
    score: float
    #: The name (or alias, or English name) that matched best.
    name: str
    #: "exact", "prefix", "contains" or "fuzzy".
    how: str

    def as_row(self) -> dict[str, Any]:
        e = self.entity
        return {
            "id": e.id,
            "name": e.name,
            "name_en": e.name_en,
            "kind": e.kind,
            "matched": self.name,
            "how": self.how,
            "score": round(self.score, 1),
        }


def score_key(query: str, key: str) -> tuple[float, str] | None:
    """How well a query key matches a name key, or None."""
    if not query or not key:
        return None
    if key == query:
        return 100.0, "exact"
    closeness = len(query) / len(key)
    if key.startswith(query):
        return 90.0 + 10.0 * closeness, "prefix"
    if query in key:
        return 80.0 + 10.0 * closeness, "contains"
    ratio = fuzz.ratio(query, key)
    if ratio >= FUZZY_CUTOFF:
        return 75.0 * ratio / 100.0, "fuzzy"
    return None


def _keys(text: str) -> tuple[set[str], set[str]]:
    """Keys of a text in its own script, and across scripts (its pinyin, or for
    a Latin text the same key, to be compared with Chinese names' pinyin)."""
    own = {name_key(text)} - {""}
    cross = ({pinyin_key(text)} if has_han(text) else set(own)) - {""}
    return own, cross


def match(entity: Entity, text: str) -> SearchHit | None:
    """The best match of ``text`` against the entity's names, or None."""
    own_q, cross_q = _keys(text)
    q_han = has_han(text)
    best: tuple[float, str, str] | None = None
    for name in entity.all_names:
        own_n, cross_n = _keys(name)
        same_script = has_han(name) == q_han
        pairs = [(q, k, 0.0) for q in own_q for k in own_n] if same_script else []
        if not same_script:
            # Chinese query against a Latin name: pinyin of the query vs the name;
            # Latin query against a Chinese name: the query vs the name's pinyin.
            pairs = [
                (q, k, CROSS_SCRIPT_PENALTY)
                for q in (cross_q if q_han else own_q)
                for k in (own_n if q_han else cross_n)
            ]
        for q, k, penalty in pairs:
            scored = score_key(q, k)
            if scored is None:
                continue
            value = scored[0] - penalty
            if best is None or value > best[0]:
                best = (value, name, scored[1])
    if best is None:
        return None
    return SearchHit(entity, best[0], best[1], best[2])


def search(store: Store, text: str, *, kind: str | None = None, limit: int = 20) -> list[SearchHit]:
    """Entities whose names match ``text``, best first (ties: name, then id).

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> [(hit.entity.name, hit.how) for hit in search(store, "Burnaby")]
    [('本拿比市', 'exact')]
    >>> search(store, "中山同鄉會")[0].entity.name  # traditional characters, part of the name
    '加拿大中山同乡会'
    >>> search(store, "Burnabee")[0].entity.name  # a typo
    '本拿比市'
    """
    text = text.strip()
    if not text:
        return []
    candidates = store.search_candidates(text, kind=kind, limit=max(50, limit * 5))
    hits = [h for e in candidates if (kind is None or e.kind == kind) and (h := match(e, text))]
    hits.sort(key=lambda h: (-round(h.score, 6), h.entity.name, h.entity.id))
    return hits[:limit]


@dataclass
class EntityDetail:
    """One entity and its relationships, grouped by relationship kind."""

    entity: Entity
    #: Relationship kind → the relationships of that kind, in schema order.
    relationships: dict[str, list[Neighbor]]

    def to_dict(self, *, show_contacts: bool = False) -> dict[str, Any]:
        entity = self.entity if show_contacts else self.entity.public()
        groups = []
        for rel_type, neighbors in self.relationships.items():
            kind = SCHEMA.relationship_kind(rel_type)
            groups.append(
                {
                    "type": rel_type,
                    "label": kind.label_zh,
                    "label_en": kind.label_en,
                    "relationships": [
                        {
                            "direction": "out" if n.outgoing else "in",
                            "other": {
                                "id": n.entity.id,
                                "name": n.entity.name,
                                "kind": n.entity.kind,
                            },
                            **n.relationship.model_dump(
                                mode="json", by_alias=True, exclude_defaults=True
                            ),
                        }
                        for n in neighbors
                    ],
                }
            )
        return {
            "entity": entity.model_dump(mode="json", exclude_defaults=True),
            "relationships": groups,
        }


def describe(store: Store, entity: Entity) -> EntityDetail:
    """Everything about ``entity``: its fields (in the entity) and its
    relationships by kind, each kind's in a stable order (other end's name, id).

    >>> from renmai.graph.sample import sample_store
    >>> store = sample_store()
    >>> detail = describe(store, store.get("zs-assoc-canada"))
    >>> for kind, ties in detail.relationships.items():
    ...     print(kind, [n.entity.name for n in ties])
    LOCATED_IN ['加拿大', '本拿比市']
    HOLDS_POSITION ['黄红星']
    ANCESTRAL_HOME ['中山市']
    LIAISES_WITH ['中山市外事侨务局']
    """
    grouped: dict[str, list[Neighbor]] = defaultdict(list)
    for n in store.neighbors(entity.id):
        grouped[n.relationship.type].append(n)
    order = SCHEMA.relationship_kind_names
    ordered = {
        t: sorted(
            grouped[t],
            key=lambda n: (not n.outgoing, n.entity.name, n.entity.id, n.relationship.key),
        )
        for t in order
        if t in grouped
    }
    return EntityDetail(entity, ordered)
