"""Acceptance 1 and 2 of accessibility: the real app on the real accessibility bus.

Needs KEYWORKER_E2E=1, Xvfb, at-spi2-core and the system Python's pyatspi (apt
python3-pyatspi gir1.2-atspi-2.0; scripts/setup.sh installs them). On its own Xvfb (a display
number Xvfb picks), inside a private D-Bus session with a throwaway Secret Service keyring
(tests/run_with_secret_service.sh) and the AT-SPI bus (at-spi-bus-launcher), it makes a demo
store with ``keyworker demo`` and starts the app through its own entry point
(tests/e2e/atspi_app.py) with Qt's accessibility bridge on. A tour visits every screen — lock
screen, caseload, each family tab, each dialog a "…" button or a menu item opens, the
meeting editor's tabs, Today, Team, each Programme page, the lock screen again — and at each
one a screen-reader-side program (tests/e2e/atspi_walk.py, system Python) reads the tree off
the bus. The test fails on any control with no name, any label whose name is not the text it
shows, any column header with no text; and unless a wrong passphrase's message reached the
bus as its own accessible name and as an announcement event.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from keyworker_app.errors import WrongPassphraseError
from tests.xdisplay import x_env, xvfb_display

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")
SYSTEM_PYTHON = Path("/usr/bin/python3")


def _has_pyatspi() -> bool:
    if not SYSTEM_PYTHON.exists():
        return False
    found = subprocess.run([str(SYSTEM_PYTHON), "-c", "import pyatspi"], capture_output=True,
                           check=False)
    return found.returncode == 0


pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(os.environ.get("KEYWORKER_E2E") != "1", reason="set KEYWORKER_E2E=1"),
    pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("dbus-run-session")
                            and LAUNCHER.exists() and _has_pyatspi()),
                       reason="needs Xvfb, dbus, at-spi2-core and python3-pyatspi"),
]

PASSPHRASE = "e2e plum violin harbour seventeen"
SCRIPT = """
set -e
KEYWORKER_PASSPHRASE="$1" "$PYTHON" -m keyworker_app demo --store "$2" --families 8 --seed 1 \
    >/dev/null
"$LAUNCHER" --launch-immediately >/dev/null 2>&1 &
exec "$PYTHON" -m tests.e2e.atspi_app "$2" "$1"
"""


def test_every_screen_speaks_through_the_accessibility_bus(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for sub in ("", ".cache", ".config", ".local/share", "tmp", "logs"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    with xvfb_display() as display:
        env = x_env(display, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", PYTHON=sys.executable,
                    LAUNCHER=str(LAUNCHER), TMPDIR=str(home / "tmp"),
                    KEYWORKER_LOG_DIR=str(home / "logs"))
        env.pop("KEYWORKER_PASSPHRASE", None)
        env.pop("QT_SCALE_FACTOR", None)
        done = subprocess.run(
            ["bash", str(ROOT / "tests" / "run_with_secret_service.sh"), "bash", "-c", SCRIPT,
             "tour", PASSPHRASE, str(tmp_path / "store")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    report = json.loads(lines[-1])
    assert report.get("error") is None, report.get("error")
    screens = report["screens"]
    assert len(screens) >= 45, sorted(screens)  # every screen, not a tour that stopped early
    assert all(s.get("controls", 0) > 0 for s in screens.values()), screens
    assert report["problems"] == {}, json.dumps(report["problems"], indent=1)[:6000]
    # A wrong passphrase: the label's accessible name is the message shown, and it was
    # announced (an AT-SPI announcement event, which screen readers read out at once).
    wrong = WrongPassphraseError()
    shown = f"{wrong.message}\n{wrong.advice}"
    assert report["wrong_passphrase_shown"] == shown
    events = report["wrong_passphrase_events"]
    assert {"type": "object:announcement", "role": "label", "name": shown,
            "detail": shown} in events, events
    assert any(e["type"] == "object:property-change:accessible-name" and e["name"] == shown
               for e in events), events
