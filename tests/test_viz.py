"""The pages, without a browser: styles cover the schema, data is escaped,
contacts stay out, files are UTF-8 and self-contained, layouts are computed
for large graphs. tests/test_viz_browser.py opens the pages in Chromium."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner
from viz_fixtures import EMAIL, HOSTILE_NAMES, PHONE, connect_answer, hostile_answer, synthetic

from renmai.cli import cli
from renmai.graph.model import Entity, Relationship
from renmai.graph.schema import SCHEMA
from renmai.graph.sqlite_store import SqliteStore
from renmai.graph.subgraph import Subgraph
from renmai.viz import LARGE_GRAPH, VizError, render_html, style, write_html
from renmai.viz.layout import EDGE_LENGTH, compute_layout, force_layout
from renmai.viz.page import json_for_script
from renmai.viz.render import payload
from renmai.viz.select import neighbourhood, whole_graph


def page_data(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="renmai-data">(.*?)</script>', html, re.S
    )
    assert match
    return json.loads(match.group(1))


# -- styles ---------------------------------------------------------------------------------------
def test_every_entity_kind_has_its_own_colour_and_shape() -> None:
    assert set(style.ENTITY_STYLES) == set(SCHEMA.entity_kind_names)
    styles = list(style.ENTITY_STYLES.values())
    assert len({s.color for s in styles}) == len(styles)
    assert len({s.shape for s in styles}) == len(styles)


def test_every_relationship_kind_has_its_own_style() -> None:
    assert set(style.RELATIONSHIP_STYLES) == set(SCHEMA.relationship_kind_names)
    looks = {(s.color, s.dashes) for s in style.RELATIONSHIP_STYLES.values()}
    assert len(looks) == len(style.RELATIONSHIP_STYLES)


def test_legend_labels_come_from_the_schema() -> None:
    legend = style.legend()
    assert [k["label"] for k in legend["kinds"]] == [k.label_zh for k in SCHEMA.entity_kinds]
    assert [r["label"] for r in legend["relationships"]] == [
        r.label_zh for r in SCHEMA.relationship_kinds
    ]
    symmetric = {r.name for r in SCHEMA.relationship_kinds if r.symmetric}
    assert {r["name"] for r in legend["relationships"] if not r["arrow"]} == symmetric


def test_every_group_has_a_shape_vis_network_knows() -> None:
    known = {"dot", "diamond", "star", "triangle", "triangleDown", "square", "hexagon", "image"}
    for kind, group in style.vis_groups().items():
        assert group["shape"] in known, kind
        if group["shape"] == "image":
            assert group["image"].startswith("data:image/svg+xml,")


# -- escaping -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [*HOSTILE_NAMES, "<!-- x", "a\u2028b\u2029c", "lone \ud800 surrogate", "\x00\x1f", "&amp;"],
)
def test_json_for_script_cannot_break_out_and_round_trips(text: str) -> None:
    encoded = json_for_script({"name": text})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded
    encoded.encode("utf-8")  # no lone surrogate left
    assert json.loads(encoded) == {"name": text}


def test_hostile_names_appear_only_escaped_in_the_page() -> None:
    html = render_html(hostile_answer())
    for name in HOSTILE_NAMES:
        if re.search(r"[<>&]", name):
            assert name not in html
    assert "<img src=x" not in html
    assert "alert(1)</script>" not in html
    # The title is escaped in <title> too, and shown in full in the data.
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&#x27;title&#x27;)" in html
    # Three script elements: the data, vis-network and the page's own script.
    outside_scripts = re.sub(r"(<script[^>]*>).*?</script>", r"\1", html, flags=re.S)
    assert len(re.findall(r"<script", outside_scripts)) == 3
    data = page_data(html)
    names = {n["name"] for n in data["info"]["nodes"].values()}
    assert set(HOSTILE_NAMES) <= names


def test_no_title_or_html_is_handed_to_vis_network() -> None:
    # vis-network renders a string ``title`` as HTML; the page builds its own tooltips.
    data = payload(hostile_answer())
    assert all("title" not in node for node in data["nodes"])
    assert all("title" not in edge for edge in data["edges"])


def test_csp_allows_exactly_the_inlined_scripts() -> None:
    html = render_html(connect_answer())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp
    policy = csp.group(1).replace("&#x27;", "'")
    assert "default-src 'none'" in policy
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for code in scripts:
        digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy


# -- self-contained, UTF-8 ------------------------------------------------------------------------
def test_page_references_nothing_outside_itself() -> None:
    html = render_html(connect_answer())
    assert not re.search(r"<(script|img|iframe|link)[^>]*\s(src|href)=", html, re.I)
    assert "<link" not in html
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", html)
    assert "sourceMappingURL" not in html
    assert "vis.Network" in html  # vis-network is inlined


def test_file_is_utf8_whatever_the_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import locale

    monkeypatch.setattr(locale, "getpreferredencoding", lambda *_: "GBK")
    target = write_html(connect_answer(), tmp_path / "out.html")
    assert target == tmp_path / "out.html"
    raw = target.read_bytes()
    assert "以色列驻广州总领事馆".encode() in raw
    assert '<meta charset="utf-8">' in raw.decode("utf-8")


def test_writing_into_a_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(VizError, match="cannot write"):
        write_html(connect_answer(), tmp_path / "no" / "such" / "out.html")


# -- contacts -------------------------------------------------------------------------------------
def test_contact_details_only_with_show_contacts() -> None:
    hidden = render_html(connect_answer())
    assert PHONE not in hidden and EMAIL not in hidden
    shown = render_html(connect_answer(), show_contacts=True)
    assert PHONE in shown and EMAIL in shown
    fields = dict(page_data(shown)["info"]["nodes"]["chen-wei"]["fields"])
    assert fields["电话"] == PHONE


# -- what the page says ---------------------------------------------------------------------------
def test_payload_emphasis_highlight_and_sources() -> None:
    data = payload(connect_answer(), title="标题")
    assert data["title"] == "标题"
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["zs-fao"]["color"]["border"] == style.ORIGIN_BORDER
    assert nodes["israel"]["color"]["border"] == style.TARGET_BORDER
    assert "shape" not in nodes["chen-wei"]  # the group (kind) says the shape
    highlighted = [e for e in data["edges"] if e.get("hl")]
    assert len(highlighted) == 2
    info = data["info"]
    assert info["nodes"]["chen-wei"]["sources"] == [
        {"document": "2023年侨务工作总结.docx", "excerpt": "陈伟会长多次促成中以交流"}
    ]
    liaison = next(
        e for e in data["edges"] if e["type"] == "LIAISES_WITH" and e["to"] == "il-consulate-gz"
    )
    assert info["edges"][liaison["id"]]["fields"] == [["时间", "2018 – …"]]
    # Reference fields show the referenced entity's name.
    assert dict(info["nodes"]["il-consulate-gz"]["fields"])["代表国家"] == "以色列"
    assert [m["label"] for m in data["legend"]["marks"]] == [
        "起点 origin",
        "目标 target",
        "最佳路径 best path",
    ]


def test_node_size_follows_degree() -> None:
    sub = connect_answer()
    sub.degrees = {"chen-wei": 100, "zhongshan": 1}
    nodes = {n["id"]: n for n in payload(sub)["nodes"]}
    assert nodes["chen-wei"]["size"] > nodes["zhongshan"]["size"]


def test_empty_subgraph_draws_an_empty_page() -> None:
    data = page_data(render_html(Subgraph(title="空")))
    assert data["nodes"] == [] and data["edges"] == []


# -- layout ---------------------------------------------------------------------------------------
def test_small_graphs_stabilise_in_the_browser_for_a_bounded_time() -> None:
    options = payload(connect_answer())["options"]
    assert options["physics"]["enabled"] is True
    assert 0 < options["physics"]["stabilization"]["iterations"] <= 1000


def test_large_graphs_are_laid_out_beforehand_with_physics_off() -> None:
    sub = synthetic(LARGE_GRAPH + 50)
    data = payload(sub)
    assert data["options"]["physics"] == {"enabled": False}
    assert data["large"] is True
    for node in data["nodes"]:
        assert math.isfinite(node["x"]) and math.isfinite(node["y"])


def test_layout_is_deterministic_and_separates_nodes() -> None:
    sub = synthetic(600, seed=3)
    ids = list(sub.entities)
    ends = [r.ends for r in sub.relationships.values()]
    first = force_layout(ids, ends)
    assert first == force_layout(ids, ends)
    assert set(first) == set(ids)
    assert len(set(first.values())) == len(ids)  # no two nodes on one spot


def test_layout_spreads_a_dense_graph_out() -> None:
    # About five edges per node, as in a generated network's whole graph: its
    # breadth-first tree has few, crowded rings, and the many edges pull the
    # nodes together. They must still end up apart, not piled on each other.
    rng = random.Random(5)
    ids = [f"n{i}" for i in range(600)]
    ends = [(rng.choice(ids), rng.choice(ids)) for _ in range(3000)]
    points = list(force_layout(ids, ends).values())
    nearest = sorted(min(math.dist(p, q) for q in points if q is not p) for p in points)
    assert statistics.median(nearest) >= 0.5 * EDGE_LENGTH
    assert nearest[len(nearest) // 20] >= 0.25 * EDGE_LENGTH


def test_layout_handles_isolated_nodes_and_pairs() -> None:
    ids = [f"n{i}" for i in range(400)]
    ends = [("n0", "n1"), ("n2", "n3"), ("n2", "n2"), ("n4", "missing")]
    layout = compute_layout(ids, ends)
    assert layout.positions is not None and len(layout.positions) == 400
    assert len(set(layout.positions.values())) == 400


# -- selecting from a store, and the CLI ----------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    sub = connect_answer()
    extra = [
        Entity(id="same-1", kind="Association", name="同名社团"),
        Entity(id="same-2", kind="Association", name="同名社团"),
    ]
    store = SqliteStore(tmp_path / "graph.db")
    store.write([*sub.entities.values(), *extra], list(sub.relationships.values()))
    return store


def test_whole_graph_and_kind_filter(store: SqliteStore) -> None:
    everything = whole_graph(store)
    assert len(everything.entities) == 13
    people_and_groups = whole_graph(store, kinds=["Person", "Association"])
    assert {e.kind for e in people_and_groups.entities.values()} == {"Person", "Association"}
    assert all(r.type == "MEMBER_OF" for r in people_and_groups.relationships.values())
    # Sizes still follow the whole graph's degrees.
    assert people_and_groups.degrees["chen-wei"] == 2


def test_neighbourhood_to_depth(store: SqliteStore) -> None:
    centre = store.get("il-consulate-gz")
    assert centre is not None
    one = neighbourhood(store, centre, depth=1)
    assert set(one.entities) == {"il-consulate-gz", "zs-fao", "israel", "tech-fair-2023"}
    # Links among the entities found count, also at the edge (zs-fao organized the fair).
    assert any(r.type == "ORGANIZED" for r in one.relationships.values())
    assert one.origins == {"il-consulate-gz"}
    two = neighbourhood(store, centre, depth=2, kinds=["Country"])
    assert set(two.entities) == {"il-consulate-gz", "israel"}


def test_cli_viz_whole_graph_and_neighbourhood(store: SqliteStore, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "all.html"
    result = runner.invoke(cli, ["--store", store.location, "viz", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "13 entities" in result.output
    assert len(page_data(out.read_text("utf-8"))["nodes"]) == 13
    near = tmp_path / "near.html"
    args = [
        "--store",
        store.location,
        "viz",
        "以色列驻广州总领事馆",
        "--depth",
        "1",
        "-o",
        str(near),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert len(page_data(near.read_text("utf-8"))["nodes"]) == 4
    kinds = tmp_path / "kinds.html"
    args = ["--store", store.location, "viz", "--kind", "人物", "--kind", "association"]
    result = runner.invoke(cli, [*args, "-o", str(kinds)])
    assert result.exit_code == 0, result.output
    assert len(page_data(kinds.read_text("utf-8"))["nodes"]) == 4


def test_cli_viz_ambiguous_name_lists_candidates(store: SqliteStore, tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    args = ["--store", store.location, "viz", "同名社团", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert "same-1" in result.output and "same-2" in result.output
    assert not out.exists()


def test_cli_viz_unknown_kind_is_a_usage_error(store: SqliteStore, tmp_path: Path) -> None:
    args = ["--store", store.location, "viz", "--kind", "Planet", "-o", str(tmp_path / "x.html")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "not an entity kind" in result.output


def test_relationship_with_a_missing_end_is_left_out() -> None:
    sub = connect_answer()
    sub.add_relationship(Relationship(type="KNOWS", from_id="chen-wei", to_id="nobody"))
    data = payload(sub)
    assert all(e["to"] != "nobody" for e in data["edges"])
