"""Render the lock screen, caseload and family record offscreen to PNGs in /tmp.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.gui.screenshot [--families N]

Uses a real encrypted store in a temporary folder (in-memory keyring, fast test key
derivation) with invented families; also prints search latency figures.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.security.kdf import FAST_TEST_KDF  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from tests.gui.samples import OWNER, sample_family  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402

OUT = Path("/tmp/keyworker-shots")
NAMES = ("Ashworth", "Brightwell", "Carraway", "Dunmore", "Ellery", "Fairbairn", "Gatsby",
         "Holloway", "Iredale", "Jessop")


def settle(seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()


def main(families: int = 60) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(exist_ok=True)
    store = CaseStore(StorePaths(Path(tempfile.mkdtemp()) / "store"),
                      DeviceSecrets(MemoryKeyring()), kdf=FAST_TEST_KDF)
    session, _ = store.create("plum violin harbour seventeen", OWNER)
    for i in range(families):
        name = f"{NAMES[i % len(NAMES)]}{i // 10 or ''}"
        session.add_family(sample_family(f"KW-{i + 1:04d}", name,
                                         postcode=("LS1 4AP", "BD1 1AA", "HX1 2TT")[i % 3],
                                         children=1 + i % 3))
    session.lock()
    window = MainWindow(store, LockSettings(), watch_desktop=False)
    window.start()
    window.show()
    settle()
    window.grab().save(str(OUT / "lock.png"))
    window.lock_screen.passphrase.setText("plum violin harbour seventeen")
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.05)
    settle()
    window.grab().save(str(OUT / "caseload.png"))
    view = window.open_family(2)
    settle()
    window.grab().save(str(OUT / "family.png"))
    assert view is not None
    view.tabs.setCurrentIndex(3)
    settle()
    window.grab().save(str(OUT / "indicators.png"))
    dialog = view.open_person_dialog(None)
    dialog.editors["given_names"].setText("Wrenna")
    dialog.editors["date_of_birth"].setText("01/02/2099")
    dialog.try_save()
    settle()
    dialog.grab().save(str(OUT / "member-dialog.png"))
    window.lock.lock("screenshot")
    settle()
    window.grab().save(str(OUT / "locked.png"))

    # Search latency: keystroke to filtered proxy, on this store.
    window.lock_screen.passphrase.setText("plum violin harbour seventeen")
    window.lock_screen.submit()
    while window.lock.is_locked:
        settle(0.05)
    timings = []
    for text in ("A", "As", "Ash", "KW-00", "KW-001", "LS1", "Dun", "", "Holl", "zzz") * 5:
        started = time.perf_counter()
        window.caseload.search.setText(text)
        window.caseload.apply_search()
        window.caseload.table.viewport().repaint()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{families} families: search p95 {p95:.1f} ms, median "
          f"{statistics.median(timings):.1f} ms; "
          f"last lock {window.lock.last_latency * 1000:.1f} ms")
    window.lock.lock("done")
    print(f"screenshots in {OUT}")
    del app


if __name__ == "__main__":
    main(int(sys.argv[sys.argv.index("--families") + 1]) if "--families" in sys.argv else 60)
