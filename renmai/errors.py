"""The one base class of errors that are the user's to fix, not bugs.

The CLI prints such an error as it is, without a traceback, and exits with
its ``exit_code``. Anything else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable


class RenmaiError(Exception):
    """An error with a message written for the user."""

    exit_code = 1

    def worded_for(self, flag: Callable[[str], str]) -> str:
        """The message with every parameter it names called by ``flag(param)``:
        the CLI says its flags (``--max-hops``) where the library says
        ``max_hops``. An error that names no parameter is its own message."""
        return str(self)


def word_param(message: str, param: str | None, name: str | None = None) -> str:
    """``message`` with its ``{param}`` placeholder replaced by ``name`` (by
    default the parameter's own name). Replaced literally, never formatted:
    messages quote user data, which may hold braces.

    >>> word_param("or give {param}", "kind", "--kind"), word_param("no param", None)
    ('or give --kind', 'no param')
    """
    if param is None:
        return message
    return message.replace("{param}", param if name is None else name)


class ParameterError(RenmaiError):
    """A value given for a parameter of a library function that cannot work.

    ``param`` is the parameter's name as the function (or options object)
    spells it, and the message speaks of it by that name: ``{param}`` in
    ``message`` stands for it. A caller with its own words for parameters
    says them instead (:meth:`worded`): the CLI names its flags.

    >>> error = ParameterError("max_hops", "{param} must be at least 1")
    >>> str(error), error.worded("--max-hops")
    ('max_hops must be at least 1', '--max-hops must be at least 1')
    """

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        self.message = message
        super().__init__(self.worded(param))

    def worded(self, name: str) -> str:
        """The message, with the parameter called ``name``."""
        return word_param(self.message, self.param, name)

    def worded_for(self, flag: Callable[[str], str]) -> str:
        return self.worded(flag(self.param))
