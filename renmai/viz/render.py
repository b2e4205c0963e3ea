"""From a :class:`~renmai.graph.subgraph.Subgraph` to the data the page draws.

pyvis builds the network (nodes and edges as vis-network reads them, and the
options); this module then keeps that data compact — a node carries its id,
label, kind, size and position, an edge its ends and kind — because the looks
of a kind are stated once, in the options' groups and the legend, rather than
repeated on every one of 3,000 nodes. What tooltips show goes into a separate
``info`` table, with contact details left out unless asked for.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

from pyvis.network import Network

from renmai.graph.model import Entity, Relationship, Source
from renmai.graph.schema import SCHEMA, FieldSpec
from renmai.graph.subgraph import Subgraph
from renmai.viz import style
from renmai.viz.layout import LARGE_GRAPH, Layout, compute_layout

#: The page's own words (the data's words come from the schema and the graph).
LABELS = {
    "kind": "类型",
    "role": "角色",
    "aliases": "别名",
    "tags": "标签",
    "description": "说明",
    "id": "ID",
    "sources": "来源",
    "relationship": "关系",
    "period": "时间",
    "no_match": "没有找到 (no match)",
}
ROLE_ORIGIN = "起点 origin"
ROLE_TARGET = "目标 target"
#: Labels longer than this are cut on the canvas; tooltips show the whole name.
LABEL_MAX = 24


def node_size(degree: int) -> float:
    """Node radius from degree: grows with the square root, so hubs stand out
    without swallowing their neighbours."""
    return round(min(8 + 3 * math.sqrt(max(degree, 0)), 36), 1)


def _label(name: str) -> str:
    return name if len(name) <= LABEL_MAX else name[: LABEL_MAX - 1] + "…"


def _format(spec: FieldSpec, value: Any, names: Mapping[str, str]) -> str:
    if spec.type == "ref":
        return names.get(str(value), str(value))
    if spec.type == "bool":
        return "是 yes" if value else "否 no"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _fields(
    specs: Mapping[str, FieldSpec],
    properties: Mapping[str, Any],
    names: Mapping[str, str],
    *,
    show_contacts: bool,
) -> list[list[str]]:
    rows = []
    for name, spec in specs.items():
        if spec.personal and not show_contacts:
            continue
        value = properties.get(name)
        if value is None or value == "":
            continue
        rows.append([spec.label or name, _format(spec, value, names)])
    return rows


def _sources(sources: list[Source]) -> list[dict[str, str]]:
    out = []
    for source in sources:
        item = {"document": source.document}
        for key in ("excerpt", "locator", "date"):
            value = getattr(source, key)
            if value:
                item[key] = value
        out.append(item)
    return out


def _node_info(
    entity: Entity, subgraph: Subgraph, names: Mapping[str, str], *, show_contacts: bool
) -> dict[str, Any]:
    # The kind is the node's group; it is not repeated here.
    info: dict[str, Any] = {"name": entity.name}
    if entity.name_en:
        info["name_en"] = entity.name_en
    if entity.aliases:
        info["aliases"] = entity.aliases
    roles = []
    if entity.id in subgraph.origins:
        roles.append(ROLE_ORIGIN)
    if entity.id in subgraph.targets:
        roles.append(ROLE_TARGET)
    if roles:
        info["role"] = ", ".join(roles)
    fields = _fields(
        SCHEMA.entity_kind(entity.kind).fields,
        entity.properties,
        names,
        show_contacts=show_contacts,
    )
    if fields:
        info["fields"] = fields
    if entity.tags:
        info["tags"] = entity.tags
    if entity.description:
        info["description"] = entity.description
    if entity.sources:
        info["sources"] = _sources(entity.sources)
    return info


def _edge_info(rel: Relationship, names: Mapping[str, str]) -> dict[str, Any]:
    """What an edge's tooltip adds to its kind and ends (which the edge carries)."""
    info: dict[str, Any] = {}
    fields = []
    if rel.since or rel.until:
        fields.append([LABELS["period"], f"{rel.since or '…'} – {rel.until or '…'}"])
    fields += _fields(
        SCHEMA.relationship_kind(rel.type).fields, rel.properties, names, show_contacts=False
    )
    if fields:
        info["fields"] = fields
    if rel.sources:
        info["sources"] = _sources(rel.sources)
    return info


def _emphasis(kind: str, border: str) -> dict[str, Any]:
    """A node's colour with an emphasis border, complete so no group colour leaks."""
    kind_style = style.node_style(kind)
    fill = "rgba(255,255,255,0)" if kind_style.image else kind_style.color
    colors = {"background": fill, "border": border}
    return {**colors, "highlight": colors, "hover": colors}


