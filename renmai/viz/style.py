"""How each kind looks: one style table per schema kind, labels from the schema.

Colours, shapes and dash patterns live here and nowhere else; names and labels
come from :data:`~renmai.graph.schema.SCHEMA`, so a kind renamed or relabelled
there shows up on the next page drawn. ``tests/test_viz.py`` checks that every
schema kind has a style, so a new kind cannot be drawn in a default grey by
accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from renmai.graph.schema import SCHEMA

#: CJK system fonts first, so Chinese labels use what the reader's system has
#: (Windows, macOS, Linux) and the page never fetches a web font.
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", "Hiragino Sans GB", "WenQuanYi Micro Hei", "Heiti SC", SimHei, '
    "system-ui, sans-serif"
)

#: vis-network's built-in shapes whose size follows the ``size`` option (label
#: outside). There are seven; the last two kinds get an outline drawn as an
#: SVG image (see :data:`_SVG_PATHS`), which also sizes by ``size``.
_BUILT_IN = ("dot", "diamond", "star", "triangle", "triangleDown", "square", "hexagon")

#: Outlines on a 0..100 box: for the legend's swatches, and as the node image
#: of the kinds that no built-in shape is left for.
_SVG_PATHS = {
    "dot": "M50 6 A44 44 0 1 1 49.9 6 Z",
    "diamond": "M50 4 L96 50 L50 96 L4 50 Z",
    "star": "M50 4 L61 38 L97 38 L68 59 L79 94 L50 73 L21 94 L32 59 L3 38 L39 38 Z",
    "triangle": "M50 6 L96 90 L4 90 Z",
    "triangleDown": "M4 10 L96 10 L50 94 Z",
    "square": "M8 8 L92 8 L92 92 L8 92 Z",
    "hexagon": "M27 8 L73 8 L96 50 L73 92 L27 92 L4 50 Z",
    "pentagon": "M50 4 L96 38 L78 94 L22 94 L4 38 Z",
    "document": "M14 4 L66 4 L88 26 L88 96 L14 96 Z M66 4 L66 26 L88 26",
}


def svg_data_uri(shape: str, fill: str, stroke: str, stroke_width: int = 6) -> str:
    """A ``data:`` URI of one outline: no request, allowed by the page's policy."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<path d="{_SVG_PATHS[shape]}" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{stroke_width}" stroke-linejoin="round"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg, safe="")


@dataclass(frozen=True)
class NodeStyle:
    """The look of one entity kind."""

    color: str
    shape: str

    @property
    def border(self) -> str:
        return darken(self.color, 0.35)

    @property
    def image(self) -> str | None:
        """A ``data:`` SVG for shapes vis-network lacks, else None."""
        if self.shape in _BUILT_IN:
            return None
        return svg_data_uri(self.shape, self.color, self.border)

    @property
    def swatch(self) -> str:
        """The legend's picture of this kind."""
        return svg_data_uri(self.shape, self.color, self.border)


@dataclass(frozen=True)
class EdgeStyle:
    """The look of one relationship kind: colour and dash pattern (None: solid)."""

    color: str
    dashes: tuple[int, ...] | None = None


ENTITY_STYLES: dict[str, NodeStyle] = {
    "Country": NodeStyle("#4e79a7", "hexagon"),
    "City": NodeStyle("#59a14f", "diamond"),
    "Association": NodeStyle("#f28e2b", "triangle"),
    "Consulate": NodeStyle("#76b7b2", "triangleDown"),
    "Person": NodeStyle("#edc948", "dot"),
    "Organization": NodeStyle("#b07aa1", "square"),
    "Project": NodeStyle("#ff9da7", "star"),
    "Event": NodeStyle("#9c755f", "pentagon"),
    "Agreement": NodeStyle("#8f8a85", "document"),
}

