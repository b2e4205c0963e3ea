"""Where the reference dataset (``data/zhongshan``) is."""

from __future__ import annotations

from pathlib import Path

import renmai
from renmai.errors import RenmaiError


def reference_data() -> Path:
    """The Zhongshan reference graph's folder, next to the package in a clone
    (an editable install runs the package from there)."""
    folder = Path(renmai.__file__).resolve().parent.parent / "data" / "zhongshan"
    if not folder.is_dir():
        raise RenmaiError(
            f"the reference data is not here ({folder}): it ships with the repository, "
            "so run renmai from a clone (pip install -e .)"
        )
    return folder
