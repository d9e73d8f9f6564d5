"""Where the app's own files (policy, icons, style sheet) are found.

The one lookup for them. ``resources/`` sits at the top of the source tree; it is installed
as ``keyworker_app/_resources`` inside a wheel and unpacked into ``sys._MEIPASS/resources`` by
PyInstaller. Looking in those three places, in that order of specificity, lets the same code
run frozen, installed and from a checkout without configuration.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidate_roots() -> list[Path]:
    roots: list[Path] = []
    frozen_dir = getattr(sys, "_MEIPASS", None)
    if isinstance(frozen_dir, str):
        roots.append(Path(frozen_dir) / "resources")
    roots.append(_PACKAGE_DIR / "_resources")  # installed wheel
    roots.append(_PACKAGE_DIR.parent / "resources")  # source checkout
    return roots


def resources_root() -> Path:
    """The first resources directory that exists; the checkout's if none does."""
    for root in _candidate_roots():
        if root.is_dir():
            return root
    return _candidate_roots()[-1]


def resource_path(*parts: str) -> Path:
    """The path of a resource, e.g. ``resource_path("policy", "isa-2013.toml")``.

    It is not checked for existence: callers say what is missing in their own terms.
    """
    return resources_root().joinpath(*parts)
