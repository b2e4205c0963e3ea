"""Pausing the cyclic garbage collector (renmai/graph/bulk.py)."""

from __future__ import annotations

import gc

from renmai.graph.bulk import paused_gc


def test_a_pause_that_does_not_freeze_keeps_what_a_block_inside_it_freezes() -> None:
    assert gc.isenabled()
    with paused_gc(freeze=False):
        assert not gc.isenabled()
        with paused_gc():
            kept = [[i] for i in range(1000)]
        # The inner block froze what it built; the collector stays off.
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        assert not gc.isenabled()
        dropped_soon = [[i] for i in range(1000)]
    assert gc.isenabled()
    # What the outer block built is left to the collector (frozen objects
    # freed since only lower the count).
    assert gc.get_freeze_count() <= frozen
    assert gc.is_tracked(dropped_soon[0])


def test_a_failed_block_freezes_nothing_and_restores_the_collector() -> None:
    frozen = gc.get_freeze_count()
    try:
        with paused_gc():
            built = [[i] for i in range(1000)]
            raise ValueError(len(built))
    except ValueError:
        pass
    assert gc.isenabled()
    assert gc.get_freeze_count() <= frozen
