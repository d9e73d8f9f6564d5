"""The version is declared once (keyworker_app.__version__); everything else agrees."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import keyworker_app

ROOT = Path(__file__).resolve().parents[2]


def test_pyproject_takes_the_package_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "keyworker_app.__version__"}


def test_windows_installer_default_matches() -> None:
    script = (ROOT / "packaging" / "windows" / "keyworker.iss").read_text(encoding="utf-8")
    match = re.search(r'#define AppVersion "([^"]+)"', script)
    assert match is not None
    assert match.group(1) == keyworker_app.__version__
