"""Dependencies point one way: cli -> loaders / queries / viz -> graph.

Every module of the package is parsed (not imported) and every import in it —
at the top, inside functions, under ``TYPE_CHECKING`` — is checked against
what its part may use, so an import hidden in a function body counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "renmai"

#: For each part of the package, the parts it must never import.
FORBIDDEN = {
    "graph": {"loaders", "queries", "viz", "cli"},
    "queries": {"viz", "cli", "loaders"},
    "loaders": {"queries", "viz", "cli"},
    "viz": {"loaders", "cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, package: bool = False) -> list[tuple[int, str]]:
    """(line, what) of every import in ``source``, the code of ``module`` (a
    package's ``__init__`` when ``package``): the module imported, or for
    ``from m import n`` the dotted ``m.n``; relative imports resolved."""
    tree = ast.parse(source)
    home = module.split(".") if package else module.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = home[: len(home) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # The name may be a module (``from renmai import queries``).
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def part_of(module: str) -> str | None:
    """The part (graph, queries …) a module of renmai belongs to, or None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "renmai" else None


def violations() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        forbidden = FORBIDDEN.get(part_of(module) or "", set())
        source = path.read_text(encoding="utf-8")
        for line, target in imported_modules(source, module, package=path.name == "__init__.py"):
            if part_of(target) in forbidden:
                where = f"renmai/{path.relative_to(PACKAGE)}:{line}"
                found.append(f"{module} imports {target} ({where})")
    return found


def test_no_part_imports_what_it_must_not() -> None:
    found = violations()
    if found:
        pytest.fail(
            "imports against the direction cli -> loaders/queries/viz -> graph:\n"
            + "\n".join(found),
            pytrace=False,
        )


def test_the_walk_sees_every_part_and_every_kind_of_import() -> None:
    # The check is only as good as its walk: the package's parts are all there,
    # and an import inside a function, a relative one and ``from renmai import …``
    # are all seen and resolved.
    parts = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert set(FORBIDDEN) <= parts
    source = (
        "def f():\n"
        "    from renmai.queries.ranking import Ranker\n"
        "from ..viz import page\n"
        "from . import schema\n"
        "from renmai import cli\n"
        "import renmai.loaders.load\n"
    )
    imports = imported_modules(source, "renmai.graph.probe")
    assert sorted(imports) == [
        (2, "renmai.queries.ranking.Ranker"),
        (3, "renmai.viz.page"),
        (4, "renmai.graph.schema"),
        (5, "renmai.cli"),
        (6, "renmai.loaders.load"),
    ]
    found = imported_modules("from .. import viz", "renmai.graph", package=True)
    assert found == [(1, "renmai.viz")]