# Containment is pale and dotted (it is geography, not a tie between people);
# the ties that carry a path are solid and saturated.
RELATIONSHIP_STYLES: dict[str, EdgeStyle] = {
    "LOCATED_IN": EdgeStyle("#c4c4c4", (2, 4)),
    "PART_OF": EdgeStyle("#a8a8a8", (6, 3)),
    "SISTER_CITY_OF": EdgeStyle("#3d7a34"),
    "FRIENDSHIP_MOU_WITH": EdgeStyle("#6fb35f", (8, 4)),
    "REPRESENTS": EdgeStyle("#4f9a94"),
    "MEMBER_OF": EdgeStyle("#e07b16"),
    "HOLDS_POSITION": EdgeStyle("#b39a23"),
    "ANCESTRAL_HOME": EdgeStyle("#d37295", (10, 4, 2, 4)),
    "PARTY_TO": EdgeStyle("#6b6661", (4, 4)),
    "ORGANIZED": EdgeStyle("#7d5a45"),
    "PARTICIPATED_IN": EdgeStyle("#9c755f", (4, 4)),
    "PARTNER_IN": EdgeStyle("#e0707e"),
    "FUNDS": EdgeStyle("#c9505f", (8, 3, 2, 3)),
    "DONATED_TO": EdgeStyle("#a05195", (8, 3, 2, 3)),
    "SUPPORTED": EdgeStyle("#7fa7cf", (6, 3)),
    "COOPERATES_WITH": EdgeStyle("#4e79a7"),
    "KNOWS": EdgeStyle("#8e6aa8", (3, 3)),
    "LIAISES_WITH": EdgeStyle("#2f4f7a", (12, 4)),
}

#: Emphasis: where the question started, what was asked for, and the best path.
ORIGIN_BORDER = "#0b2e6b"
TARGET_BORDER = "#c2185b"
HIGHLIGHT_EDGE = "#d7191c"
EMPHASIS_BORDER_WIDTH = 5
HIGHLIGHT_EDGE_WIDTH = 5


def darken(color: str, amount: float) -> str:
    """``#rrggbb`` moved ``amount`` (0..1) of the way to black."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in rgb)


def node_style(kind: str) -> NodeStyle:
    return ENTITY_STYLES[kind]


def edge_style(kind: str) -> EdgeStyle:
    return RELATIONSHIP_STYLES[kind]


def vis_groups() -> dict[str, dict[str, Any]]:
    """vis-network ``groups``: one per entity kind, so nodes carry only their kind."""
    groups: dict[str, dict[str, Any]] = {}
    for kind in SCHEMA.entity_kind_names:
        style = node_style(kind)
        hover = {"background": style.color, "border": "#000000"}
        group: dict[str, Any] = {
            "color": {
                "background": style.color,
                "border": style.border,
                "highlight": hover,
                "hover": hover,
            },
        }
        image = style.image
        if image is None:
            group["shape"] = style.shape
        else:
            group["shape"] = "image"
            group["image"] = image
            # The border is the emphasis and selection frame around the outline;
            # unselected it is transparent, so only the outline shows.
            group["shapeProperties"] = {"useBorderWithImage": True}
            group["color"] = {
                "background": "rgba(255,255,255,0)",
                "border": "rgba(255,255,255,0)",
                "highlight": {"background": "rgba(255,255,255,0)", "border": "#000000"},
                "hover": {"background": "rgba(255,255,255,0)", "border": "#000000"},
            }
        groups[kind] = group
    return groups


def legend() -> dict[str, list[dict[str, Any]]]:
    """What the page's legend and filters list, in schema order."""
    kinds = []
    for kind in SCHEMA.entity_kinds:
        style = node_style(kind.name)
        kinds.append(
            {
                "name": kind.name,
                "label": kind.label_zh,
                "color": style.color,
                "border": style.border,
                "shape": style.shape,
                "swatch": style.swatch,
            }
        )
    relationships = []
    for rel in SCHEMA.relationship_kinds:
        estyle = edge_style(rel.name)
        relationships.append(
            {
                "name": rel.name,
                "label": rel.label_zh,
                "label_en": rel.label_en,
                "color": estyle.color,
                "dashes": list(estyle.dashes) if estyle.dashes else False,
                "arrow": not rel.symmetric,
            }
        )
    return {"kinds": kinds, "relationships": relationships}


def marks(*, origins: bool, targets: bool, highlighted: bool) -> list[dict[str, Any]]:
    """Legend rows for the emphasis the page uses, only those present."""
    rows: list[dict[str, Any]] = []
    if origins:
        rows.append(
            {"label": "起点 origin", "swatch": svg_data_uri("dot", "#ffffff", ORIGIN_BORDER, 14)}
        )
    if targets:
        rows.append(
            {"label": "目标 target", "swatch": svg_data_uri("dot", "#ffffff", TARGET_BORDER, 14)}
        )
    if highlighted:
        rows.append({"label": "最佳路径 best path", "line": True, "color": HIGHLIGHT_EDGE})
    return rows
