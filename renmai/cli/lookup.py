"""The question commands: search, show, connect, path, neighbors, common,
brokers, coverage and stale. Each parses, calls one function of
:mod:`renmai.queries`, and formats its answer (table, ``--json`` or ``--csv``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path as FilePath
from typing import Any, Literal

import click

from renmai import queries
from renmai.cli.app import AppContext, cli, pass_app
from renmai.cli.output import (
    Format,
    chosen_format,
    display_width,
    emit,
    format_options,
    terminal_text,
)
from renmai.cli.render.paths import affiliation_text
from renmai.graph.model import Entity, Relationship, Source
from renmai.graph.schema import SCHEMA
from renmai.graph.subgraph import Subgraph
from renmai.queries.arrows import arrow, path_text, step_arrow
from renmai.queries.walk import Path
from renmai.queries.weights import RankingWeights

F = Callable[..., Any]


# -- option helpers ---------------------------------------------------------------------
def _entity_kind(_: click.Context, __: click.Parameter, value: Any) -> Any:
    """Kind names (any case, or the Chinese label) to schema names."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    kinds = []
    for text in values:
        kind = SCHEMA.resolve_entity_kind(text)
        if kind is None:
            raise click.BadParameter(
                f"{text!r} is not an entity kind (kinds: {', '.join(SCHEMA.entity_kind_names)})"
            )
        kinds.append(kind)
    return kinds[0] if isinstance(value, str) else tuple(kinds)


def _relationship_kinds(_: click.Context, __: click.Parameter, value: Any) -> Any:
    kinds = []
    for text in value:
        kind = SCHEMA.resolve_relationship_kind(text)
        if kind is None:
            known = ", ".join(SCHEMA.relationship_kind_names)
            raise click.BadParameter(f"{text!r} is not a relationship kind (kinds: {known})")
        kinds.append(kind)
    return tuple(kinds)


def _date(_: click.Context, __: click.Parameter, value: Any) -> Any:
    from renmai.graph.dates import check_date

    if value is None:
        return None
    try:
        return check_date(str(value).strip())
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def weights_option(func: F) -> F:
    return click.option(
        "--weights",
        "weights_file",
        type=click.Path(path_type=FilePath, dir_okay=False),
        default=None,
        help="Ranking weights, JSON or YAML (default: $RENMAI_WEIGHTS; see docs/ranking.md).",
    )(func)


def hops_option(func: F) -> F:
    return click.option(
        "--max-hops",
        type=click.IntRange(1, 8),
        default=4,
        show_default=True,
        help="Longest path, in relationships.",
    )(func)


def html_option(func: F) -> F:
    func = click.option(
        "--show-contacts",
        is_flag=True,
        help="Include contact details (phone, e-mail …) in the page's tooltips.",
    )(func)
    return click.option(
        "--html",
        "html_file",
        type=click.Path(path_type=FilePath, dir_okay=False),
        default=None,
        help="Also write the answer as an interactive page to this file.",
    )(func)


def _write_html(sub: Subgraph, html_file: FilePath | None, show_contacts: bool) -> None:
    if html_file is None:
        return
    from renmai.viz import write_html

    written = write_html(sub, html_file, show_contacts=show_contacts)
    click.echo(f"Wrote {written}", err=True)


def _weights(weights_file: FilePath | None) -> RankingWeights:
    return queries.load_weights(weights_file)


def _name(entity: Entity) -> str:
    kind = SCHEMA.entity_kind(entity.kind).label_zh
    return f"{entity.name} ({kind})"


# -- sources, written once per answer ------------------------------------------------------
class Footnotes:
    """Documents numbered as they are first cited, so a source line stays short."""

    def __init__(self) -> None:
        self.documents: dict[str, int] = {}

    def cite(self, source: Source, width: int = 60) -> str:
        number = self.documents.setdefault(source.document, len(self.documents) + 1)
        parts = [f"[{number}]"]
        if source.locator:
            parts.append(source.locator)
        if source.excerpt:
            excerpt = source.excerpt
            if display_width(excerpt) > width:
                while display_width(excerpt) > width - 1:
                    excerpt = excerpt[:-1]
                excerpt += "…"
            parts.append(f"「{excerpt}」")
        return " ".join(parts)

    def lines(self) -> list[str]:
        return [f"[{n}] {doc}" for doc, n in self.documents.items()]


def _path_lines(path: Path, notes: Footnotes, indent: str) -> list[str]:
    lines = [f"{indent}{path.score:.3f}  {path_text(path)}"]
    for number, step in enumerate(path.steps, 1):
        sources = [s for link in step.links for s in link.relationship.sources]
        cited = "; ".join(dict.fromkeys(notes.cite(s) for s in sources)) or "(no source)"
        lines.append(f"{indent}       {number}. {cited}")
    return lines


