"""``--html FILE``: a query's answer also written as an interactive page."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.graph.subgraph import Subgraph


def write_page(sub: Subgraph, html_file: Path | None, show_contacts: bool) -> None:
    """Write ``sub`` to ``html_file`` when one was given, and say so on stderr."""
    if html_file is None:
        return
    from renmai.viz import write_html

    written = write_html(sub, html_file, show_contacts=show_contacts)
    click.echo(f"Wrote {written}", err=True)
