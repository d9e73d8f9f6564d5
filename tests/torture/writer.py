"""A writer process for the torture suite: unlocks the store, prints ``ready``, then does
one kind of write in a loop, printing ``ok TOKEN`` after each one has returned (that is,
committed). The kill test SIGKILLs it at a random moment.

    python -m tests.torture.writer ROOT KIND SEED PASSPHRASE_INDEX [COUNT]
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.errors import UserFacingError
from tests.torture.common import PASSPHRASES, case_store


def say(line: str) -> None:
    print(line, flush=True)


def write_note(session: object, family_id: int, token: str) -> None:
    add_note = getattr(session, "add_note", None)
    note = CaseNote(ContactKind.HOME_VISIT, datetime.now(UTC) - timedelta(minutes=5),
                    "Torture Test Worker", token)
    if add_note is not None:
        add_note(family_id, note)
        return
    family = session.view_family(family_id)  # type: ignore[attr-defined]
    session.update_family(  # type: ignore[attr-defined]
        dataclasses.replace(family, notes=(*family.notes, note)), family)


def main(argv: list[str]) -> int:
    root, kind, seed, pw_index = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])
    count = int(argv[4]) if len(argv) > 4 else 1_000_000
    store = case_store(root)
    current = pw_index
    if kind in ("passwd", "rotate", "backup"):
        say("ready")
        for i in range(count):
            if kind == "passwd":
                store.change_passphrase(PASSPHRASES[current], PASSPHRASES[1 - current])
                current = 1 - current
                say(f"ok passphrase={current}")
            elif kind == "rotate":
                store.rotate_key(PASSPHRASES[current])
                say(f"ok rotated-{seed}-{i}")
            else:
                dest = root / "backups" / f"b-{seed}-{i}.kwbackup"
                dest.parent.mkdir(exist_ok=True)
                store.backup(PASSPHRASES[current], dest)
                say(f"ok {dest}")
        return 0
    try:
        # Note writers open the store without the single-instance lock (as a read-only
        # command would), so two of them really write at once: the two-writer part tests
        # the optimistic saves beyond the lock, not the lock's refusal.
        session = store.unlock(PASSPHRASES[current], exclusive=kind != "notes")
    except UserFacingError as exc:
        say(f"refused {exc.message}")
        return 3
    family_id = session.family_ids()[0]
    say("ready")
    for i in range(count):
        token = f"torture-{kind}-{seed}-{i}"
        try:
            if kind == "notes":
                write_note(session, family_id, token)
            elif kind == "drafts":
                session.save_draft("case-note", f"family:{family_id}/note:{token}",
                                   {"summary": token})
            elif kind == "import":
                from keyworker_app.services.demo_data import generate_families

                family = generate_families(1, seed * 1000 + i, date.today())[0]
                session.import_families([dataclasses.replace(family, reference=token)],
                                        "torture")
            elif kind == "meetings":
                from keyworker_app.services.demo_meetings import add_demo_meetings
                from keyworker_app.services.policy_loader import find_policy

                family = session.view_family(family_id)
                meetings = session.meetings(find_policy()[0])
                add_demo_meetings(meetings, [family], seed + i, date.today())
                token = f"meetings-{len(meetings.meetings_of_family(family_id))}"
            else:
                raise SystemExit(f"unknown kind {kind}")
        except UserFacingError as exc:
            say(f"refused {exc.message}")
            continue
        say(f"ok {token}")
    session.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
