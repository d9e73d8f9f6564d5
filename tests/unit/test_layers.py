"""The layers depend one way only: gui -> services -> domain/store/security.

Parses every module's imports (no importing, so a violation cannot hide behind a
lazy import inside a function).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "keyworker_app"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(sub: str) -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py")) if sub else sorted(PACKAGE.rglob("*.py"))


def test_package_has_modules() -> None:
    # Guards the guards: an empty walk would make every check below pass vacuously.
    assert len(modules_under("domain")) >= 3
    assert len(modules_under("")) >= 10


@pytest.mark.parametrize("path", modules_under("domain"), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    forbidden = ("PySide6", "sqlcipher3", "sqlite3", "keyring", "reportlab", "pikepdf",
                 "keyworker_app.store", "keyworker_app.services", "keyworker_app.gui",
                 "keyworker_app.security", "keyworker_app.reports")
    bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules_under(""), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_gui_imports_qt(path: Path) -> None:
    if "gui" in path.relative_to(PACKAGE).parts:
        return
    bad = {m for m in imported_modules(path) if m.startswith(("PySide6", "shiboken6"))}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules_under("gui"), ids=lambda p: p.name)
def test_gui_never_touches_the_store_directly(path: Path) -> None:
    forbidden = ("sqlcipher3", "sqlite3", "keyworker_app.store", "keyworker_app.security")
    bad = {m for m in imported_modules(path) if m.startswith(forbidden)}
    assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_checker_catches_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from PySide6 import QtCore\n", encoding="utf-8")
    assert "PySide6" in imported_modules(sample)
