"""The real app (``keyworker --store DIR``, its own composition root) with a tour of every
screen, each read back through the accessibility bus by tests/e2e/atspi_walk.py.

    python -m tests.e2e.atspi_app STORE PASSPHRASE      # prints one JSON object at the end

Needs a display (Xvfb), a D-Bus session with the AT-SPI bus (at-spi-bus-launcher) and a
Secret Service keyring; tests/e2e/test_accessibility_e2e.py sets all three up. The walker
runs in the system Python (python3-pyatspi) while this process keeps answering the bus.
The tour is tests/gui/screen_tour.py's: every menu item, every tab, every "…" button.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

WALKER = Path(__file__).with_name("atspi_walk.py")
SYSTEM_PYTHON = os.environ.get("KEYWORKER_ATSPI_PYTHON", "/usr/bin/python3")


def pump_until_done(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """Keep the event loop turning (the bus asks this process for every node) while the
    walker runs; its stdout."""
    from tests.gui.screen_tour import settle

    end = time.monotonic() + timeout
    while proc.poll() is None:
        if time.monotonic() > end:
            proc.kill()
            raise TimeoutError("the accessibility walk did not finish")
        settle(0.02)
    out, _err = proc.communicate()
    return out


def walk() -> dict[str, object]:
    proc = subprocess.Popen([SYSTEM_PYTHON, str(WALKER), "walk", str(os.getpid())],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = pump_until_done(proc)
    return json.loads(out.strip().splitlines()[-1]) if out.strip() else {
        "error": "the walker printed nothing"}


def tour(passphrase: str, report: dict[str, object]) -> None:
    from keyworker_app.gui.main_window import MainWindow
    from tests.gui.screen_tour import settle, tour_unlocked

    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
    screens: dict[str, object] = {}
    problems: dict[str, list[str]] = {}

    def visit(label: str, _shown: QWidget) -> None:
        settle(0.1)  # let the bridge hear of the new window or page
        found = walk()
        screens[label] = {k: v for k, v in found.items() if k != "problems"}
        if found.get("error") or found.get("problems"):
            problems[label] = list(found.get("problems") or [found["error"]])  # type: ignore[call-overload]

    try:
        settle(0.3)
        visit("Lock screen", window)
        # A wrong passphrase first: the message must be spoken and announced on the bus.
        listener = subprocess.Popen([SYSTEM_PYTHON, str(WALKER), "listen", str(os.getpid()),
                                     "6"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
        assert listener.stdout is not None
        listener.stdout.readline()  # {"listening": true}
        window.lock_screen.passphrase.setText("not the passphrase")
        window.lock_screen.submit()
        while window.lock_screen.busy:
            settle(0.05)
        out = pump_until_done(listener, timeout=30)
        report["wrong_passphrase_events"] = [json.loads(line) for line in out.splitlines()
                                             if line.strip()]
        report["wrong_passphrase_shown"] = window.lock_screen.message.text()
        visit("Lock screen › wrong passphrase", window)
        window.lock_screen.passphrase.setText(passphrase)
        window.lock_screen.submit()
        end = time.monotonic() + 60
        while window.lock.is_locked and time.monotonic() < end:
            settle(0.05)
        settle(0.3)
        session = window.current_session()
        assert session is not None, "did not unlock"
        family_id = window.caseload.model.family_id(0)
        assert family_id is not None
        tour_unlocked(window, family_id, visit)
        window.lock.lock("menu")
        settle(0.3)
        visit("Lock screen again", window)
    except Exception as exc:  # reported, and the app still quits
        report["error"] = f"{type(exc).__name__}: {exc}"
    report["screens"] = screens
    report["problems"] = problems
    QApplication.instance().quit()  # type: ignore[union-attr]


def main() -> int:
    store, passphrase = sys.argv[1], sys.argv[2]
    os.environ["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"
    app = QApplication(sys.argv[:1])
    report: dict[str, object] = {}
    QTimer.singleShot(500, lambda: tour(passphrase, report))
    from keyworker_app.cli import main as keyworker

    code = keyworker(["--store", store])
    del app
    print(json.dumps(report))
    return code


if __name__ == "__main__":
    sys.exit(main())