def _path_rows(paths: Sequence[Path]) -> list[dict[str, Any]]:
    return [
        {
            "score": round(p.score, 4),
            "hops": p.hops,
            "path": path_text(p),
            "sources": "; ".join(
                dict.fromkeys(
                    f"{s.locator or s.document}"
                    for step in p.steps
                    for link in step.links
                    for s in link.relationship.sources
                )
            ),
        }
        for p in paths
    ]


# -- search and show ------------------------------------------------------------------------
@cli.command()
@click.argument("query")
@click.option("--kind", callback=_entity_kind, help="Only entities of this kind.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@format_options
@pass_app
def search(
    app: AppContext, query: str, kind: str | None, limit: int, as_json: bool, as_csv: bool
) -> None:
    """Find entities by name, English name or alias: simplified or traditional
    characters, pinyin or English, small typos forgiven; best match first."""
    hits = queries.search(app.store, query, kind=kind, limit=limit)
    columns = ["score", "name", "kind", "id", "matched", "how", "name_en"]
    emit([h.as_row() for h in hits], columns, chosen_format(as_json, as_csv))


@cli.command()
@click.argument("entity")
@click.option("--kind", callback=_entity_kind, help="When the name is shared, the kind meant.")
@click.option("--show-contacts", is_flag=True, help="Include contact details (phone, e-mail …).")
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
@pass_app
def show(
    app: AppContext, entity: str, kind: str | None, show_contacts: bool, as_json: bool
) -> None:
    """One entity: all its fields, its sources, and its relationships by kind."""
    found = queries.lookup(app.store, entity, kind=kind)
    detail = queries.describe(app.store, found)
    if as_json:
        emit([], [], "json", document=detail.to_dict(show_contacts=show_contacts))
        return
    shown = found if show_contacts else found.public()
    kind_spec = SCHEMA.entity_kind(shown.kind)
    lines = [f"{shown.name}  ({kind_spec.label_zh} {shown.kind}, id {shown.id})"]
    fields: list[tuple[str, Any]] = [
        ("English name", shown.name_en),
        ("aliases", ", ".join(shown.aliases)),
        ("tags", ", ".join(shown.tags)),
        ("description", shown.description),
        ("home", "yes (one of us)" if shown.home else None),
    ]
    fields += [
        (kind_spec.fields[name].label or name, value)
        for name, value in shown.properties.items()
        if name in kind_spec.fields
    ]
    label_width = max(display_width(label) for label, _ in fields)
    for label, value in fields:
        if value not in (None, ""):
            pad = " " * (label_width - display_width(label))
            lines.append(f"  {label}{pad}  {value}")
    notes = Footnotes()
    if shown.sources:
        lines.append("  sources:")
        lines += [f"    {notes.cite(s, 80)}" for s in shown.sources]
    for rel_type, neighbors in detail.relationships.items():
        rel_kind = SCHEMA.relationship_kind(rel_type)
        lines.append(f"\n{rel_kind.label_zh} {rel_type} ({len(neighbors)})")
        for n in neighbors:
            lines.append(f"  {_relationship_line(n.relationship, n.outgoing, n.entity)}")
            lines += [f"      {notes.cite(s)}" for s in n.relationship.sources]
    if notes.documents:
        lines += ["", *notes.lines()]
    click.echo(terminal_text("\n".join(lines)))


def _relationship_line(rel: Relationship, outgoing: bool, other: Entity) -> str:
    return f"{arrow(rel, outgoing)} {_name(other)}  [{other.id}]"


# -- connect and path --------------------------------------------------------------------------
@cli.command()
@click.argument("target")
@click.option(
    "--from",
    "origins",
    multiple=True,
    metavar="ENTITY",
    help="Start here instead of the home entities (repeatable).",
)
@hops_option
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True, help="Contacts.")
@click.option(
    "--paths", type=click.IntRange(1), default=3, show_default=True, help="Paths per contact."
)
@weights_option
@format_options
@html_option
@pass_app
def connect(
    app: AppContext,
    target: str,
    origins: tuple[str, ...],
    max_hops: int,
    limit: int,
    paths: int,
    weights_file: FilePath | None,
    as_json: bool,
    as_csv: bool,
    html_file: FilePath | None,
    show_contacts: bool,
) -> None:
    """Who can get us to TARGET: an entity; a country or city (anything in it,
    representing it or rooted in it); or a sector or keyword (游艇, football).
    Contacts we would call first, best first, each with its best paths and
    the sources behind every step."""
    fmt = chosen_format(as_json, as_csv)
    store = app.store
    starts = [queries.lookup(store, o) for o in origins] or None
    answer = queries.connect(
        store,
        target,
        origins=starts,
        max_hops=max_hops,
        limit=limit,
        paths_per_contact=paths,
        weights=_weights(weights_file),
    )
    _write_html(answer.subgraph(), html_file, show_contacts)
    if fmt != "table":
        rows = [
            {"rank": rank, "contact": c.entity.name, "contact_id": c.entity.id, **row}
            for rank, c in enumerate(answer.contacts, 1)
            for row in _path_rows(c.paths)
        ]
        rows += [
            {"rank": None, "contact": None, "contact_id": None, **row}
            for c in answer.direct
            for row in _path_rows(c.paths)
        ]
        columns = ["rank", "contact", "contact_id", "score", "hops", "path", "sources"]
        emit(rows, columns, fmt, document=answer.to_dict())
        return
    t = answer.target
    if t.mode == "place":
        what = (
            f"{t.text} and the {len(t.members) - 1} entities in it, representing it or rooted in it"
        )
    elif t.mode == "keyword":
        what = f"“{t.text}” — {len(t.members)} entities mentioning {' / '.join(t.terms)}"
    else:
        what = _name(t.entity) if t.entity else t.text
    dated = answer.ranker.reference_date
    lines = [
        f"Who can get us to {what}",
        f"from {', '.join(e.name for e in answer.origins)} · at most {max_hops} hops"
        + (f" · recency measured at {dated}" if dated else ""),
    ]
    if not answer.paths:
        lines.append(
            f"\nNo path of at most {max_hops} hops. Try --max-hops, or `renmai neighbors`."
        )
    notes = Footnotes()
    for rank, contact in enumerate(answer.contacts, 1):
        who = _name(contact.entity)
        if contact.affiliations:
            who = f"{who[:-1]}; {affiliation_text(contact)})"
        lines.append(f"\n{rank}. {who}  score {contact.score:.3f}")
        for p in contact.paths:
            lines += _path_lines(p, notes, "   ")
    if answer.direct:
        lines.append("\nReached through no one else (our own ties there):")
        for reached in answer.direct:
            lines.append(f"\n-  {_name(reached.entity)}  score {reached.score:.3f}")
            for p in reached.paths:
                lines += _path_lines(p, notes, "   ")
    if notes.documents:
        lines += ["", *notes.lines()]
    click.echo(terminal_text("\n".join(lines)))


