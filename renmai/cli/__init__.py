"""The ``renmai`` command line: a thin layer that parses, calls below, and formats.

Each module registers its commands on :data:`renmai.cli.app.cli` when imported.
"""

from renmai.cli import cypher, draw, export, generate, load, lookup, schema, stats
from renmai.cli.app import cli

COMMAND_MODULES = (cypher, draw, export, generate, load, lookup, schema, stats)


def main() -> None:
    cli()


__all__ = ["cli", "main"]
