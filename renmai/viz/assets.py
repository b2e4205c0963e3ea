"""The page's own script and style sheet, and vis-network from the pyvis package.

The script and style live in this module as strings rather than as ``.js`` and
``.css`` files so that they install with the package whatever the packaging
configuration (package data is easy to lose in a wheel). vis-network is read
from the copy that ships inside pyvis, so the page needs no CDN.

The script treats every string from the graph as text: it builds the DOM with
``createElement`` and ``textContent`` only, never ``innerHTML``, and it gives
vis-network no ``title`` (vis renders a string title as HTML); tooltips are
the page's own elements.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from renmai.errors import RenmaiError


class AssetError(RenmaiError):
    """vis-network cannot be found in the installed pyvis package."""


@cache
def vis_network_js() -> str:
    """vis-network's minified script, as pyvis ships it, ready to inline."""
    text = _vis_file("vis-network.min.js")
    # A source map comment would make developer tools fetch a file that is not
    # there; the page makes no request at all.
    return re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", text)


@cache
def vis_network_css() -> str:
    """vis-network's style sheet without the rules that carry images.

    Those are the navigation, manipulation and configurator buttons, which the
    page never turns on; dropping them saves 200 kB per file.
    """
    css = _vis_file("vis-network.css")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = re.findall(r"[^{}]+\{[^{}]*\}", css)
    return "\n".join(rule.strip() for rule in rules if "url(" not in rule)


def _vis_file(name: str) -> str:
    import pyvis

    lib = Path(pyvis.__file__).parent / "templates" / "lib"
    # The newest vis-network that this pyvis carries (0.3.2: 9.0.4 and 9.1.2).
    candidates = sorted(lib.glob(f"vis-*/{name}"), key=lambda p: _version(p.parent.name))
    if not candidates:
        raise AssetError(f"vis-network ({name}) not found under {lib}; reinstall pyvis")
    return candidates[-1].read_text(encoding="utf-8")


def _version(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder))


PAGE_CSS = """
:root { --font: %(font)s; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%%; }
body { display: flex; font-family: var(--font); font-size: 13px; color: #222; background: #fff; }
#side { width: 300px; min-width: 300px; height: 100%%; overflow-y: auto; padding: 10px 12px;
  border-right: 1px solid #ddd; background: #fafafa; }
#main { flex: 1; position: relative; height: 100%%; min-width: 0; }
#graph { position: absolute; inset: 0; }
h1 { font-size: 16px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 13px; margin: 14px 0 6px; color: #555; }
.muted { color: #777; font-size: 12px; }
#search { width: 100%%; padding: 5px 7px; font: inherit; border: 1px solid #bbb;
  border-radius: 4px; }
#results { list-style: none; margin: 4px 0 0; padding: 0; max-height: 240px; overflow-y: auto; }
#results li button { display: block; width: 100%%; text-align: left; font: inherit; border: 0;
  background: none; padding: 3px 4px; cursor: pointer; overflow-wrap: anywhere; }
#results li button:hover, #results li button:focus { background: #e8eef7; }
.legend { list-style: none; margin: 0; padding: 0; }
.legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.legend img, .legend svg { flex: none; }
.legend label { display: flex; align-items: center; gap: 6px; cursor: pointer; }
.count { color: #888; font-size: 11px; }
.v { unicode-bidi: isolate; overflow-wrap: anywhere; }
#details dl, #tip dl { margin: 4px 0 0; display: grid; grid-template-columns: auto 1fr;
  gap: 1px 8px; }
#details dt, #tip dt { color: #666; white-space: nowrap; }
#details dd, #tip dd { margin: 0; overflow-wrap: anywhere; }
.name { font-weight: bold; font-size: 14px; }
.sources { margin: 4px 0 0; padding-left: 16px; }
.sources li { margin: 2px 0; }
.excerpt { color: #555; }
#tip { position: absolute; z-index: 10; max-width: 380px; pointer-events: none; display: none;
  background: #fffff4; border: 1px solid #999; border-radius: 4px; padding: 6px 8px;
  box-shadow: 2px 2px 8px rgba(0,0,0,.2); font-size: 12px; }
#empty { position: absolute; top: 40%%; width: 100%%; text-align: center; color: #888; }
"""

