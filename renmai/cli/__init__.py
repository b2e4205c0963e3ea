"""The ``renmai`` command line: a thin layer that parses, calls below, and formats.

One module per command (or per small family, like ``load`` and
``validate``), listed in :data:`renmai.cli.commands.COMMANDS` and imported
only when its command runs; options shared by several commands are declared
once in :mod:`renmai.cli.options`, text answers written in :mod:`renmai.cli.render`.
"""

from renmai.cli.app import cli


def main() -> None:
    cli()


__all__ = ["cli", "main"]