@cli.command()
@click.argument("source")
@click.argument("target")
@hops_option
@click.option("--limit", type=click.IntRange(1), default=5, show_default=True, help="Paths.")
@weights_option
@format_options
@html_option
@pass_app
def path(
    app: AppContext,
    source: str,
    target: str,
    max_hops: int,
    limit: int,
    weights_file: FilePath | None,
    as_json: bool,
    as_csv: bool,
    html_file: FilePath | None,
    show_contacts: bool,
) -> None:
    """The best paths from SOURCE to TARGET, scored as `connect` scores them."""
    fmt = chosen_format(as_json, as_csv)
    store = app.store
    answer = queries.path(
        store,
        queries.lookup(store, source),
        queries.lookup(store, target),
        max_hops=max_hops,
        limit=limit,
        weights=_weights(weights_file),
    )
    _write_html(answer.subgraph(), html_file, show_contacts)
    if fmt != "table":
        rows = [{"rank": i, **row} for i, row in enumerate(_path_rows(answer.paths), 1)]
        emit(rows, ["rank", "score", "hops", "path", "sources"], fmt, document=answer.to_dict())
        return
    lines = [f"{_name(answer.source)} → {_name(answer.target)}, at most {max_hops} hops"]
    if not answer.paths:
        lines.append(f"No path of at most {max_hops} hops.")
    notes = Footnotes()
    for rank, p in enumerate(answer.paths, 1):
        lines.append(f"\n{rank}.")
        lines += _path_lines(p, notes, "   ")
    if notes.documents:
        lines += ["", *notes.lines()]
    click.echo(terminal_text("\n".join(lines)))


