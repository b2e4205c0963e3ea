"""The one base class of errors that are the user's to fix, not bugs.

The CLI prints such an error as it is, without a traceback, and exits with
its ``exit_code``. Anything else that escapes is a bug and keeps its traceback.
"""


class RenmaiError(Exception):
    """An error with a message written for the user."""

    exit_code = 1
