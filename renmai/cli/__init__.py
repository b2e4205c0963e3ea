"""The ``renmai`` command line: a thin layer that parses, calls below, and formats.

Each module registers its commands on :data:`renmai.cli.app.cli`.
"""

from renmai.cli import stats  # noqa: F401  (registers commands)
from renmai.cli.app import cli


def main() -> None:
    cli()


__all__ = ["cli", "main"]