# -- neighbourhood ------------------------------------------------------------------------------
@cli.command()
@click.argument("entity")
@click.option("--depth", type=click.IntRange(1, 4), default=1, show_default=True)
@click.option(
    "--kind", "kinds", multiple=True, callback=_entity_kind, help="List only these kinds."
)
@click.option(
    "--type",
    "types",
    multiple=True,
    callback=_relationship_kinds,
    help="Walk only these relationship kinds.",
)
@format_options
@html_option
@pass_app
def neighbors(
    app: AppContext,
    entity: str,
    depth: int,
    kinds: tuple[str, ...],
    types: tuple[str, ...],
    as_json: bool,
    as_csv: bool,
    html_file: FilePath | None,
    show_contacts: bool,
) -> None:
    """The neighbourhood of ENTITY, nearest and strongest first."""
    store = app.store
    answer = queries.neighbors(
        store, queries.lookup(store, entity), depth=depth, kinds=kinds or None, types=types or None
    )
    _write_html(answer.subgraph(), html_file, show_contacts)
    columns = ["depth", "name", "kind", "via", "score", "id"]
    emit(
        [r.as_row() for r in answer.rows],
        columns,
        chosen_format(as_json, as_csv),
        document=answer.to_dict(),
    )


@cli.command()
@click.argument("a")
@click.argument("b")
@format_options
@html_option
@pass_app
def common(
    app: AppContext,
    a: str,
    b: str,
    as_json: bool,
    as_csv: bool,
    html_file: FilePath | None,
    show_contacts: bool,
) -> None:
    """What A and B have in common: shared partners, members, events,
    agreements — who sits between them."""
    fmt = chosen_format(as_json, as_csv)
    store = app.store
    answer = queries.common(store, queries.lookup(store, a), queries.lookup(store, b))
    _write_html(answer.subgraph(), html_file, show_contacts)
    rows = [r.as_row() for r in answer.shared]
    columns = ["name", "kind", "with_a", "with_b", "score", "id"]
    if fmt == "table":
        direct = answer.direct
        head = f"{answer.a.name} {step_arrow(direct)} {answer.b.name}" if direct else "none"
        click.echo(terminal_text(f"Directly: {head}\nIn common ({len(rows)}):"))
    emit(rows, columns, fmt, document=answer.to_dict())


# -- the whole network --------------------------------------------------------------------------
@cli.command()
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@format_options
@pass_app
def brokers(app: AppContext, limit: int, as_json: bool, as_csv: bool) -> None:
    """The entities we must not lose: whose removal would cut us off from most
    of the network (articulation points, and how many entities reachable from
    home each would cut off), then by betweenness centrality."""
    found = queries.brokers(app.store, limit=limit)
    columns = ["name", "kind", "lost", "share", "articulation", "betweenness", "id"]
    emit([b.as_row() for b in found], columns, chosen_format(as_json, as_csv))


@cli.command()
@click.option(
    "--since",
    callback=_date,
    help="Live means evidence on or after this date "
    "(default: the newest date in the graph less stale_after_years).",
)
@click.option(
    "--by", type=click.Choice(["country", "region"]), default="country", show_default=True
)
@click.option("--gaps", is_flag=True, help="Only where we have no live relationship.")
@weights_option
@format_options
@pass_app
def coverage(
    app: AppContext,
    since: str | None,
    by: Literal["country", "region"],
    gaps: bool,
    weights_file: FilePath | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Countries and regions by the live contacts and relationships we have
    there; those with none, or only stale or undated ones, come last."""
    fmt = chosen_format(as_json, as_csv)
    answer = queries.coverage(app.store, since=since, by=by, weights=_weights(weights_file))
    if gaps:
        answer.rows = [r for r in answer.rows if r.status in ("stale", "undated", "none")]
    columns = [
        "name",
        "region",
        "status",
        "live_contacts",
        "contacts",
        "live",
        "stale",
        "undated",
        "relationships",
        "last",
    ]
    if fmt == "table":
        click.echo(f"Live: evidence on or after {answer.since}")
    emit([r.as_row() for r in answer.rows], columns, fmt, document=answer.to_dict())


@cli.command()
@click.option("--since", required=True, callback=_date, help="A date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--undated", is_flag=True, help="Also list relationships with no date at all.")
@click.option("--ours", is_flag=True, help="Only relationships of the home entities.")
@click.option("--limit", type=click.IntRange(1), default=None)
@format_options
@pass_app
def stale(
    app: AppContext,
    since: str,
    undated: bool,
    ours: bool,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Relationships with no evidence of contact since a date (结交新朋友、不忘老朋友):
    the friends we are about to lose, most recently lapsed first."""
    rows = queries.stale(app.store, since, include_undated=undated, ours=ours)[:limit]
    fmt: Format = chosen_format(as_json, as_csv)
    columns = ["last", "from", "relationship", "to", "ours", "sources"]
    emit([r.as_row() for r in rows], columns, fmt, document=[r.to_dict() for r in rows])
