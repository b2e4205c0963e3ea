"""Posts in an office's list: a column named for one (``会长``) names its holder.

Each name in such a column becomes a person (resolved like any name: the same
会长 in two lists is one person) holding that post at the row's entity, with
the post as the relationship's title and the row as its source.
"""

from __future__ import annotations

from renmai.graph.schema import SCHEMA
from renmai.loaders.headers import POST_RELATIONSHIP
from renmai.loaders.records import End, EntityDraft, Holder, RelationshipDraft, row_source

#: The kind of a post's holder, as the schema says who holds posts.
HOLDER_KIND = SCHEMA.person_kind


def holder_drafts(draft: EntityDraft) -> tuple[list[EntityDraft], list[RelationshipDraft]]:
    """The people a row's post columns name, and their posts at its entity."""
    titles: dict[str, list[str]] = {}
    columns: dict[str, str] = {}
    named = [h for h in draft.holders if h.field == "name"]
    for holder in named:
        # One person in two posts of one body is one relationship with both titles.
        titles.setdefault(holder.text, []).append(holder.title)
        columns.setdefault(holder.text, holder.key)
    source = row_source(draft.record)
    people: list[EntityDraft] = []
    posts: list[RelationshipDraft] = []
    for name, held in titles.items():
        column = columns[name]
        person = EntityDraft(
            draft.record, {"name": column}, kind=HOLDER_KIND, id=None, name=name, sources=[source]
        )
        _add_details(person, held, draft.holders, named)
        people.append(person)
        posts.append(
            RelationshipDraft(
                draft.record,
                {"from": column, "to": draft.keys.get("name", column), "title": column},
                type=POST_RELATIONSHIP,
                ends={
                    "from": End(name, HOLDER_KIND, draft=person),
                    "to": End(draft.name or "", draft.kind, draft=draft),
                },
                properties={"title": "、".join(held)},
                sources=[source],
            )
        )
    return people, posts


def _add_details(
    person: EntityDraft, held: list[str], holders: list[Holder], named: list[Holder]
) -> None:
    """A post's details (会长电话) are its holder's, when one person holds it:
    a cell naming two 副会长 says not whose the phone is."""
    for detail in holders:
        if detail.field == "name" or detail.title not in held:
            continue
        if sum(h.title == detail.title for h in named) == 1:
            person.properties[detail.field] = detail.text
            person.keys[detail.field] = detail.key
