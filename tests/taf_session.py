"""A real encrypted store with two invented families, for TAF service, store and GUI tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyworker_app.domain.audit import Actor
from keyworker_app.domain.policy import Policy
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseSession, CaseStore
from keyworker_app.services.policy_loader import load_policy, shipped_policy_path
from tests.gui.samples import OWNER, sample_family
from tests.keyring_memory import MemoryKeyring

PASSPHRASE = "plum violin harbour seventeen"


class SettableClock:
    """The service clock (``now``/``today``); tests set the day. Moves 1 s per reading."""

    def __init__(self, start: datetime = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)) -> None:
        self.moment = start

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def set_day(self, day: date) -> None:
        self.moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def shipped_policy() -> Policy:
    return load_policy(shipped_policy_path())


@dataclass
class TafStore:
    store: CaseStore
    session: CaseSession
    clock: SettableClock
    policy: Policy
    family_id: int
    other_family_id: int


def open_taf_store(root: Path, clock: SettableClock | None = None,
                   owner: Actor = OWNER) -> TafStore:
    clock = clock or SettableClock()
    store = CaseStore(StorePaths(root / "store"), DeviceSecrets(MemoryKeyring()),
                      clock=clock, kdf=FAST_TEST_KDF)
    session, _ = store.create(PASSPHRASE, owner)
    first = session.add_family(sample_family("KW-0101", "Ashworth"))
    second = session.add_family(sample_family("KW-0102", "Brightwell", children=1))
    assert first.id is not None and second.id is not None
    return TafStore(store, session, clock, shipped_policy(), first.id, second.id)
