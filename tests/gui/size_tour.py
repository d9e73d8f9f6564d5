"""Every screen on a screen of a given size: what lies outside it, and screenshots.

    .venv/bin/python -m tests.gui.size_tour 1024x768 [--scale 2] [--shots DIR]

Runs offscreen on one screen of that size (Qt's offscreen ``configfile``), with
``QT_SCALE_FACTOR`` for a scaled desktop (200 % on 2560x1440 leaves 1280x720 logical pixels).
Builds the programme sample store, then tours every screen (tests/gui/screen_tour.py): the
set-up wizard on an empty store, the lock screen, the caseload, each family tab, each dialog
and page; prints one JSON object: {"screen": [w, h], "visited": N, "problems": {...}}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def configure(size: str, scale: float) -> None:
    width, height = (int(n) for n in size.split("x"))
    config = Path(tempfile.mkdtemp()) / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "tour", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    if scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(scale)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("size")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--shots", type=Path)
    args = parser.parse_args()
    configure(args.size, args.scale)

    from PySide6.QtWidgets import QApplication, QWidget

    from keyworker_app.gui.lock import LockSettings
    from keyworker_app.gui.main_window import MainWindow
    from keyworker_app.paths import StorePaths
    from keyworker_app.security.device_secret import DeviceSecrets
    from keyworker_app.security.kdf import FAST_TEST_KDF
    from keyworker_app.services.case_store import CaseStore
    from tests.gui.a11y_scan import geometry_problems
    from tests.gui.programme_samples import NOW, TODAY, populate
    from tests.gui.screen_tour import settle, tour_unlocked
    from tests.keyring_memory import MemoryKeyring
    from tests.taf_session import PASSPHRASE, shipped_policy

    app = QApplication.instance() or QApplication(sys.argv)
    screen = app.primaryScreen().availableGeometry()
    problems: dict[str, list[str]] = {}
    visited: list[str] = []
    shot = 0

    def visit(label: str, window: QWidget) -> None:
        nonlocal shot
        visited.append(label)
        found = geometry_problems(window, screen)
        if found:
            problems[label] = found
        if args.shots is not None:
            shot += 1
            args.shots.mkdir(parents=True, exist_ok=True)
            name = "".join(c if c.isalnum() else "-" for c in label)[:80]
            window.grab().save(str(args.shots / f"{shot:03d}-{name}.png"))

    root = Path(tempfile.mkdtemp())
    # The set-up wizard, on a store not yet made.
    empty = CaseStore(StorePaths(root / "new"), DeviceSecrets(MemoryKeyring()),
                      kdf=FAST_TEST_KDF)
    first = MainWindow(empty, LockSettings(), watch_desktop=False)
    first.start()
    first.show()
    settle(0.1)
    wizard = first.wizard
    assert wizard is not None
    wizard.owner.name.setText("Sam Worker")
    wizard.owner.organisation.setEditText("Leeds City Council")
    for page in ("keyring", "owner", "passphrase"):
        visit(f"Set up › {page}", first)
        wizard.next()
        settle()
    first.close()

    taf, family_id = populate(root / "programme")
    window = MainWindow(taf.store, LockSettings(300), watch_desktop=False,
                        today=lambda: TODAY, now=lambda: NOW.replace(tzinfo=None),
                        policy=shipped_policy())
    window.lock.install(app)
    window.start()
    window.show()
    settle(0.1)
    visit("Lock screen", window)
    window.lock_screen.passphrase.setText("not the passphrase")
    window.lock_screen.submit()
    while window.lock_screen.busy:
        settle(0.02)
    settle(0.05)
    visit("Lock screen › wrong passphrase", window)
    window.lock_screen.passphrase.setText(PASSPHRASE)
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.02)
    settle(0.1)
    tour_unlocked(window, family_id, visit)
    window.lock.lock("tour")
    settle()
    print(json.dumps({"screen": [screen.width(), screen.height()], "visited": len(visited),
                      "problems": problems}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
