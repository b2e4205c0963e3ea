"""``renmai demo``: the Zhongshan reference graph loaded, and what it answers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from renmai.cli.app import AppContext
from renmai.cli.options import file_option
from renmai.errors import RenmaiError

if TYPE_CHECKING:
    from renmai.graph.store import Store

#: Questions the seed document answers, asked of the reference graph by the demo.
DEMO_TARGETS = ("以色列", "硅谷", "阿根廷", "游艇")
#: Contacts shown per target.
CONTACTS_SHOWN = 3


@click.command()
@file_option(
    "--store",
    "store_path",
    help="Store file for the demo (default: the global --store, else $RENMAI_STORE).",
)
@click.option(
    "--data",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="Folder to load instead of the reference data (data/zhongshan).",
)
@click.pass_context
def demo(ctx: click.Context, store_path: Path | None, data: Path | None) -> None:
    """Load the Zhongshan reference graph and show what it answers."""
    from renmai.cli.load import progress_bar
    from renmai.cli.stats import stats
    from renmai.loaders import load, reference_data

    app = ctx.find_object(AppContext)
    assert app is not None
    if store_path is not None:
        app.store_path, app.neo4j_uri = store_path, None
    try:
        folder = data or reference_data()
    except RenmaiError as exc:
        raise RenmaiError(f"{exc}, or give --data") from None
    report = load(app.store, [folder], progress=progress_bar)
    s = report.summary
    click.echo(
        f"Loaded {folder}: {s.total('created')} created, {s.total('updated')} updated, "
        f"{s.total('unchanged')} unchanged.\n"
    )
    ctx.invoke(stats)
    print_answers(app.store)
    if data is None:
        from renmai.cli.demo_session import session_lines

        click.echo("\n" + "\n".join(session_lines(folder)))


def print_answers(store: Store) -> None:
    """A few questions the graph answers, one section each: add more here."""
    from renmai import queries
    from renmai.cli.render.tour import brief_connection, named, tie_lines
    from renmai.errors import RenmaiError

    homes = store.homes()
    if not homes:
        click.echo("\nNo home entities (home: true) in the store, so nothing to start from.")
        return
    click.echo("\nWe are (home entities): " + ", ".join(named(h) for h in homes))
    for home in homes:
        click.echo(f"\n{named(home)} is directly connected to:")
        click.echo("\n".join(tie_lines(store.neighbors(home.id))) or "  (nothing yet)")
    for target in DEMO_TARGETS:
        try:
            answer = queries.connect(store, target, limit=CONTACTS_SHOWN, paths_per_contact=1)
        except RenmaiError as exc:
            lines = [f"Who can get us to {target}? {exc}"]
        else:
            lines = brief_connection(target, answer)
        click.echo("\n".join(["", *lines]))
    click.echo(
        "\nAsk your own: renmai connect TARGET, renmai search NAME, renmai show X, "
        "renmai viz -o graph.html (renmai --help for all)."
    )
