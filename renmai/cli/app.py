"""The ``renmai`` command group: global options, the store, and error handling."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from renmai import __version__
from renmai.cli.commands import COMMANDS
from renmai.cli.options import store_options
from renmai.cli.output import terminal_text
from renmai.errors import RenmaiError

if TYPE_CHECKING:
    from renmai.graph.store import Store


class AppContext:
    """What every command can ask for: the store the global options chose."""

    def __init__(
        self, store_path: Path | None, neo4j_uri: str | None, *, ask_password: bool = False
    ) -> None:
        self.store_path = store_path
        self.neo4j_uri = neo4j_uri
        self.ask_password = ask_password
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            from renmai.graph.connect import open_store

            self._store = open_store(self.store_path, self.neo4j_uri, password=self._password())
            if migrated := getattr(self._store, "migrated_from", None):
                click.echo(
                    f"Note: converted the JSON store {migrated} of an earlier renmai version "
                    f"into {self._store.location}; the JSON file is kept as {migrated}.bak",
                    err=True,
                )
        return self._store

    def _password(self) -> str | None:
        """The Neo4j password typed at a hidden prompt, with ``--ask-password``."""
        if not self.ask_password:
            return None
        if not (self.neo4j_uri or (self.store_path is None and os.environ.get("NEO4J_URI"))):
            raise click.UsageError(
                "--ask-password is for the Neo4j store: give --neo4j URI or set NEO4J_URI"
            )
        password: str = click.prompt("Neo4j password", hide_input=True, err=True)
        return password

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


class DriverNotes(logging.Handler):
    """The Neo4j driver's warnings, as one short line each on stderr.

    Left alone, Python prints each of them in full (a retried transaction
    logs the whole error, over several lines, every second). A retry is said
    once per command; the error that ends the retries is the command's own.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        from renmai.graph.driver_text import one_line

        args = record.args if isinstance(record.args, tuple) else ()
        if "will be retried" in str(record.msg) and args:
            error = args[-1]
            reason = getattr(error, "code", None) or one_line(error)
            key, note = "retry", f"Neo4j: {reason}; retrying (for up to 30 s)"
        else:
            key = note = f"Neo4j driver: {one_line(record.getMessage())}"
        if key not in self.said:
            self.said.add(key)
            click.echo(f"Note: {terminal_text(note)}", err=True)


def _driver_notes() -> DriverNotes:
    """The handler for the driver's logger, installed once, reset per command."""
    logger = logging.getLogger("neo4j")
    handler = next((h for h in logger.handlers if isinstance(h, DriverNotes)), None)
    if handler is None:
        handler = DriverNotes()
        logger.addHandler(handler)
        logger.propagate = False
    handler.said.clear()
    return handler


class RenmaiGroup(click.Group):
    """A group that turns user errors into one clear line and a non-zero exit,
    and imports a command's module only when that command is asked for
    (click's lazy group): ``renmai search`` never loads the viz or the loaders.
    The commands are listed in :data:`renmai.cli.commands.COMMANDS`.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, _, name = where.partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command), where
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RenmaiError as exc:
            command = self.get_command(ctx, ctx.invoked_subcommand or "")
            message = exc.worded_for(flag_namer(command))
            click.echo(f"Error: {terminal_text(message)}", err=True)
            sys.exit(exc.exit_code)


def flag_namer(command: click.Command | None) -> Callable[[str], str]:
    """How ``command`` calls a library parameter: by the flag of the option
    whose Python name it is (an option's name is the parameter it is passed
    to); a parameter it has no option for keeps its own name."""

    def flag(param: str) -> str:
        for option in command.params if command else ():
            if option.name == param and isinstance(option, click.Option):
                return max(option.opts, key=len)
        return param

    return flag


@click.group(cls=RenmaiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="renmai")
@store_options
@click.pass_context
def cli(
    ctx: click.Context, store_path: Path | None, neo4j_uri: str | None, ask_password: bool
) -> None:
    """renmai (人脉): who can get us to X? A knowledge graph of a city's overseas
    relationships — sister cities, consulates, overseas Chinese associations,
    diaspora leaders, partners and projects."""
    if neo4j_uri and _password_in(neo4j_uri):
        click.echo(
            "Warning: the password in the --neo4j URI is visible to other users (ps); "
            "set NEO4J_PASSWORD or use --ask-password instead.",
            err=True,
        )
    _driver_notes()
    app = AppContext(store_path, neo4j_uri, ask_password=ask_password)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _password_in(uri: str) -> bool:
    from renmai.graph.credentials import split_uri

    return split_uri(uri).password is not None


pass_app = click.make_pass_decorator(AppContext)
