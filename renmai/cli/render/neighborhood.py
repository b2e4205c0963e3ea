"""What the neighbourhood answers print beside their tables (``common``)."""

from __future__ import annotations

from renmai.queries.arrows import step_arrow
from renmai.queries.neighborhood import Common


def common_heading(answer: Common) -> str:
    """How A and B are joined directly (if at all), above the table of what they share."""
    direct = answer.direct
    head = f"{answer.a.name} {step_arrow(direct)} {answer.b.name}" if direct else "none"
    return f"Directly: {head}\nIn common ({len(answer.shared)}):"
