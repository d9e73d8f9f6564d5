"""Acceptance: in British Summer Time, a meeting held and finalised at 10:30 on 15/07 reads
10:30 in the meeting record PDF (body and footer), on screen and in ``keyworker audit``,
though the store keeps 09:30 UTC. A winter meeting reads the same on the clock and in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from keyworker_app.domain.dates import parse_datetime
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.taf import Meeting, MeetingType
from keyworker_app.gui.breach_view import BreachDialog
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.paths import StorePaths
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseSession, CaseStore
from keyworker_app.services.clock import SystemClock
from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
from tests.cli_harness import CliHarness
from tests.gui.conftest import FakeClock, unlock
from tests.gui.samples import OWNER, sample_family
from tests.taf_session import PASSPHRASE, SettableClock, shipped_policy
from tests.unit.reports.pdf_checks import positioned_text

SUMMER_1030_UTC = datetime(2025, 7, 15, 9, 30, tzinfo=UTC)  # 10:30 BST on the key worker's clock
WINTER_1030_UTC = datetime(2025, 2, 12, 10, 30, tzinfo=UTC)  # 10:30 GMT (after the sample note)


@dataclass
class Finalised:
    store: CaseStore
    clock: SettableClock
    family_id: int
    meeting_id: int


def finalised_at_1030(root: Path, keyring: Any, moment: datetime) -> Finalised:
    """A store on "this computer" where a meeting typed in as 10:30 that day is finalised
    at 10:30 by the clock (which reads UTC)."""
    clock = SettableClock(moment - timedelta(seconds=1))  # each reading moves it 1 s
    store = CaseStore(StorePaths(root), DeviceSecrets(keyring), clock=clock, kdf=FAST_TEST_KDF)
    session, _recovery = store.create(PASSPHRASE, OWNER)
    family = session.add_family(sample_family("KW-0715", "Ashworth"))
    assert family.id is not None
    service = session.meetings(shipped_policy())
    day = f"{moment.day:02}/{moment.month:02}/{moment.year}"
    typed = parse_datetime(f"{day} 10:30")  # as the key worker types it in the editor
    meeting = service.save_meeting(Meeting(family.id, MeetingType.INITIAL, typed,
                                           chair="Sam Worker"))
    assert meeting.id is not None
    clock.moment = moment
    service.finalise_meeting(meeting.id)
    session.lock()
    return Finalised(store, clock, family.id, meeting.id)


@pytest.fixture
def summer(harness: CliHarness, london: None) -> Finalised:
    return finalised_at_1030(harness.store, harness.keyring, SUMMER_1030_UTC)


def meeting_record_text(setup: Finalised, out: Path, when: datetime) -> list[str]:
    session = setup.store.unlock(PASSPHRASE)
    assert isinstance(session, CaseSession)
    try:
        exports = ExportService(session, shipped_policy(), now=lambda: when)
        result = exports.export(ExportRequest(
            setup.family_id, ReportKind.MEETING_RECORD, out / "record.pdf",
            Recipient.printing(), "support", meeting_id=setup.meeting_id))
        return [" ".join(t for t, _y in page)
                for page in positioned_text(result.destination.read_bytes())]
    finally:
        session.lock()


@pytest.mark.parametrize("moment", [SUMMER_1030_UTC, WINTER_1030_UTC],
                         ids=["summer", "winter"])
def test_the_meeting_record_says_1030_in_its_body_and_footer(
        harness: CliHarness, london: None, tmp_path: Path, moment: datetime) -> None:
    setup = finalised_at_1030(harness.store, harness.keyring, moment)
    day = f"{moment.day:02}/{moment.month:02}/{moment.year}"
    pages = meeting_record_text(setup, tmp_path, moment + timedelta(seconds=20))
    text = " ".join(pages)
    assert f"Finalised by Sam Worker on {day} 10:30." in text
    assert f"Initial TAF — {day} 10:30" in text  # the title line
    assert f"Date and time {day} 10:30" in text
    assert all(f"Generated {day} 10:30 by Sam Worker" in page for page in pages)
    assert "09:30" not in text


def test_screens_show_the_meeting_at_1030(qtbot: Any, summer: Finalised) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = MainWindow(summer.store, LockSettings(300), clock=FakeClock(),
                        watch_desktop=False, today=lambda: date(2025, 7, 15),
                        now=lambda: SUMMER_1030_UTC + timedelta(minutes=5),
                        policy=shipped_policy())
    qtbot.addWidget(window)
    window.lock.install(app)
    window.start()
    window.show()
    try:
        unlock(qtbot, window)
        today = window.show_today()
        assert today is not None
        assert today.meeting_model.rowCount() == 0  # a finalised meeting is not "upcoming"
        view = window.open_family(summer.family_id)
        assert view is not None and view.taf is not None
        assert view.taf.meeting_model.index(0, 0).data() == "15/07/2025 10:30"
        editor = view.taf.open_meeting(summer.meeting_id)
        assert editor is not None and editor.read_only
        assert editor.held_at.text() == "15/07/2025 10:30"
        assert "Finalised by Sam Worker on 15/07/2025 10:30." in editor.status.text()
        editor.reject()
        # A new case note is offered at the local time now, and kept in UTC.
        dialog = view.open_note_dialog()
        when = dialog.editors["occurred_at"]
        assert isinstance(when, QLineEdit) and when.text() == "15/07/2025 10:35"
        summary = dialog.editors["summary"]
        assert isinstance(summary, QPlainTextEdit)
        summary.setPlainText("Phoned about the school run.")
        assert dialog.try_save()
        notes = view.notes.model()
        assert notes.index(0, 0).data() == "15/07/2025 10:35"
        session = window.current_session()
        assert session is not None
        [note] = [n for n in session.view_family(summer.family_id).notes
                  if n.summary == "Phoned about the school run."]
        assert note.occurred_at == SUMMER_1030_UTC + timedelta(minutes=5)
    finally:
        app.removeEventFilter(window.lock)
        window.lock.lock("teardown")


def test_keyworker_audit_prints_the_finalising_at_1030(
        harness: CliHarness, summer: Finalised, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SystemClock, "now", lambda _self: SUMMER_1030_UTC + timedelta(minutes=2))
    result = harness.run("audit", KEYWORKER_PASSPHRASE=PASSPHRASE)
    assert result.code == 0, result.err
    [finalised] = [line for line in result.out.splitlines() if "finalised" in line]
    assert " 15/07/2025 10:30:0" in finalised and "Sam Worker" in finalised
    assert "15/07/2025 10:32:" in result.out.splitlines()[0]  # newest first: this unlock
    assert "09:3" not in result.out


def test_a_breach_time_is_typed_as_local_time_and_its_deadline_shown_in_it(
        qtbot: Any, london: None) -> None:
    friday_noon = datetime(2024, 10, 25, 11, 0, tzinfo=UTC)
    dialog = BreachDialog(shipped_policy(), lambda b: b, now=lambda: friday_noon)
    qtbot.addWidget(dialog)
    assert dialog.found.text() == "25/10/2024 12:00"  # now, on the key worker's clock
    dialog.found.setText("25/10/2024 10:00")
    dialog.serious.setChecked(True)
    breach = dialog.breach()
    assert breach.found_at == datetime(2024, 10, 25, 9, 0, tzinfo=UTC)
    # 72 real hours later the clocks have gone back: 09:00 GMT on Monday.
    assert "deadline 28/10/2024 09:00" in dialog.clock.text()
