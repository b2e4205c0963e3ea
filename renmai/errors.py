"""The one base class of errors that are the user's to fix, not bugs.

The CLI prints such an error as it is, without a traceback, and exits with
its ``exit_code``. Anything else that escapes is a bug and keeps its traceback.
"""


class RenmaiError(Exception):
    """An error with a message written for the user."""

    exit_code = 1


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
        return self.message.replace("{param}", name)
