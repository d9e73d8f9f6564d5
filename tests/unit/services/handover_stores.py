"""Real encrypted stores for handover tests: a key worker's (A) with a family whose names are
a canary, and empty stores for a team lead (B), another team lead (C) and a stranger (D)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.domain.handover import Contact
from keyworker_app.domain.provenance import Source
from keyworker_app.domain.taf import (
    Action,
    Attendee,
    Decision,
    Meeting,
    MeetingType,
    SharedInformation,
    ShareMethod,
)
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseSession, CaseStore
from keyworker_app.services.handover import HandoverService
from tests.gui.samples import sample_family
from tests.keyring_memory import MemoryKeyring
from tests.taf_session import PASSPHRASE, SettableClock, TafStore, open_taf_store, shipped_policy

CANARY = "Quillanbrooke"  # the family's surname: must appear in no file outside the stores
OTHER_LEAD = Actor("Chris Other", Role.TEAM_LEAD, "Leicester City Council (Troubled Families team)")
BLABY = Actor("Dee Blaby", Role.TEAM_LEAD, "Blaby District Council")


@dataclass
class Store:
    store: CaseStore
    session: CaseSession
    clock: SettableClock
    root: Path

    def handover(self) -> HandoverService:
        return self.session.handover(shipped_policy())

    def reopen(self) -> None:
        self.session.lock()
        self.session = self.store.unlock(PASSPHRASE)


def empty_store(root: Path, owner: Actor) -> Store:
    clock = SettableClock()
    store = CaseStore(StorePaths(root / "store"), DeviceSecrets(MemoryKeyring()), clock=clock,
                      kdf=FAST_TEST_KDF)
    session, _ = store.create(PASSPHRASE, owner)
    return Store(store, session, clock, root / "store")


def key_worker_store(root: Path) -> tuple[Store, int]:
    """Store A: the canary family with sourced records, a finalised meeting and shared items."""
    taf: TafStore = open_taf_store(root)
    family = sample_family("KW-0201", CANARY)
    family = replace(family, notes=(
        *family.notes,
        CaseNote(ContactKind.PHONE_CALL, datetime(2025, 2, 20, 14, 0), "Sam Worker",
                 f"School rang about {CANARY} attendance.",
                 source=Source("leicester-city")),))
    saved = taf.session.add_family(family)
    assert saved.id is not None
    meetings = taf.session.meetings(taf.policy)
    police = SharedInformation(
        from_partner="leicestershire-police", exchange="police-allocated-families",
        summary=f"Two call-outs to the {CANARY} address.", received_on=date(2025, 3, 3),
        method=ShareMethod.SECURE_EMAIL, data_controller="leicestershire-police",
        category="family-information", about=("p1",), lawful_basis="cda-1998-s115",
        basis_reason="Risk of harm.")
    meeting = meetings.save_meeting(Meeting(
        family_id=saved.id, kind=MeetingType.INITIAL, held_at=datetime(2025, 3, 5, 10, 0),
        venue="Family home", chair="Sam Worker",
        attendees=(Attendee("Pat Teacher", "leicester-city", "Head of year"),),
        strengths="Good routines at weekends.", worries="School attendance.",
        decisions=(Decision("Key worker to lead the plan."),),
        actions=(Action("Morning routine chart", "Sam Worker", "leicester-city",
                        date(2025, 3, 20)),),
        next_review=date(2025, 4, 23)))
    assert meeting.id is not None
    meetings.finalise_meeting(meeting.id)
    meetings.record_shared_item(saved.id, police)
    return Store(taf.store, taf.session, taf.clock, root / "store"), saved.id


def introduce(a: Store, b: Store, folder: Path) -> tuple[Contact, Contact]:
    """Each store exports its card and the other adds it (as after a phone call comparing
    fingerprints). Returns (b as a's contact, a as b's contact)."""
    folder.mkdir(exist_ok=True)
    cards = []
    for s in (a, b):
        path = folder / f"{s.session.actor.name.replace(' ', '-')}.kwcard"
        if not path.exists():
            s.handover().export_card(path)
        cards.append(path)
    b_in_a = a.handover().add_contact(HandoverService.read_card(cards[1]))
    a_in_b = b.handover().add_contact(HandoverService.read_card(cards[0]))
    return b_in_a, a_in_b


def store_contents(session: CaseSession) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: a store is unchanged when this is."""
    conn = session.connection
    tables = [str(r[0]) for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()]
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t}").fetchall()]
            for t in tables}


def files_outside(root: Path, stores: list[Path]) -> list[Path]:
    """Every file under ``root`` except the encrypted databases (and their WAL) of ``stores``."""
    kept = {s / name for s in stores for name in ("casestore.db", "casestore.db-wal")}
    return [p for p in root.rglob("*") if p.is_file() and p not in kept]
