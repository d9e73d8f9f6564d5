"""The caseload's "Meets criteria" filter on a 5,000-family encrypted store (Qt offscreen).

Prints: time to work out every family's criteria, the longest single slice of that work on
the GUI thread (the longest the window can be unresponsive), and the event-loop gap a
keystroke sees meanwhile. Not a test: nothing here asserts time.

    .venv/bin/python -m bench.criteria_bench [--families 5000]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.gui_bench import PASSPHRASE, pump_until  # noqa: E402
from keyworker_app.gui.caseload import CaseloadModel  # noqa: E402
from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.security.kdf import FAST_TEST_KDF  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402
from keyworker_app.services.policy_loader import load_policy, shipped_policy_path  # noqa: E402
from tests.gui.samples import OWNER  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=5000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    slices: list[float] = []
    original = CaseloadModel._work_out_slice  # noqa: SLF001

    def timed(self: CaseloadModel) -> None:
        start = time.perf_counter()
        original(self)
        slices.append((time.perf_counter() - start) * 1000)

    CaseloadModel._work_out_slice = timed  # type: ignore[method-assign]  # noqa: SLF001
    with tempfile.TemporaryDirectory() as tmp:
        # In-process with an in-memory keyring, so it runs where no Secret Service does.
        store = CaseStore(StorePaths(Path(tmp) / "store"), DeviceSecrets(MemoryKeyring()),
                          kdf=FAST_TEST_KDF)
        session, _ = store.create(PASSPHRASE, OWNER)
        session.import_families(generate_families(args.families, 11, date.today()), "bench")
        session.lock()
        window = MainWindow(store, LockSettings(),
                            watch_desktop=False, policy=load_policy(shipped_policy_path()))
        window.start()
        window.show()
        window.lock_screen.passphrase.setText(PASSPHRASE)
        window.lock_screen.submit()
        pump_until(lambda: not window.lock.is_locked)
        caseload = window.caseload
        caseload.table.viewport().repaint()
        pump_until(lambda: not caseload.model._queue, timeout=60)  # noqa: SLF001
        visible = len(slices)
        started = time.perf_counter()
        caseload.criteria_only.setChecked(True)
        gaps: list[float] = []
        last = time.perf_counter()
        while caseload.model.criteria_progress()[0] < caseload.model.rowCount():
            QCoreApplication.processEvents()
            now = time.perf_counter()
            gaps.append((now - last) * 1000)
            last = now
        total = time.perf_counter() - started
        shown = caseload.proxy.rowCount()
        window.lock.lock("done")
    work = slices[visible:]
    print(f"families: {args.families}; meet the criteria: {shown}")
    print(f"first screen of rows worked out in {visible} slices")
    print(f"all families worked out in {total:.1f} s over {len(work)} slices")
    print(f"slice on the GUI thread: median {statistics.median(work):.1f} ms, "
          f"max {max(work):.1f} ms (target ≤ 50 ms)")
    print(f"event-loop gap while working: p95 {statistics.quantiles(gaps, n=20)[-1]:.1f} ms, "
          f"max {max(gaps):.1f} ms")
    del app


if __name__ == "__main__":
    main()
