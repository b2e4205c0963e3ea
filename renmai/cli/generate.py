"""``renmai generate``: a synthetic overseas network in renmai's load format."""

from __future__ import annotations

from pathlib import Path

import click

from renmai.cli.options import AtLeast


@click.command()
@click.option(
    "--entities",
    "n_entities",
    type=AtLeast("renmai.loaders.synthetic:MIN_ENTITIES"),
    default=10_000,
    show_default=True,
    help="How many entities (about five relationships each come with them).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed: the same seed always gives the same files.",
)
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write entities.jsonl and relationships.jsonl into (made if missing).",
)
def generate(n_entities: int, seed: int, directory: Path) -> None:
    """Write a synthetic network for scale tests and benchmarks.

    Countries and cities with a heavy-tailed spread of the diaspora,
    associations with many members, leaders with posts in several
    associations, events, projects and agreements, with relationships dated
    over twenty years. Load it with ``renmai load DIR``.
    """
    from renmai.errors import RenmaiError
    from renmai.loaders.synthetic import write_network

    try:
        entities, relationships = write_network(directory, n_entities, seed)
    except OSError as exc:
        raise RenmaiError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    with relationships.open(encoding="utf-8") as fh:
        n_rels = sum(1 for _ in fh)
    click.echo(
        f"Wrote {n_entities} entities to {entities} and {n_rels} relationships to "
        f"{relationships} (seed {seed}); their country, city and part_of fields add "
        "the relationships they imply when loaded."
    )
