"""Two copies of Keyworker writing notes to one family never lose each other's work.

Real subprocesses on one real SQLCipher store, sharing the test keyring file. Each keeps
the family "open in a window" and saves each note as the change from its own copy, as
the family screen does, so every save is based on a copy that lacks the other's notes.
Counts, not durations: the lockstep part makes every save stale by construction, the
free-running part lets the two race.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.torture.common import PASSPHRASES, case_store, new_store

ROOT = Path(__file__).resolve().parents[3]
LOCKSTEP_ROUNDS = 8
FREE_RUN_NOTES = 40


class Writer:
    def __init__(self, root: Path, name: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.unit.services.window_writer", str(root), name],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
        self.saved: list[str] = []
        self.refused: list[str] = []
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            assert self.proc.stderr is not None
            raise AssertionError(f"writer stopped: {self.proc.stderr.read()[-2000:]}")
        return line.strip()

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def read_result(self) -> str:
        line = self._line()
        kind, _, value = line.partition(" ")
        (self.saved if kind == "saved" else self.refused).append(value)
        return kind

    def read_until_done(self) -> None:
        while (line := self._line()) != "done":
            kind, _, value = line.partition(" ")
            (self.saved if kind == "saved" else self.refused).append(value)

    def finish(self) -> None:
        self.send("quit")
        assert self.proc.wait(timeout=120) == 0
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def test_two_processes_writing_notes_to_one_family_lose_nothing(tmp_path: Path) -> None:
    new_store(tmp_path)
    session = case_store(tmp_path).unlock(PASSPHRASES[0], exclusive=False)
    family_id = session.family_ids()[0]
    before = len(session.view_family(family_id).notes)
    session.lock()

    one, two = Writer(tmp_path, "one"), Writer(tmp_path, "two")
    try:
        # Lockstep: each save is based on a copy made before the other's last note.
        for _ in range(LOCKSTEP_ROUNDS):
            for writer in (one, two):
                writer.send("write")
                assert writer.read_result() == "saved"
        # Free run: both at once, as fast as they can.
        one.send(f"run {FREE_RUN_NOTES}")
        two.send(f"run {FREE_RUN_NOTES}")
        one.read_until_done()
        two.read_until_done()
    finally:
        one.finish()
        two.finish()

    saved = one.saved + two.saved
    assert len(one.saved) >= LOCKSTEP_ROUNDS and len(two.saved) >= LOCKSTEP_ROUNDS
    session = case_store(tmp_path).unlock(PASSPHRASES[0])
    try:
        notes = [n.summary for n in session.view_family(family_id).notes]
        missing = [token for token in saved if token not in notes]
        assert not missing, f"{len(missing)} notes reported saved are gone: {missing[:5]}"
        assert len(notes) == before + len(saved)  # nothing doubled, nothing else lost
        report = session.verify()
        assert report.ok, report.problems
    finally:
        session.lock()
