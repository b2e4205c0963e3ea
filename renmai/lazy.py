"""Packages whose exports are imported on first use.

A command that asks one question should not import every module a package
offers (``renmai search`` needs none of the walk, the ranking or networkx), yet
``from renmai.queries import connect`` must keep working. :func:`export_lazily`
turns a package into one that imports an exported name's module the first time
the name is asked for.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from importlib import import_module
from typing import Any


class LazyPackage(types.ModuleType):
    """A package module that looks its exports up in ``_EXPORTS`` (name -> module)."""

    _EXPORTS: Mapping[str, str]

    def __getattr__(self, name: str) -> Any:
        module = self._EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        super().__setattr__(name, value)  # asked once: the next lookup is a plain attribute
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule sets it as an attribute of its package, and
        # some submodules bear the name of the function they export
        # (queries.search holds search()): the export must win, as it does
        # when a package imports everything eagerly.
        if isinstance(value, types.ModuleType) and name in self._EXPORTS:
            return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._EXPORTS})


def export_lazily(package: str) -> None:
    """Make the (already executing) module ``package`` a :class:`LazyPackage`
    over the ``_EXPORTS`` mapping it has defined."""
    sys.modules[package].__class__ = LazyPackage
