"""Paths and the contacts they reach, as text (``connect``, ``path``)."""

from __future__ import annotations

from renmai.queries.arrows import relationship_details
from renmai.queries.connect import Contact


def affiliation_text(contact: Contact) -> str:
    """``华源科技协会 高级总监; …``: a contact's posts, written briefly."""
    return "; ".join(
        " ".join([n.entity.name, *relationship_details(n.relationship)])
        for n in contact.affiliations
    )
