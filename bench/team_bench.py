"""Team overview benchmark: View → Team for 5,000 families and 20 key workers.

Builds an encrypted store (real key derivation) with the families spread over 20 key workers and
10,000 meetings around today, then times (a) the store read and the per-worker counts
(``MeetingService.team_overview`` + ``worker_loads``) and (b) the whole Team page refreshed and
painted offscreen, with "meets the criteria" answered from a filled cache as the caseload's is.
Target: ≤ 300 ms. Not a test: nothing here asserts time.

    .venv/bin/python -m bench.team_bench [--families 5000] [--workers 20] [--meetings 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import PASSPHRASE, timed  # noqa: E402
from bench.taf_bench import ACTOR, fill_meetings  # noqa: E402
from keyworker_app.domain.team import worker_loads  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402
from keyworker_app.services.policy_loader import find_policy  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402


class _FilledCache:
    """The caseload's criteria cache once every family is worked out."""

    def __init__(self, answers: dict[int, bool]) -> None:
        from PySide6.QtCore import QObject, Signal

        class _Signals(QObject):
            worked_out = Signal()

        self._signals = _Signals()
        self.criteria_worked_out = self._signals.worked_out
        self._answers = answers

    def meets(self, family_id: int) -> bool | None:
        return self._answers.get(family_id)

    def work_out_all(self, done: Callable[[], None]) -> None:
        done()


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    policy, _ = find_policy()
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        # An in-memory keyring, so it runs where no Secret Service does.
        store = CaseStore(StorePaths(Path(tmp) / "store"), DeviceSecrets(MemoryKeyring()))
        session, _ = store.create(PASSPHRASE, ACTOR)
        t0 = time.perf_counter()
        families = [replace(f, key_worker=f"Key Worker {i % args.workers + 1:02d}")
                    for i, f in enumerate(generate_families(args.families, 23, today))]
        saved = session.import_families(families, "bench")
        ids = [f.id for f in saved if f.id is not None]
        fill_meetings(session.connection, ids, args.meetings, 23, today)
        print(f"store: {len(ids)} families, {args.workers} key workers, {args.meetings} "
              f"meetings, built in {time.perf_counter() - t0:.1f} s")
        service = session.meetings(policy)
        answers = {fid: fid % 3 == 0 for fid in ids}

        def figures() -> object:
            return worker_loads(service.team_overview(today), answers.get)

        loads = worker_loads(service.team_overview(today), answers.get)
        print(f"  {len(loads)} worker lines, {sum(w.families_open for w in loads)} families, "
              f"{sum(w.meetings for w in loads)} meetings in 14 days")
        read = timed(figures, args.repeat)
        print(f"team overview read + counts: median {statistics.median(read):.1f} ms, "
              f"p95 {_p(read, 0.95):.1f} ms")

        from PySide6.QtWidgets import QApplication

        from keyworker_app.gui.today_view import TeamView

        app = QApplication.instance() or QApplication([])
        page = TeamView(service, lambda: today, criteria=_FilledCache(answers))
        page.resize(1280, 800)
        page.show()
        app.processEvents()

        def painted() -> object:
            page.refresh()
            return page.grab()

        shown = timed(painted, args.repeat)
        print(f"Team page refreshed and painted: median {statistics.median(shown):.1f} ms, "
              f"p95 {_p(shown, 0.95):.1f} ms (target <= 300 ms)")
        page.clear()
        session.lock()


if __name__ == "__main__":
    main()
