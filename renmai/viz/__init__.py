"""Interactive pages of query answers: one offline, escaped, self-contained HTML file.

Views draw a :class:`~renmai.graph.subgraph.Subgraph` they are given; they
never open files or query a store themselves (:mod:`renmai.viz.select` builds a
Subgraph from a store for ``renmai viz``, through the Store protocol only).
"""

from renmai.viz.layout import LARGE_GRAPH
from renmai.viz.page import VizError, render_html, write_html

__all__ = ["LARGE_GRAPH", "VizError", "render_html", "write_html"]
