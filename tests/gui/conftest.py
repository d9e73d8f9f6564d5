"""GUI test fixtures. Every test takes its backend from ``case_store``: a real SQLCipher
store in the test's temporary folder, with an in-memory keyring standing for this computer's
and the fast test key derivation. Tests plant their own canary family through
``create``/``unlock``/``add_family``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import hashlib  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from keyworker_app.gui.lock import LockSettings  # noqa: E402
from keyworker_app.gui.main_window import MainWindow  # noqa: E402
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.security.device_secret import DeviceSecrets  # noqa: E402
from keyworker_app.security.kdf import FAST_TEST_KDF  # noqa: E402
from keyworker_app.services.api import CaseStoreService  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from tests.gui.samples import OWNER, sample_family  # noqa: E402
from tests.keyring_memory import MemoryKeyring  # noqa: E402

PASSPHRASE = "plum violin harbour seventeen"
CANARY = "Quillfeather"  # planted family name; must never survive a lock on screen


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Planted:
    store: CaseStoreService
    family_id: int
    passphrase: str = PASSPHRASE
    canary: str = CANARY


@pytest.fixture
def case_store(tmp_path: Path) -> CaseStore:
    return CaseStore(StorePaths(tmp_path / "store"), DeviceSecrets(MemoryKeyring()),
                     kdf=FAST_TEST_KDF)


@pytest.fixture
def store_fingerprint(case_store: CaseStore) -> Callable[[], object]:
    """Hashes of the store's files: any change to the stored records changes it."""
    paths = case_store.paths

    def fingerprint() -> object:
        files = [paths.database, paths.header, *paths.sidecars()]
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                for p in files if p.exists()}

    return fingerprint


@pytest.fixture
def planted(case_store: CaseStoreService) -> Planted:
    session, _recovery = case_store.create(PASSPHRASE, OWNER)
    session.add_family(sample_family("KW-0001", "Ashworth"))
    canary = session.add_family(sample_family("KW-0002", CANARY, postcode="BD1 1AA"))
    session.add_family(sample_family("KW-0003", "Brightwell", children=1))
    session.lock()
    assert canary.id is not None
    return Planted(case_store, canary.id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: Any, planted: Planted, clock: FakeClock) -> Iterator[WindowFactory]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    windows: list[MainWindow] = []

    def factory(timeout: float = 300, use_clock: Callable[[], float] | None = None,
                **settings: Any) -> MainWindow:
        window = MainWindow(planted.store, LockSettings(timeout, **settings),
                            clock=use_clock or clock, watch_desktop=False)
        qtbot.addWidget(window)
        window.lock.install(app)
        window.start()
        window.show()
        windows.append(window)
        return window

    yield factory
    for window in windows:
        app.removeEventFilter(window.lock)
        window.lock.lock("teardown")
    QApplication.clipboard().clear()


def unlock(qtbot: Any, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    window.lock_screen.passphrase.setText(passphrase)
    window.lock_screen.unlock_button.click()
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=5000)


def flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()


@pytest.fixture
def programme_stored(tmp_path: Path) -> tuple[Any, int]:
    """A store with the programme family, reviews due, requests and breaches (locked)."""
    from tests.gui.programme_samples import populate

    return populate(tmp_path)


def open_programme_window(qtbot: Any, store: Any, clock: FakeClock) -> MainWindow:
    """The main window over ``store`` with the shipped policy, at the programme samples' day,
    unlocked, with no kept-work prompt in the way. Close it with ``close_window``."""
    from tests.gui.programme_samples import NOW, TODAY
    from tests.taf_session import PASSPHRASE as TAF_PASSPHRASE
    from tests.taf_session import shipped_policy

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win = MainWindow(store, LockSettings(300), clock=clock, watch_desktop=False,
                     today=lambda: TODAY, now=lambda: NOW.replace(tzinfo=None),
                     policy=shipped_policy())
    qtbot.addWidget(win)
    win.lock.install(app)
    win.start()
    win.show()
    unlock(qtbot, win, TAF_PASSPHRASE)
    if win.draft_prompt is not None:
        win.draft_prompt.reject()
    return win


def close_window(win: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.removeEventFilter(win.lock)
    win.lock.lock("teardown")


@pytest.fixture
def programme_window(qtbot: Any, programme_stored: tuple[Any, int],
                     clock: FakeClock) -> Iterator[MainWindow]:
    """The main window with the shipped policy, unlocked, at the default 1280 x 800."""
    win = open_programme_window(qtbot, programme_stored[0].store, clock)
    yield win
    close_window(win)
