"""Desktop-app benchmark on a 5,000-family encrypted store (Qt offscreen).

Prints: passphrase accepted -> caseload painted; search keystroke -> filtered view
painted (p95 over 200 prefixes); lock latency from the idle deadline to a cleared
screen and closed store; and peak RSS. Not a test: nothing here asserts time.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402

PASSPHRASE = "bench lantern orbit 4711 tangerine"


def pump_until(condition: object, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        QCoreApplication.processEvents()
        if time.monotonic() > end:
            raise TimeoutError("condition not met")
        time.sleep(0.0005)


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=5000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        # The store is built by the real command in another process, so the memory
        # measured here is the app's own, not the generator's.
        store_dir = Path(tmp) / "store"
        subprocess.run([sys.executable, "-m", "keyworker_app", "--store", str(store_dir), "demo",
                        "--families", str(args.families), "--seed", "11"], check=True,
                       env={**os.environ, "KEYWORKER_PASSPHRASE": PASSPHRASE},
                       stdout=subprocess.DEVNULL)
        store = CaseStore(StorePaths(store_dir))
        idle = 1.0
        window = MainWindow(store, LockSettings(idle_timeout_seconds=idle), watch_desktop=False)
        window.lock.install(app)  # type: ignore[arg-type]
        window.start()
        window.show()
        QCoreApplication.processEvents()

        accepted: list[float] = []
        window.lock_screen.unlocked.connect(lambda _s: accepted.append(time.perf_counter()))
        submitted = time.perf_counter()
        window.lock_screen.passphrase.setText(PASSPHRASE)
        window.lock_screen.submit()
        pump_until(lambda: not window.lock.is_locked)
        window.caseload.table.viewport().repaint()
        painted = time.perf_counter()
        rows = window.caseload.proxy.rowCount()
        rss_after_paint = current_rss_mb()

        rng = random.Random(3)
        names = [m.family_name for f in generate_families(300, 11, date.today())
                 for m in f.members]
        prefixes = [rng.choice(names)[: rng.randint(1, 4)] for _ in range(170)]
        prefixes += [f"DEMO-0{rng.randint(0, 4)}" for _ in range(15)]
        prefixes += ["ZZ99", "zz99 1", "", "Q", "x"] * 3
        search_ms = []
        for prefix in prefixes:
            start = time.perf_counter()
            window.caseload.search.setText(prefix)
            window.caseload.apply_search()
            window.caseload.table.viewport().repaint()
            search_ms.append((time.perf_counter() - start) * 1000)

        lock_ms = []
        for _ in range(5):
            locked_at: list[float] = []
            window.lock.locked.connect(lambda at=locked_at: at.append(time.perf_counter()))
            window.lock.unlocked()
            deadline = time.perf_counter() + idle
            pump_until(lambda at=locked_at: bool(at), timeout=10)
            session_closed = window.current_session() is None
            lock_ms.append((locked_at[0] - deadline) * 1000)
            window.lock.locked.disconnect()
            assert session_closed
            window.lock_screen.passphrase.setText(PASSPHRASE)
            window.lock_screen.submit()
            pump_until(lambda: not window.lock.is_locked)
        window.lock.lock("done")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory after the caseload was painted: {rss_after_paint:.0f} MB; at the end "
          f"{current_rss_mb():.0f} MB")
    print(f"caseload: {rows} families")
    print(f"passphrase submitted -> caseload painted: {(painted - submitted) * 1000:.0f} ms "
          f"(of which key derivation and opening {(accepted[0] - submitted) * 1000:.0f} ms)")
    print(f"passphrase accepted -> caseload painted: {(painted - accepted[0]) * 1000:.0f} ms "
          "(target ≤ 1500 ms)")
    print(f"search keystroke -> filtered view painted: p95 "
          f"{statistics.quantiles(search_ms, n=20)[-1]:.1f} ms, median "
          f"{statistics.median(search_ms):.1f} ms (target p95 ≤ 16 ms, one 60 Hz frame)")
    print(f"lock latency, idle deadline -> cleared screen and closed store: median "
          f"{statistics.median(lock_ms):.0f} ms, max {max(lock_ms):.0f} ms (target ≤ 200 ms)")
    print(f"peak RSS: {peak_mb:.0f} MB (target ≤ 250 MB)")


if __name__ == "__main__":
    main()
