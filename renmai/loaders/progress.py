"""How a load tells whoever runs it how far it has got.

A load goes through phases — checking the records, then writing them — and
reports each to a :data:`ProgressBars`: a function that, given the phase and
its total, opens a context whose value is called with each step done. The
CLI passes one that draws a progress bar; a library caller passes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

from renmai.graph.store import Progress

#: ``bars(phase, total)`` opens the bar of one phase; its value takes steps.
ProgressBars = Callable[[str, int], AbstractContextManager[Progress | None]]

#: Steps are passed on in groups this large: a bar redraws on every call,
#: and a load of 500k records would spend seconds on redrawing alone.
STEP = 1000


@contextlib.contextmanager
def phase(bars: ProgressBars | None, name: str, total: int) -> Iterator[Progress]:
    """One phase of a load: a function to call with each step done (grouped
    by :data:`STEP` for the bar), and the rest reported when the phase ends."""
    if bars is None:
        yield no_progress
        return
    with bars(name, total) as bar:
        if bar is None:
            yield no_progress
            return
        pending = 0

        def step(n: int) -> None:
            nonlocal pending
            pending += n
            if pending >= STEP:
                bar(pending)
                pending = 0

        yield step
        if pending:
            bar(pending)


def no_progress(_: int) -> None:
    """A step done, with no one to tell."""
