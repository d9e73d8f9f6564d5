"""The unlock screen comes up without loading what no one needs before unlocking: the report
and PDF code (reportlab, pikepdf), the keyring, and the screens behind the lock.

Each check starts a fresh interpreter that goes the way ``keyworker`` goes — the command line,
the composition root, the real main window on the offscreen platform, shown with its lock
screen — and then lists what was imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseStore
from tests.gui.samples import OWNER
from tests.keyring_memory import MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]

# Starts like ``keyworker --store DIR`` until the lock screen is first drawn, lists the modules
# imported by then, and quits instead of running the app.
START = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from keyworker_app.gui.lock_screen import LockScreen

draw = LockScreen.paintEvent

def drawn(self, event):
    draw(self, event)
    if not getattr(LockScreen, "reported", False):
        LockScreen.reported = True
        shown = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
        print(json.dumps({"modules": sorted(sys.modules), "shown": shown}), flush=True)
        QTimer.singleShot(0, QApplication.quit)

LockScreen.paintEvent = drawn
from keyworker_app.cli import main
sys.exit(main(["--store", sys.argv[1]]))
"""

NOT_AT_START = ("reportlab", "pikepdf", "keyring", "secretstorage",
                "keyworker_app.reports.page", "keyworker_app.services.export",
                "keyworker_app.services.programme_exports", "keyworker_app.gui.family_view",
                "keyworker_app.gui.breach_view", "keyworker_app.gui.first_run",
                "keyworker_app.gui.draft_kinds")


def started(store: Path, tmp_path: Path) -> dict[str, list[str]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"), KEYWORKER_LOG_DIR=str(tmp_path / "log"))
    out = subprocess.run([sys.executable, "-c", START, str(store)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True)
    result: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_lock_screen_shows_without_report_keyring_or_locked_away_code(tmp_path: Path) -> None:
    store = CaseStore(StorePaths(tmp_path / "store"), DeviceSecrets(MemoryKeyring()),
                      kdf=FAST_TEST_KDF)
    session, _recovery = store.create("plum violin harbour seventeen", OWNER)
    session.lock()
    result = started(tmp_path / "store", tmp_path)
    assert result["shown"] == ["Keyworker — Locked"]
    loaded = [name for name in result["modules"]
              if any(name == heavy or name.startswith(heavy + ".") for heavy in NOT_AT_START)]
    assert loaded == []
    # ...and they are importable, so the guard above is not passing by accident.
    assert "keyworker_app.gui.lock_screen" in result["modules"]

