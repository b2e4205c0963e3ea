"""Neo4j URIs and passwords: what may be shown, and what never is.

A password reaches renmai from ``NEO4J_PASSWORD``, from a hidden prompt
(``renmai --ask-password``) or, as a convenience, inside a URI
(``bolt://neo4j:secret@host:7687``, e.g. in ``NEO4J_URI``). It is handed to
the driver and to nothing else: messages and ``Store.location`` show a URI
without it (:func:`masked`), and :func:`redact` scrubs it from any text that
came from elsewhere (a driver or server message) before that text is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import unquote, urlsplit, urlunsplit

#: The URI schemes of the Bolt protocol that the driver speaks.
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
MASK = "***"
#: Secrets shorter than this are not scrubbed from text (replacing every
#: "a" of a message would hide the message, not a password).
MIN_REDACTED = 3


class SplitUri(NamedTuple):
    """A URI without its credentials, and the credentials it carried."""

    #: The URI to connect to: no user name, no password.
    uri: str
    username: str | None
    password: str | None
    #: The URI to show: the user name kept, the password masked.
    shown: str


def split_uri(uri: str) -> SplitUri:
    """Take the user name and password out of ``uri``.

    >>> found = split_uri("bolt://neo4j:s%40cret@db.example:7687")
    >>> found.uri, found.username, found.password
    ('bolt://db.example:7687', 'neo4j', 's@cret')
    >>> found.shown
    'bolt://neo4j:***@db.example:7687'
    >>> split_uri("neo4j://db.example").shown
    'neo4j://db.example'
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return SplitUri(uri, None, None, _mask_text(uri))
    if "@" not in parts.netloc:
        return SplitUri(uri, None, None, uri)
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user_text, has_password, password_text = userinfo.partition(":")
    username = unquote(user_text) or None
    password = unquote(password_text) if has_password else None
    clean = urlunsplit(parts._replace(netloc=hostport))
    shown_user = user_text + (f":{MASK}" if has_password else "")
    shown = urlunsplit(parts._replace(netloc=f"{shown_user}@{hostport}"))
    return SplitUri(clean, username, password, shown)


def masked(uri: str) -> str:
    """``uri`` with any password in it replaced by ``***``."""
    return split_uri(uri).shown


def _mask_text(text: str) -> str:
    """Mask ``user:password@`` in text that does not parse as a URI."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    userinfo, _, hostport = rest.rpartition("@")
    user, has_password, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':' + MASK if has_password else ''}@{hostport}"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret in it replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= MIN_REDACTED:
            text = text.replace(secret, MASK)
    return text
