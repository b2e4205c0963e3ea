"""The HTML page: one self-contained UTF-8 file, all data as escaped JSON."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

from renmai.errors import RenmaiError
from renmai.graph.subgraph import Subgraph
from renmai.viz import assets, style
from renmai.viz.render import payload


class VizError(RenmaiError):
    """A page cannot be written (no such folder, no permission)."""


_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]|[\ud800-\udfff]")


def json_for_script(value: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">`` as it is.

    ``<`` ``>`` ``&`` become ``\\u`` escapes, so no string can close the script
    element (``</script>``) or open a comment; U+2028/9 too, for older parsers
    that treat them as line ends. Lone surrogates, which cannot be written as
    UTF-8, become escapes that ``JSON.parse`` reads back as they were.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _SCRIPT_UNSAFE.sub(
        lambda m: _SCRIPT_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04x}"), text
    )


def _inline_script(code: str) -> str:
    # Inlined code must not contain what would end its element early.
    if re.search(r"</script|<!--", code, flags=re.I):
        raise VizError("script to inline contains '</script' or '<!--'")
    return code


def _csp_hash(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(
    subgraph: Subgraph, *, show_contacts: bool = False, title: str | None = None
) -> str:
    """The page for ``subgraph`` as one HTML string (see :func:`write_html`)."""
    data = payload(subgraph, show_contacts=show_contacts, title=title)
    vis_js = _inline_script(assets.vis_network_js())
    page_js = _inline_script(assets.PAGE_JS)
    # The policy allows exactly the two inlined scripts, by hash: even if some
    # markup slipped through escaping, an injected script or event handler
    # would not run, and nothing may be fetched (default-src 'none').
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}; "
        "style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    css = assets.PAGE_CSS % {"font": style.FONT_STACK}
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n',
            '<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            '<meta name="referrer" content="no-referrer">\n',
            f"<title>{html.escape(data['title'])}</title>\n",
            "<style>\n",
            assets.vis_network_css(),
            "\n</style>\n<style>",
            css,
            "</style>\n</head>\n<body>\n",
            '<aside id="side">\n',
            '<h1 id="title"></h1>\n<div id="summary" class="muted"></div>\n',
            "<h2>搜索 Search</h2>\n",
            '<input id="search" type="search" autocomplete="off" spellcheck="false" '
            'placeholder="名称、英文名、别名 name / alias">\n',
            '<ul id="results"></ul>\n',
            '<h2>详情 Details</h2>\n<div id="details" class="muted">'
            "点击节点或关系查看详情 (click a node or a line)</div>\n",
            '<h2>实体类型 Kinds</h2>\n<ul id="kinds" class="legend"></ul>\n',
            '<h2>标记 Marks</h2>\n<ul id="marks" class="legend"></ul>\n',
            '<h2>关系 Relationships</h2>\n<ul id="rels" class="legend"></ul>\n',
            "</aside>\n",
            '<main id="main"><div id="graph"></div><div id="tip"></div></main>\n',
            '<script type="application/json" id="renmai-data">',
            json_for_script(data),
            "</script>\n<script>",
            vis_js,
            "</script>\n<script>",
            page_js,
            "</script>\n</body>\n</html>\n",
        ]
    )


def write_html(
    subgraph: Subgraph,
    path: Path | str,
    *,
    show_contacts: bool = False,
    title: str | None = None,
) -> Path:
    """Write the page for ``subgraph`` to ``path`` as UTF-8, whatever the locale.

    The file is self-contained: vis-network is inlined, and it makes no network
    request when opened. Returns the path written.
    """
    target = Path(path)
    text = render_html(subgraph, show_contacts=show_contacts, title=title)
    try:
        target.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise VizError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return target
