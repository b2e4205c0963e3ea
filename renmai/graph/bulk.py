"""Bulk work without the cyclic garbage collector.

A load of 100k entities builds millions of small objects (records, drafts,
models, graph dicts) and keeps most of them. CPython's cyclic collector runs
a full pass over everything alive each time the heap grows by a quarter, so
a bulk build spent about a third of its time in collections that found
nothing: these objects form no reference cycles and are freed by reference
counting. :func:`paused_gc` turns the collector off for such a stretch and
restores it afterwards (nested uses are fine). A graph question pauses it
too: it builds a hundred thousand short-lived objects.

When the stretch ends normally, what it left alive is moved out of the
collector's way (``gc.freeze``): otherwise the first collection afterwards
walks all of it at once (2.5 s after a 100k load). Such objects are still
freed by reference counting when dropped; only a reference cycle among them
would outlive its use, and bulk data has none. After an error nothing is
frozen, so the cycles an exception makes (traceback, frames) are collected.
:func:`freeze_kept` does the same for data kept between commands, without
pausing anything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(*, freeze: bool = True) -> Iterator[None]:
    """Run the block with the cyclic garbage collector off; restore it after.

    With ``freeze=False`` nothing is frozen at the end: for a stretch that may
    leave garbage cycles (a question on Neo4j: the driver leaves a few per
    query) and builds what it drops soon after. A block inside it that
    freezes freezes at its own end; the collector stays off until the
    outermost block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    finished = False
    try:
        yield
        finished = True
    finally:
        if finished and freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def freeze_kept() -> None:
    """Move what is alive out of the collector's way, after collecting what is
    garbage now, so that no garbage cycle is frozen (the Neo4j driver leaves a
    few hundred cyclic objects per query). For data kept for many commands: a
    full pass over it at every collection took half the time of a question."""
    gc.collect()
    gc.freeze()
