"""The PbR claim for 5,000 families is worked out off the GUI thread: the window keeps
turning, a progress dialog counts the families, and the idle lock fires in the middle of it,
stops the work and loses nothing (a half-typed case note comes back as a draft, the store
still holds every family, and no claim file appears).

No wall-clock bound is asserted (the machine may be busy): the test checks that the claim
ran on another thread, that the event loop ticked many times while it ran, and prints the
longest gap between ticks for the record (``bench/`` holds the figures)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.programme_export_dialog import ProgrammeExportDialog
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseStore
from keyworker_app.services.demo_data import generate_families
from keyworker_app.services.programme import ProgrammeService
from tests.gui.conftest import PASSPHRASE, FakeClock, unlock
from tests.gui.programme_samples import TODAY
from tests.gui.samples import LEAD
from tests.keyring_memory import MemoryKeyring
from tests.taf_session import shipped_policy

FAMILIES = 5_000
IDLE_SECONDS = 0.3


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    root = tmp_path_factory.mktemp("big")
    store = CaseStore(StorePaths(root / "store"), DeviceSecrets(MemoryKeyring()),
                      kdf=FAST_TEST_KDF)
    session, _recovery = store.create(PASSPHRASE, LEAD)
    session.import_families(generate_families(FAMILIES, 5, TODAY), "test")
    session.lock()
    return store


@pytest.fixture
def window(qtbot: Any, big_store: CaseStore) -> Iterator[tuple[MainWindow, FakeClock]]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    clock = FakeClock()
    win = MainWindow(big_store, LockSettings(IDLE_SECONDS), clock=clock, watch_desktop=False,
                     today=lambda: TODAY, policy=shipped_policy())
    qtbot.addWidget(win)
    win.lock.install(app)
    win.start()
    win.show()
    unlock(qtbot, win)
    yield win, clock
    app.removeEventFilter(win.lock)
    win.lock.lock("teardown")


def test_claim_for_5000_families_keeps_the_window_turning_and_a_lock_loses_nothing(
        qtbot: Any, window: tuple[MainWindow, FakeClock], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    win, clock = window
    gui_thread = threading.get_ident()
    claim_threads: list[int] = []
    real_claim = ProgrammeService.claim

    def watched_claim(self: ProgrammeService, *args: Any, **kwargs: Any) -> Any:
        claim_threads.append(threading.get_ident())
        return real_claim(self, *args, **kwargs)

    monkeypatch.setattr(ProgrammeService, "claim", watched_claim)

    # A case note half typed: the lock must keep it.
    view = win.open_family(win.caseload.model.ids[0])
    assert view is not None
    note = view.open_note_dialog()
    note.editors["summary"].setPlainText("Mum says the mornings are better this week")

    dialog = win.export_claim("csv")
    assert isinstance(dialog, ProgrammeExportDialog)
    target = tmp_path / "claim.csv"
    dialog.path.setText(str(target))
    dialog.to_meeting.setChecked(True)

    ticks: list[float] = []
    ticker = QTimer()
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    ticker.start(10)
    dialog.start_export()
    progress = dialog.preparing
    assert progress is not None and win.store_work.busy
    qtbot.waitUntil(lambda: progress.value() > 0, timeout=60_000)  # families being counted
    started = len(ticks)
    assert 0 < progress.value() < FAMILIES  # mid-way through the caseload
    clock.advance(IDLE_SECONDS + 1)  # nobody touches anything: the idle lock's timer fires
    qtbot.waitUntil(lambda: win.lock.is_locked, timeout=10_000)
    ticker.stop()

    assert claim_threads and gui_thread not in claim_threads  # worked out on a worker
    assert len(ticks) > started  # the event loop kept turning while it ran
    during = ticks[started:]
    gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
    print(f"longest gap between 10 ms ticks during the claim: {max(gaps) * 1000:.0f} ms")
    assert not win.store_work.busy  # stopped, not left running against a closed store
    qtbot.wait(100)  # a stopped job's result must never arrive
    assert not target.exists()
    assert not any(isinstance(w, QMessageBox) and w.isVisible() and "Claim" in w.windowTitle()
                   for w in QApplication.topLevelWidgets())

    unlock(qtbot, win)
    session = win.current_session()
    assert session is not None
    assert len(session.family_ids()) == FAMILIES
    kept = [d for d in session.drafts() if d.form == "case-note" or "note" in d.record_key]
    assert kept, "the half-typed case note was not kept through the lock"
    assert "mornings are better" in str(kept[0].payload)
    if win.draft_prompt is not None:
        win.draft_prompt.close()


def test_caseload_criteria_are_worked_out_on_the_worker_and_kept(
        qtbot: Any, programme_window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    win = programme_window
    qtbot.waitUntil(lambda: not win.store_work.busy)  # what the first paint asked for
    gui_thread = threading.get_ident()
    asked: list[tuple[int, tuple[int, ...]]] = []
    real = ProgrammeService.evaluate_many

    def watched(self: ProgrammeService, ids: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append((threading.get_ident(), tuple(ids)))
        return real(self, ids, *args, **kwargs)

    monkeypatch.setattr(ProgrammeService, "evaluate_many", watched)
    caseload = win.caseload
    session = win.current_session()
    assert session is not None
    caseload.load(session)  # as at unlock: nothing known yet
    caseload.criteria_only.setChecked(True)
    qtbot.waitUntil(lambda: "working out" not in caseload.count_label.text(), timeout=20_000)
    assert caseload.count_label.text() == "1 of 6 families"
    assert asked and all(thread != gui_thread for thread, _ids in asked)
    worked_out = sorted(fid for _t, ids in asked for fid in ids)
    assert worked_out == sorted(caseload.model.ids)  # each family once
    asked.clear()
    caseload.criteria_only.setChecked(False)
    caseload.criteria_only.setChecked(True)  # the answers are kept: nothing read again
    qtbot.wait(50)
    assert asked == [] and caseload.count_label.text() == "1 of 6 families"


def test_subject_access_pack_is_gathered_on_the_worker(
        qtbot: Any, programme_window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from keyworker_app.services.information_rights import InformationRightsService

    win = programme_window
    gui_thread = threading.get_ident()
    threads: list[int] = []
    real = InformationRightsService.gather

    def watched(self: InformationRightsService, *args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(InformationRightsService, "gather", watched)
    page = win.show_subject_access()
    assert page is not None
    assert page.select_matching(lambda r: r.subject_label, "SAR-2025-001") is not None
    dialog = page.open_export()
    assert dialog is not None
    dialog.to_print.setChecked(True)
    dialog.path.setText(str(tmp_path / "sar.pdf"))
    password = "copper lantern meadow ninety"
    dialog.password.setText(password)
    dialog.password_again.setText(password)
    dialog.start_export()
    qtbot.waitUntil((tmp_path / "sar.pdf").exists, timeout=20_000)
    assert threads and gui_thread not in threads


def test_cancelling_the_claim_leaves_the_export_ready_to_start_again(
        qtbot: Any, window: tuple[MainWindow, FakeClock], tmp_path: Path) -> None:
    win, _clock = window
    dialog = win.export_claim("csv")
    assert isinstance(dialog, ProgrammeExportDialog)
    target = tmp_path / "claim.csv"
    dialog.path.setText(str(target))
    dialog.to_meeting.setChecked(True)
    dialog.start_export()
    progress = dialog.preparing
    assert progress is not None
    qtbot.waitUntil(lambda: progress.value() > 0, timeout=60_000)
    assert not dialog.export_button.isEnabled()
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "&Cancel"
    cancel.click()  # the user presses Cancel
    qtbot.waitUntil(lambda: "stopped before it finished" in dialog.problem.text(),
                    timeout=10_000)
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    assert not target.exists() and not win.store_work.busy
    assert not win.lock.is_locked
