"""A writer killed with SIGKILL at random points never leaves a broken store.

Twenty times: start a real writer process, kill it at a random moment, reopen the
store, check that ``verify`` passes and that every family the writer reported as
committed is there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from keyworker_app.store.repositories import FamilyRepository
from keyworker_app.store.verify import verify_store
from tests.unit.store.store_fixtures import open_migrated

ROOT = Path(__file__).resolve().parents[3]
WRITER = Path(__file__).with_name("crash_writer.py")


def run_and_kill(db: Path, key: bytes, round_no: int, delay: float) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(db), key.hex(), str(round_no)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert proc.stdout is not None
    lines: list[str] = []
    ready = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "ready":
                ready.set()
            else:
                lines.append(line.strip())
        ready.set()

    thread = threading.Thread(target=reader)
    thread.start()
    assert ready.wait(30), "writer did not start"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    thread.join()
    proc.stdout.close()
    return lines


def test_sigkilled_writer_loses_no_committed_row(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    key = os.urandom(32)
    open_migrated(db, key).close()
    rng = random.Random(20261125)
    committed: list[str] = []
    killed_mid_run = 0
    for round_no in range(20):
        lines = run_and_kill(db, key, round_no, rng.uniform(0.0, 0.4))
        committed += lines
        killed_mid_run += len(lines) < 200
        conn = open_migrated(db, key)
        try:
            report = verify_store(conn)
            assert report.ok, f"round {round_no}: {report.problems}"
            repo = FamilyRepository(conn)
            missing = [ref for ref in committed if repo.find_id_by_reference(ref) is None]
            assert not missing, f"round {round_no}: committed rows lost: {missing[:5]}"
            assert report.audit_rows >= len(committed)
        finally:
            conn.close()
    # The kills must really land mid-run, or the test proves nothing.
    assert killed_mid_run >= 15
    assert committed
