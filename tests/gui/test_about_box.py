"""Help → About shows the version, SQLCipher's version and the policy in force with its source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from keyworker_app import __version__
from keyworker_app.gui.app import ICON_SIZES, app_icon
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.resources import resource_path
from keyworker_app.services.about import about_info
from keyworker_app.services.api import CaseStoreService
from keyworker_app.services.policy_loader import POLICY_ENV, PolicySource, policy_in_force
from keyworker_app.store.connection import sqlcipher_version

ORG_NAME = "Anyshire family information sharing agreement"


@pytest.fixture
def deployed_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "xdg-site"
    path = site / "Keyworker" / "policy.toml"
    path.parent.mkdir(parents=True)
    text = resource_path("policy", "isa-2013.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("name = "))
    lines[index] = f'name = "{ORG_NAME}"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(site))
    monkeypatch.delenv(POLICY_ENV, raising=False)
    return path


def test_about_box_shows_versions_and_the_policy_in_force(
        qtbot: Any, case_store: CaseStoreService, deployed_policy: Path) -> None:
    found = policy_in_force()
    assert found.source is PolicySource.SYSTEM
    window = MainWindow(case_store, LockSettings(300), watch_desktop=False,
                        policy=found.policy, about=about_info(found))
    qtbot.addWidget(window)
    window.start()
    window.show()

    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert window.about_action in help_menu.actions()  # Alt+H, then A: keyboard reachable
    assert window.about_action.text() == "&About Keyworker"
    window.about_action.trigger()
    box = window.about_box
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    assert box.accessibleName() == "About Keyworker"
    assert box.text() == f"Keyworker {__version__}"
    details = box.informativeText()
    assert f"SQLCipher {sqlcipher_version()}" in details
    assert f"Policy in force: {ORG_NAME} (version " in details
    assert "Source: system-wide, deployed by your organisation" in details
    assert f"File: {deployed_policy}" in details
    assert ORG_NAME in box.accessibleDescription()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Close)

    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.about_box is None)
    assert not box.isVisible()


def test_about_box_without_injected_info_finds_the_policy_itself(
        qtbot: Any, case_store: CaseStoreService, deployed_policy: Path) -> None:
    window = MainWindow(case_store, LockSettings(300), watch_desktop=False)
    qtbot.addWidget(window)
    box = window.show_about()
    assert ORG_NAME in box.informativeText()
    box.done(0)


def test_app_icon_has_every_shipped_size(qtbot: Any) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(ICON_SIZES)
