"""The demo's editing session: a few everyday writes on a scratch copy of the
reference graph, and what the questions make of them (docs/editing.md)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from renmai.graph.store import Store
    from renmai.loaders.edits import Edit

#: The office whose post changes hands in the session. 张三 and 李四, who hold
#: it, are examples, not people of the reference data: the session runs on a
#: scratch copy.
OFFICE = "巴西驻穗领馆"
US = "中山市外事侨务局"


def _steps() -> list[tuple[str, Callable[[Store], Edit]]]:
    """Each command as typed, and the edit it makes."""
    from renmai.loaders import edits

    title = {"title": "总领事"}

    return [
        (
            'renmai add 人物 张三 --note "an example"',
            lambda s: edits.add(s, "人物", "张三", note="an example"),
        ),
        (
            f"renmai link 张三 HOLDS_POSITION {OFFICE} --since 2013 --field title=总领事",
            lambda s: edits.link(s, "张三", "HOLDS_POSITION", OFFICE, since="2013", fields=title),
        ),
        (
            f"renmai end 张三 HOLDS_POSITION {OFFICE} --until 2016-06",
            lambda s: edits.end(s, "张三", "HOLDS_POSITION", OFFICE, "2016-06"),
        ),
        ("renmai add 人物 李四", lambda s: edits.add(s, "人物", "李四")),
        (
            f"renmai link 李四 HOLDS_POSITION {OFFICE} --since 2016-07 --field title=总领事",
            lambda s: edits.link(
                s, "李四", "HOLDS_POSITION", OFFICE, since="2016-07", fields=title
            ),
        ),
        (
            f'renmai log 2016-11-03 "会见巴西驻穗总领事" --with {US} --with 李四 --kind meeting',
            lambda s: edits.log(
                s, "2016-11-03", "会见巴西驻穗总领事", [US, "李四"], category="meeting"
            ),
        ),
    ]


def session_lines(folder: Path) -> list[str]:
    """The session on a scratch store loaded from ``folder``, as text."""
    from renmai import queries
    from renmai.cli.render.changes import item_lines, record_heading
    from renmai.graph.connect import open_store
    from renmai.loaders import load
    from renmai.queries.arrows import path_text

    lines = [
        "An editing session (docs/editing.md) on a scratch copy, your store left alone; "
        "张三 and 李四 are examples:"
    ]
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Path(scratch) / "graph")
        try:
            load(store, [folder])
            for typed, build in _steps():
                edit = build(store)
                record = edit.plan(store).record
                edit.apply(store)
                lines.append(f"\n$ {typed}")
                lines += [
                    f"  {line}" for i in (record.items if record else ()) for line in item_lines(i)
                ]
            office = queries.lookup(store, OFFICE)
            answer = queries.path(store, queries.lookup(store, US), office, limit=2)
            lines.append(f"\n$ renmai path {US} {OFFICE} --limit 2")
            lines += [f"  {p.score:.3f}  {path_text(p)}" for p in answer.paths]
            lines += [f"  now: {s.text()}" for s in answer.successions.values()]
            lines.append("\n$ renmai stale --since 2016 --ours --limit 3")
            lines += [
                f"  {row.last or '—'}  {row.entity.name}  ({row.what()})"
                for row in queries.stale_contacts(store, "2016", ours=True)[:3]
            ]
            dormant = queries.agreements(store, dormant_since="2015")
            lines.append("\n$ renmai agreements --dormant-since 2015")
            lines.append(
                f"  {len(dormant)} agreements with no activity since 2015, e.g. "
                + "; ".join(r.agreement.name for r in dormant[:2])
            )
            lines.append("\n$ renmai history 张三")
            lines += [f"  {record_heading(r)}" for r in queries.history(store, "张三").records]
        finally:
            store.close()
    return lines
