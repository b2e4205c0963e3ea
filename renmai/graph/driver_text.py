"""The Neo4j driver's messages, made one short line for people.

The driver words a failure over several lines, with addresses written as
``ResolvedIPv4Address(('127.0.0.1', 7687))``; the store's errors and the
CLI's notes show its innermost reason on one line instead. No driver import
here, so that the CLI can use it without loading the driver.
"""

from __future__ import annotations

import re

#: The innermost reason of a connection error: "… (reason [Errno 111] Connection refused)".
_REASON = re.compile(r"\(reason (.+)\)\s*$")
#: An address as the driver writes it: ``IPv4Address(('127.0.0.1', 7687))``.
_ADDRESS = re.compile(r"(?:Resolved)?IPv[46]Address\(\('([^']*)', (\d+)[^)]*\)\)")


def one_line(message: object) -> str:
    """A driver message as one line: its innermost reason if it gives one,
    addresses as ``host:port``.

    >>> one_line("Couldn't connect to x:1:\\nFailed (reason [Errno 111] Connection refused)")
    '[Errno 111] Connection refused'
    >>> one_line("Failed to read from defunct connection IPv4Address(('127.0.0.1', 7687))")
    'Failed to read from defunct connection 127.0.0.1:7687'
    """
    text = _ADDRESS.sub(r"\1:\2", " ".join(str(message).split()))
    reason = _REASON.search(text)
    return reason.group(1) if reason else text