def vis_options(layout: Layout) -> dict[str, Any]:
    """vis-network options: looks per kind (groups), fonts, physics, interaction."""
    font = {"face": style.FONT_STACK, "strokeWidth": 3, "strokeColor": "#ffffff"}
    large = layout.positions is not None
    options: dict[str, Any] = {
        "groups": style.vis_groups(),
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "font": {**font, "size": 14, "color": "#222222"},
            # Labels are drawn only once they are big enough to read, which
            # keeps a zoomed-out 3,000-node page quick to redraw.
            "scaling": {"label": {"drawThreshold": 7}},
        },
        "edges": {
            "width": 1,
            "selectionWidth": 2,
            "font": {**font, "size": 10, "color": "#555555", "align": "horizontal"},
            # Directed kinds' arrowheads; a large page starts zoomed out, where
            # they are too small to see, and turns them on when zoomed in.
            "arrows": {"to": {"enabled": not large, "scaleFactor": 0.5}},
            "scaling": {"label": {"drawThreshold": 7}},
            "smooth": False if large else {"type": "continuous", "roundness": 0.2},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "keyboard": False,
            "multiselect": False,
            # A 3,000-node frame takes ~0.3 s to draw without a GPU: moving
            # the view without the edges keeps it responsive.
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        # vis's improved layout (Kamada-Kawai on clusters) helps small graphs
        # and only warns and wastes time on bigger ones.
        "layout": {"randomSeed": 7, "improvedLayout": layout.nodes <= 100},
    }
    if large:
        options["physics"] = {"enabled": False}
    else:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -120,
                "springLength": 140,
                "avoidOverlap": 0.5,
            },
            "stabilization": {"enabled": True, "iterations": layout.iterations, "fit": True},
        }
    return options


def build_network(
    subgraph: Subgraph, *, show_contacts: bool = False
) -> tuple[Network, Layout, list[Relationship]]:
    """The pyvis network of a subgraph, laid out beforehand when it is large,
    and the relationships drawn, in edge order (edge ``e{i}`` is the i-th)."""
    entities = {eid: e if show_contacts else e.public() for eid, e in subgraph.entities.items()}
    relationships = [
        rel
        for rel in subgraph.relationships.values()
        if rel.from_id in entities and rel.to_id in entities
    ]
    layout = compute_layout(list(entities), [rel.ends for rel in relationships])
    # Subgraph.degree counts by scanning every relationship, once per entity;
    # counted once here instead (same rule: the whole-graph degree when given).
    counted = Counter(end for rel in subgraph.relationships.values() for end in rel.ends)
    net = Network(directed=True)
    # pyvis checks ends against a list of node ids, once per edge (quadratic);
    # a set with the same interface keeps 3,000-node graphs fast.
    net.node_ids = _IdList()
    for eid, entity in entities.items():
        node: dict[str, Any] = {
            "group": entity.kind,
            "size": node_size(subgraph.degrees.get(eid, counted[eid])),
        }
        if layout.positions is not None:
            node["x"], node["y"] = layout.positions[eid]
        border = (
            style.ORIGIN_BORDER
            if eid in subgraph.origins
            else style.TARGET_BORDER
            if eid in subgraph.targets
            else None
        )
        if border:
            node["borderWidth"] = node["borderWidthSelected"] = style.EMPHASIS_BORDER_WIDTH
            node["size"] = max(node["size"], 16)
            node["font"] = {"size": 17}
        net.add_node(eid, label=_label(entity.name), **node)
        if border:
            # add_node drops ``color`` when a group is given; set it afterwards.
            net.node_map[eid]["color"] = _emphasis(entity.kind, border)
    for i, rel in enumerate(relationships):
        edge: dict[str, Any] = {"id": f"e{i}", "type": rel.type}
        if rel.identity in subgraph.highlighted:
            edge["hl"] = 1
        net.add_edge(rel.from_id, rel.to_id, **edge)
    net.options = vis_options(layout)
    return net, layout, relationships


class _IdList(list[Any]):
    """pyvis's node id list with set-speed membership."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._set.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._set


def payload(
    subgraph: Subgraph, *, show_contacts: bool = False, title: str | None = None
) -> dict[str, Any]:
    """Everything the page needs, as one JSON-able document."""
    net, layout, relationships = build_network(subgraph, show_contacts=show_contacts)
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    for node in nodes:
        # pyvis gives every node a shape (default "dot"); the kind's group
        # says the shape, so the node must not.
        node.pop("shape", None)
    for edge in edges:
        # Likewise pyvis's default arrow: the page sets it from the kind.
        edge.pop("arrows", None)
    names = {eid: e.name for eid, e in subgraph.entities.items()}
    info_nodes = {
        eid: _node_info(
            e if show_contacts else e.public(), subgraph, names, show_contacts=show_contacts
        )
        for eid, e in subgraph.entities.items()
    }
    # Edges with nothing to add (no dates, fields or sources) have no entry.
    info_edges = {
        f"e{i}": extra for i, rel in enumerate(relationships) if (extra := _edge_info(rel, names))
    }
    legend = style.legend()
    legend["marks"] = style.marks(
        origins=bool(subgraph.origins & subgraph.entities.keys()),
        targets=bool(subgraph.targets & subgraph.entities.keys()),
        highlighted=any(edge.get("hl") for edge in edges),
    )
    page_title = title or subgraph.title or "renmai 人脉"
    return {
        "title": page_title,
        "summary": f"{len(nodes)} 个实体 entities · {len(edges)} 条关系 relationships"
        + (" · 预先布局 precomputed layout" if layout.positions is not None else ""),
        "empty": "没有可显示的内容 (nothing to show)",
        "labels": LABELS,
        "legend": legend,
        "highlight": {"color": style.HIGHLIGHT_EDGE, "width": style.HIGHLIGHT_EDGE_WIDTH},
        "nodes": nodes,
        "edges": edges,
        "info": {"nodes": info_nodes, "edges": info_edges},
        "options": net.options,
        "large": layout.positions is not None,
        "threshold": LARGE_GRAPH,
    }
