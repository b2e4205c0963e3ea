"""Sources, cited once per answer: documents numbered as first cited."""

from __future__ import annotations

from renmai.cli.output import display_width
from renmai.graph.model import Source


class Footnotes:
    """Documents numbered as they are first cited, so a source line stays short."""

    def __init__(self) -> None:
        self.documents: dict[str, int] = {}

    def cite(self, source: Source, width: int = 60) -> str:
        number = self.documents.setdefault(source.document, len(self.documents) + 1)
        parts = [f"[{number}]"]
        if source.locator:
            parts.append(source.locator)
        if source.excerpt:
            excerpt = source.excerpt
            if display_width(excerpt) > width:
                while display_width(excerpt) > width - 1:
                    excerpt = excerpt[:-1]
                excerpt += "…"
            parts.append(f"「{excerpt}」")
        return " ".join(parts)

    def lines(self) -> list[str]:
        return [f"[{n}] {doc}" for doc, n in self.documents.items()]

    def appendix(self) -> list[str]:
        """The numbered documents after a blank line, or nothing when none was cited."""
        return ["", *self.lines()] if self.documents else []