#: The page's script. Reads the JSON data block, builds vis-network's data sets,
#: and wires up tooltips, details, search and the kind filters.
PAGE_JS = r"""
(function () {
  "use strict";
  // Milliseconds since navigation at each step, for the measurements in docs/viz.md.
  var T = { script: performance.now() };
  var data = JSON.parse(document.getElementById("renmai-data").textContent);
  var kinds = {}, rels = {};
  data.legend.kinds.forEach(function (k) { kinds[k.name] = k; });
  data.legend.relationships.forEach(function (r) { rels[r.name] = r; });
  var info = data.info;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function val(text) { var s = el("span", text, "v"); s.dir = "auto"; return s; }
  function $(id) { return document.getElementById(id); }

  $("title").textContent = data.title;
  document.title = data.title;
  $("summary").textContent = data.summary;

  // Edges carry only their kind; the kind's look is applied here, once per
  // edge, rather than repeated in the file. Directed kinds take their arrowhead
  // from the options (edges.arrows.to.enabled), so that large pages can turn
  // all of them on and off at once (see zoomDetail); symmetric kinds have none.
  var H = data.highlight;
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var r = rels[e.type];
    var c = e.hl ? H.color : r.color;
    return {
      id: e.id, from: e.from, to: e.to, type: e.type, label: data.large ? undefined : r.label,
      arrows: r.arrow ? undefined : "", dashes: r.dashes, width: e.hl ? H.width : 1,
      color: { color: c, highlight: c, hover: c, inherit: false },
      hl: !!e.hl
    };
  }));
  var nodes = new vis.DataSet(data.nodes);
  var container = $("graph");
  // Not displayed until it can be drawn complete (see show), so that vis,
  // which skips frames on a canvas of no size, draws nothing before then.
  container.hidden = true;
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  T.network = performance.now();
  var renmai = window.renmai = {
    data: data, nodes: nodes, edges: edges, network: network, ready: false, timings: T,
    hiddenKinds: {}
  };

  // ---- large pages: dashes and arrowheads only when zoomed in ---------------
  // Dash patterns and arrowheads are a few graph units long. On a large graph
  // fitted on screen (scale ~0.15) they shrink below a pixel and cannot be
  // seen, yet they are most of the cost of a frame without a GPU: a dashed
  // line is stroked dash by dash (over a second a frame for 15,000 lines), and
  // each arrowhead needs its node's border worked out. Below DETAIL_SCALE
  // large pages draw plain lines; zooming in brings both back.
  var DETAIL_SCALE = 0.3, detail = !data.large;
  renmai.detailShown = function () { return detail; };
  function zoomDetail() {
    var wanted = !data.large || network.getScale() >= DETAIL_SCALE;
    if (wanted === detail) { return; }
    detail = wanted;
    network.setOptions({ edges: { arrows: { to: { enabled: detail } } } });
  }
  if (data.large) {
    network.on("zoom", zoomDetail);
    var ctx = container.getElementsByTagName("canvas")[0].getContext("2d");
    var setLineDash = ctx.setLineDash;
    // vis strokes a dashed line between setLineDash(pattern) and restore().
    ctx.setLineDash = function (pattern) { setLineDash.call(ctx, detail ? pattern : []); };
  }

  // vis fits node shapes, not their labels: leave room for the outer labels.
  function fitAll() {
    network.fit({ maxZoomLevel: 1.2, animation: false });
    network.moveTo({ scale: network.getScale() * 0.9, animation: false });
    zoomDetail();
  }
  // The graph is shown, fitted and drawn once, when both the layout and the
  // kinds' pictures are in place. vis draws a node's picture (the kinds drawn
  // as SVG) only once it has loaded, and then draws the whole graph again; the
  // window's load event waits for those pictures. A frame of 3,000 nodes and
  // 15,000 lines costs a few hundred milliseconds, so it is drawn only once.
  var physics = data.options.physics && data.options.physics.enabled;
  var waiting = physics ? 2 : 1;
  function show() {
    waiting -= 1;
    if (waiting > 0) { return; }
    container.hidden = false;
    network.setSize("100%", "100%");  // its canvas had no size while hidden
    fitAll();  // asks vis for a frame: ready once it is drawn
    T.laidOut = performance.now();
    network.once("afterDrawing", function () { T.drawn = performance.now(); renmai.ready = true; });
  }
  if (physics) {
    // Stabilise for a bounded number of iterations, then stop: the picture
    // stays still while people read it.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      show();
    });
  }
  if (document.readyState === "complete") {
    show();
  } else {
    window.addEventListener("load", show);
  }
  if (data.nodes.length === 0) {
    container.appendChild(el("div", data.empty, "")).id = "empty";
  }

  // ---- details and tooltips: DOM built from text only ----------------------
  function fieldList(rows) {
    var dl = el("dl");
    rows.forEach(function (row) {
      var dd = el("dd");
      dd.appendChild(val(row[1]));
      dl.appendChild(el("dt", row[0]));
      dl.appendChild(dd);
    });
    return dl;
  }
  function sourceList(sources) {
    var ul = el("ul", null, "sources");
    sources.forEach(function (s) {
      var li = el("li");
      li.appendChild(val(s.document));
      if (s.locator) { li.appendChild(el("span", " · ")); li.appendChild(val(s.locator)); }
      if (s.date) { li.appendChild(el("span", " · ")); li.appendChild(val(s.date)); }
      if (s.excerpt) {
        var q = el("div", null, "excerpt");
        q.appendChild(val("“" + s.excerpt + "”"));
        li.appendChild(q);
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function nodeCard(id) {
    var n = info.nodes[id], kind = nodes.get(id).group, box = el("div");
    var head = el("div", null, "name"); head.appendChild(val(n.name)); box.appendChild(head);
    if (n.name_en) { box.appendChild(val(n.name_en)); }
    var rows = [[data.labels.kind, kinds[kind].label + " (" + kind + ")"]];
    if (n.role) { rows.push([data.labels.role, n.role]); }
    if (n.aliases) { rows.push([data.labels.aliases, n.aliases.join("; ")]); }
    (n.fields || []).forEach(function (f) { rows.push(f); });
    if (n.tags) { rows.push([data.labels.tags, n.tags.join("; ")]); }
    if (n.description) { rows.push([data.labels.description, n.description]); }
    rows.push([data.labels.id, id]);
    box.appendChild(fieldList(rows));
    if (n.sources) {
      box.appendChild(el("h2", data.labels.sources));
      box.appendChild(sourceList(n.sources));
    }
    return box;
  }
  function edgeCard(id) {
    var e = edges.get(id), extra = info.edges[id] || {}, r = rels[e.type], box = el("div");
    var head = el("div", null, "name");
    head.appendChild(val(info.nodes[e.from].name));
    head.appendChild(el("span", " → " + r.label + " → "));
    head.appendChild(val(info.nodes[e.to].name));
    box.appendChild(head);
    var rows = [[data.labels.relationship, r.label + " (" + r.label_en + ")"]];
    (extra.fields || []).forEach(function (f) { rows.push(f); });
    box.appendChild(fieldList(rows));
    if (extra.sources) {
      box.appendChild(el("h2", data.labels.sources));
      box.appendChild(sourceList(extra.sources));
    }
    return box;
  }
  var details = $("details"), tip = $("tip");
  function showDetails(card) { details.className = ""; details.replaceChildren(card); }
  function showTip(card, pointer) {
    tip.replaceChildren(card);
    tip.style.display = "block";
    var w = container.clientWidth, h = container.clientHeight;
    var x = Math.min(pointer.x + 14, Math.max(0, w - tip.offsetWidth - 4));
    var y = Math.min(pointer.y + 14, Math.max(0, h - tip.offsetHeight - 4));
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  network.on("hoverNode", function (p) { showTip(nodeCard(p.node), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(edgeCard(p.edge), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    if (p.nodes.length) { showDetails(nodeCard(p.nodes[0])); }
    else if (p.edges.length) { showDetails(edgeCard(p.edges[0])); }
  });

  // ---- search ---------------------------------------------------------------
  // Search ignores case, width and the invisible marks (zero-width, bidi).
  var INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;
  function fold(s) { return String(s).normalize("NFKC").toLowerCase().replace(INVISIBLE, ""); }
  var index = data.nodes.map(function (n) {
    var i = info.nodes[n.id];
    var names = [i.name, i.name_en || "", n.id].concat(i.aliases || []);
    return { id: n.id, text: names.map(fold).join("\n") };
  });
  function search(text) {
    var q = fold(text).trim();
    if (!q) { return []; }
    var exact = [], partial = [];
    index.forEach(function (e) {
      var at = e.text.indexOf(q);
      if (at < 0) { return; }
      (e.text.split("\n").indexOf(q) >= 0 ? exact : partial).push(e.id);
    });
    return exact.concat(partial);
  }
  function focusNode(id) {
    var kind = nodes.get(id).group;
    if (renmai.hiddenKinds[kind]) { setKindVisible(kind, true); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    zoomDetail();
    showDetails(nodeCard(id));
  }
  var input = $("search"), results = $("results");
  function showResults() {
    var ids = search(input.value);
    results.replaceChildren();
    ids.slice(0, 50).forEach(function (id) {
      var n = info.nodes[id], li = el("li"), b = el("button");
      b.type = "button";
      b.dataset.id = id;
      b.appendChild(val(n.name));
      if (n.name_en) { b.appendChild(el("span", " · ", "muted")); b.appendChild(val(n.name_en)); }
      b.appendChild(el("span", " " + kinds[nodes.get(id).group].label, "muted"));
      b.addEventListener("click", function () { focusNode(id); });
      li.appendChild(b); results.appendChild(li);
    });
    if (input.value.trim() && !ids.length) {
      results.appendChild(el("li", data.labels.no_match, "muted"));
    } else if (ids.length > 50) {
      results.appendChild(el("li", "… " + ids.length, "muted"));
    }
    return ids;
  }
  input.addEventListener("input", showResults);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var ids = showResults(); if (ids.length) { focusNode(ids[0]); } }
  });

  // ---- legend and kind filters ---------------------------------------------
  var byKind = {};
  data.nodes.forEach(function (n) { (byKind[n.group] = byKind[n.group] || []).push(n.id); });
  function setKindVisible(kind, visible) {
    renmai.hiddenKinds[kind] = !visible;
    var box = $("kind-" + kind); if (box) { box.checked = visible; }
    nodes.update(byKind[kind].map(function (id) { return { id: id, hidden: !visible }; }));
  }
  renmai.search = search; renmai.focusNode = focusNode; renmai.setKindVisible = setKindVisible;
  function swatch(uri) {
    var img = el("img");
    img.src = uri; img.width = 16; img.height = 16; img.alt = "";
    return img;
  }
  var kindList = $("kinds");
  data.legend.kinds.forEach(function (k) {
    if (!byKind[k.name]) { return; }
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.id = "kind-" + k.name;
    box.addEventListener("change", function () { setKindVisible(k.name, box.checked); });
    label.appendChild(box);
    label.appendChild(swatch(k.swatch));
    label.appendChild(el("span", k.label));
    label.appendChild(el("span", k.name + " · " + byKind[k.name].length, "count"));
    li.appendChild(label); kindList.appendChild(li);
  });
  var present = {};
  data.edges.forEach(function (e) { present[e.type] = (present[e.type] || 0) + 1; });
  var relList = $("rels");
  function line(color, dashes, width) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg"), l = document.createElementNS(ns, "line");
    svg.setAttribute("width", "34"); svg.setAttribute("height", "10");
    l.setAttribute("x1", "1"); l.setAttribute("y1", "5");
    l.setAttribute("x2", "33"); l.setAttribute("y2", "5");
    l.setAttribute("stroke", color); l.setAttribute("stroke-width", String(width));
    if (dashes) { l.setAttribute("stroke-dasharray", dashes.join(" ")); }
    svg.appendChild(l); return svg;
  }
  data.legend.relationships.forEach(function (r) {
    if (!present[r.name]) { return; }
    var li = el("li");
    li.appendChild(line(r.color, r.dashes, 2));
    li.appendChild(el("span", r.label));
    li.appendChild(el("span", r.label_en + " · " + present[r.name], "count"));
    relList.appendChild(li);
  });
  var marks = $("marks");
  data.legend.marks.forEach(function (m) {
    var li = el("li");
    if (m.line) { li.appendChild(line(m.color, false, 4)); }
    else { li.appendChild(swatch(m.swatch)); }
    li.appendChild(el("span", m.label)); marks.appendChild(li);
  });
  if (!data.legend.marks.length) { marks.previousElementSibling.remove(); marks.remove(); }
  T.scriptDone = performance.now();
}());
"""
