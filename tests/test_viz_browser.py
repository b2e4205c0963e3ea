"""The pages in a real browser: headless Chromium (Debian's ``chromium``, set
up by ``scripts/install-browser``) driven by playwright-python.

Without /usr/bin/chromium these tests skip, unless RENMAI_REQUIRE_BROWSER=1
(as ``make test`` and CI set), when they fail. No timing is asserted: the
3,000-node test prints its measurements and checks that the layout came
precomputed with physics off.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS  # scripts/, put on sys.path by conftest.py
from click.testing import CliRunner
from viz_fixtures import EMAIL, HOSTILE_NAMES, PHONE, connect_answer, hostile_answer, synthetic

from renmai.graph.subgraph import Subgraph
from renmai.viz import write_html

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1400, "height": 900}


@pytest.fixture(scope="session")
def browser_context() -> Iterator[Any]:
    """A headless Chromium with a new, empty profile for the session."""
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (run scripts/install-browser)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:  # pragma: no cover - playwright is a test dependency
            reason = "playwright is not installed (pip install -e .[test])"
    if reason:
        if os.environ.get("RENMAI_REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason + "; set RENMAI_REQUIRE_BROWSER=1 to make this a failure")
    profile = tempfile.mkdtemp(prefix="renmai-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport=VIEWPORT,
        )
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@dataclass
class OpenedPage:
    """A page, with everything it said and asked for while open."""

    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def js(self, expression: str, arg: Any = None) -> Any:
        # Always a function: the page's policy forbids eval, and Playwright
        # would evaluate a bare expression string with it while polling.
        return self.page.evaluate(expression, arg)

    def node_dom_position(self, node_id: str) -> tuple[float, float]:
        """Where a node is on the screen (page coordinates)."""
        box = self.page.locator("#graph").bounding_box()
        point = self.js(
            "id => renmai.network.canvasToDOM(renmai.network.getPositions([id])[id])", node_id
        )
        return box["x"] + point["x"], box["y"] + point["y"]

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.requests == [self.url], "the page asked for more than itself"
        assert self.dialogs == []


@pytest.fixture
def open_page(browser_context: Any) -> Iterator[Any]:
    pages: list[Any] = []

    def opener(path: Path) -> OpenedPage:
        page = browser_context.new_page()
        pages.append(page)
        opened = OpenedPage(page, path.resolve().as_uri())
        page.on(
            "console",
            lambda m: opened.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: opened.errors.append(f"pageerror: {e}"))
        page.on("request", lambda r: opened.requests.append(r.url))

        def on_dialog(dialog: Any) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)

        # Anything other than the page itself is refused, and recorded above.
        def route(r: Any) -> None:
            if r.request.url == opened.url:
                r.continue_()
            else:
                r.abort()

        page.route("**/*", route)
        start = time.perf_counter()
        page.goto(opened.url)
        page.wait_for_function("() => window.renmai && window.renmai.ready", polling=50)
        opened.seconds = time.perf_counter() - start
        return opened

    yield opener
    for page in pages:
        page.close()


def dataset_ids(opened: OpenedPage) -> tuple[set[str], list[tuple[str, str, str]]]:
    nodes = opened.js("() => renmai.nodes.getIds()")
    edges = opened.js("() => renmai.edges.get().map(e => [e.from, e.to, e.type])")
    return set(nodes), sorted(tuple(e) for e in edges)


def expected(sub: Subgraph) -> tuple[set[str], list[tuple[str, str, str]]]:
    edges = [(r.from_id, r.to_id, r.type) for r in sub.relationships.values()]
    return set(sub.entities), sorted(edges)


# -- the connect answer ---------------------------------------------------------------------------
def _reference_connect(tmp_path: Path) -> Path | None:
    """``renmai connect 以色列 --html`` on the reference dataset, when both exist."""
    data = ROOT / "data" / "zhongshan"
    try:
        from renmai.queries.connect import connect  # noqa: F401
    except ImportError:
        return None
    if not (data / "entities").is_dir():
        return None
    from renmai.cli import cli

    store = tmp_path / "graph.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(store), "load", str(data)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "connect.html"
    result = runner.invoke(cli, ["--store", str(store), "connect", "以色列", "--html", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_connect_answer_renders_offline_and_is_screenshotted(
    open_page: Any, tmp_path: Path
) -> None:
    path = _reference_connect(tmp_path)
    if path is None:
        path = write_html(connect_answer(), tmp_path / "connect.html")
    opened = open_page(path)
    opened.check_clean()
    assert opened.js("() => renmai.nodes.length") > 0
    assert opened.js("() => renmai.edges.get({filter: e => e.hl}).length") > 0
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(artifacts / "connect.png"))
    # The README's picture: written when missing, or when asked to refresh it,
    # so that test runs do not keep changing a committed file.
    readme_image = ROOT / "docs" / "img" / "connect-israel.png"
    if not readme_image.exists() or os.environ.get("RENMAI_UPDATE_SCREENSHOT") == "1":
        readme_image.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(artifacts / "connect.png", readme_image)


def test_datasets_hold_the_subgraph(open_page: Any, tmp_path: Path) -> None:
    sub = connect_answer()
    opened = open_page(write_html(sub, tmp_path / "c.html"))
    opened.check_clean()
    assert dataset_ids(opened) == expected(sub)
    highlighted = opened.js("() => renmai.edges.get({filter: e => e.hl}).map(e => e.type)")
    assert sorted(highlighted) == ["LIAISES_WITH", "REPRESENTS"]
    # The page settled and stopped: physics is off once stabilised.
    assert opened.js("() => renmai.network.physics.options.enabled") is False
    legend = opened.page.locator("#kinds").inner_text()
    assert "领馆" in legend and "人物" in legend


def test_reference_whole_graph_via_cli(open_page: Any, tmp_path: Path) -> None:
    data = ROOT / "data" / "zhongshan"
    if not (data / "entities").is_dir():
        pytest.skip("no reference dataset")
    from renmai.cli import cli
    from renmai.graph.sqlite_store import SqliteStore

    store = tmp_path / "graph.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store), "load", str(data)]).exit_code == 0
    out = tmp_path / "all.html"
    result = runner.invoke(cli, ["--store", str(store), "viz", "-o", str(out)])
    assert result.exit_code == 0, result.output
    opened = open_page(out)
    opened.check_clean()
    counts = SqliteStore(store).counts()
    assert opened.js("() => renmai.nodes.length") == sum(counts.entities.values())
    assert opened.js("() => renmai.edges.length") == sum(counts.relationships.values())
    print(f"\nreference whole graph: ready in {opened.seconds:.2f} s")


# -- hostile names --------------------------------------------------------------------------------
def test_hostile_names_run_nothing_and_show_literally(open_page: Any, tmp_path: Path) -> None:
    sub = hostile_answer()
    opened = open_page(write_html(sub, tmp_path / "hostile.html"))
    page = opened.page
    assert dataset_ids(opened) == expected(sub)
    assert page.title() == sub.title
    assert page.locator("#title").inner_text() == sub.title
    # Only the page's own three script elements, no injected image.
    assert opened.js("() => document.scripts.length") == 3
    assert opened.js("() => document.querySelectorAll('img[src=\"x\"], svg[onload]').length") == 0
    for i, name in enumerate(HOSTILE_NAMES):
        node_id = f"bad-{i}"
        # The tooltip, from hovering the node.
        x, y = opened.node_dom_position(node_id)
        page.mouse.move(x, y)
        page.wait_for_function("() => document.getElementById('tip').style.display === 'block'")
        tip = opened.js("() => document.querySelector('#tip .name').textContent")
        assert tip == name
        page.mouse.move(5, 5)
        # The details panel, from clicking it.
        page.mouse.click(x, y)
        details = opened.js("() => document.querySelector('#details .name').textContent")
        assert details == name
        # The search results.
        page.fill("#search", name[:12])
        results = opened.js(
            "() => [...document.querySelectorAll('#results button .v')].map(e => e.textContent)"
        )
        assert name in results
    opened.check_clean()


# -- search and filters ---------------------------------------------------------------------------
def test_search_finds_and_focuses_a_node(open_page: Any, tmp_path: Path) -> None:
    opened = open_page(write_html(connect_answer(), tmp_path / "c.html"))
    page = opened.page
    page.fill("#search", "Wei Chen")  # an alias
    assert page.locator("#results button").first.inner_text().startswith("陈伟")
    page.fill("#search", "驻广州")
    page.press("#search", "Enter")
    assert opened.js("() => renmai.network.getSelectedNodes()") == ["il-consulate-gz"]
    # Focused: the node is at the centre of the view.
    box = page.locator("#graph").bounding_box()
    x, y = opened.node_dom_position("il-consulate-gz")
    assert abs(x - (box["x"] + box["width"] / 2)) < 5
    assert abs(y - (box["y"] + box["height"] / 2)) < 5
    assert page.locator("#details .name").inner_text() == "以色列驻广州总领事馆"
    page.fill("#search", "no such thing")
    assert "没有找到" in page.locator("#results").inner_text()
    opened.check_clean()


def test_kind_filter_hides_and_shows_nodes(open_page: Any, tmp_path: Path) -> None:
    opened = open_page(write_html(connect_answer(), tmp_path / "c.html"))
    page = opened.page
    page.uncheck("#kind-Country")
    hidden = opened.js("() => renmai.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert sorted(hidden) == ["china", "israel"]
    assert opened.js("() => renmai.network.body.nodes['israel'].options.hidden") is True
    # Searching for a hidden node shows its kind again.
    page.fill("#search", "Israel")
    page.press("#search", "Enter")
    assert page.locator("#kind-Country").is_checked()
    assert opened.js("() => renmai.nodes.get({filter: n => n.hidden}).length") == 0
    opened.check_clean()


# -- contacts -------------------------------------------------------------------------------------
@pytest.mark.parametrize("show_contacts", [False, True])
def test_contacts_only_when_asked(open_page: Any, tmp_path: Path, show_contacts: bool) -> None:
    path = write_html(connect_answer(), tmp_path / "c.html", show_contacts=show_contacts)
    opened = open_page(path)
    page = opened.page
    page.fill("#search", "陈伟")
    page.press("#search", "Enter")
    details = page.locator("#details").inner_text()
    assert "会长" in details
    assert (PHONE in details) is show_contacts
    assert (EMAIL in details) is show_contacts
    assert (PHONE in page.content()) is show_contacts
    opened.check_clean()


# -- large graphs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [1000, 3000])
def test_large_graph_is_interactive(open_page: Any, tmp_path: Path, size: int) -> None:
    sub = synthetic(size)
    start = time.perf_counter()
    path = write_html(sub, tmp_path / f"s{size}.html")
    written = time.perf_counter() - start
    opened = open_page(path)
    opened.check_clean()
    timings = opened.js("() => renmai.timings")
    print(
        f"\n{size} nodes, {len(sub.relationships)} edges, {path.stat().st_size / 1e6:.1f} MB: "
        f"python {written:.2f} s + browser ready {opened.seconds:.2f} s "
        f"= {written + opened.seconds:.2f} s (network built at {timings['network']:.0f} ms, "
        f"first drawn at {timings['drawn']:.0f} ms after navigation)"
    )
    assert opened.js("() => renmai.nodes.length") == size
    assert opened.js("() => renmai.network.physics.options.enabled") is False
    assert opened.js("() => renmai.nodes.get().every(n => isFinite(n.x) && isFinite(n.y))")
    # Fitted on screen, lines are drawn plain; zooming in brings back the dash
    # patterns and arrowheads.
    assert opened.js("() => renmai.network.getScale()") < 0.3
    assert opened.js("() => renmai.detailShown()") is False
    opened.page.mouse.move(*opened.node_dom_position(opened.js("() => renmai.nodes.getIds()[0]")))
    for _ in range(40):
        if opened.js("() => renmai.detailShown()"):
            break
        opened.page.mouse.wheel(0, -300)
    assert opened.js("() => renmai.network.getScale()") >= 0.3
    assert opened.js("() => renmai.detailShown()") is True
    # Interactive: a search focuses a node.
    opened.page.fill("#search", "person-2999" if size == 3000 else "person-999")
    opened.page.press("#search", "Enter")
    assert len(opened.js("() => renmai.network.getSelectedNodes()")) == 1
    opened.check_clean()
