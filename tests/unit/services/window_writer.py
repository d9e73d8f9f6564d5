"""A second Keyworker for the two-writer test: one family open "in a window", notes added
to it the way the family screen adds them (the window's copy plus one note, saved as the
change from that copy), each reported only after its save returned.

    python -m tests.unit.services.window_writer ROOT NAME [exclusive]

Commands on stdin, one a line: ``write`` (one note, from the window's copy as it is),
``run N`` (N notes as fast as it can), ``quit``. Each save prints ``saved TOKEN`` or
``refused KIND``; ``run`` ends with ``done``.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from keyworker_app.domain.family import CaseNote, ContactKind, Family
from keyworker_app.errors import UserFacingError
from keyworker_app.services.case_store import CaseSession
from tests.torture.common import PASSPHRASES, case_store


def say(line: str) -> None:
    print(line, flush=True)


class Window:
    def __init__(self, session: CaseSession, name: str) -> None:
        self.session = session
        self.name = name
        self.family_id = session.family_ids()[0]
        self.family: Family = session.view_family(self.family_id)
        self.written = 0

    def write(self) -> None:
        token = f"{self.name}-{self.written}"
        self.written += 1
        note = CaseNote(ContactKind.HOME_VISIT,
                        datetime(2026, 1, 5, 9, 0) + timedelta(minutes=self.written),
                        "Writer", token)
        try:
            self.family = self.session.update_family(
                replace(self.family, notes=(*self.family.notes, note)), self.family)
        except UserFacingError as exc:
            say(f"refused {type(exc).__name__}")
            self.family = self.session.view_family(self.family_id)
            return
        say(f"saved {token}")


def main(argv: list[str]) -> int:
    root, name = Path(argv[0]), argv[1]
    # Not exclusive by default, as a read-only command opens it: the single-instance lock
    # would refuse the second writer, and the two-writer test is about what lies beyond it.
    exclusive = argv[2:] == ["exclusive"]
    session = case_store(root).unlock(PASSPHRASES[0], exclusive=exclusive)
    window = Window(session, name)
    say("ready")
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        if command[0] == "write":
            window.write()
        elif command[0] == "run":
            for _ in range(int(command[1])):
                window.write()
            say("done")
    session.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
