"""Open pages follow what is saved anywhere in the app, without being reopened.

Each test opens a page (Today, Team, the retention queue, the subject-access log, the breach
records), makes a change somewhere else — through the family record's meeting editor, another
programme page or the services the command line uses — and waits for the same page object to
show it. None of them calls ``show_today`` (or its like) again."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from keyworker_app.domain.breach import Breach
from keyworker_app.domain.dates import format_date, format_datetime
from keyworker_app.domain.retention import RetentionDecision, RetentionReview
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.meeting_editor import MeetingEditor
from keyworker_app.services.api import Session
from tests.gui.programme_samples import NOW, TODAY


def _session(window: MainWindow) -> Session:
    session = window.current_session()
    assert session is not None
    return session


def _fill(dialog: Any, **values: str) -> None:
    for key, value in values.items():
        editor = dialog.editors[key]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            editor.setText(value)


def _column(model: Any, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _record_meeting(window: MainWindow, held_on_days: int, action: str,
                    due_in_days: int) -> str:
    """Through the family record's meeting editor, as a key worker would; the family's
    reference."""
    view = window.open_family(window.caseload.model.ids[0])
    assert view is not None and view.taf is not None
    editor = view.taf.open_meeting(None)
    assert isinstance(editor, MeetingEditor)
    editor.held_at.setText(format_datetime(
        datetime.combine(TODAY + timedelta(days=held_on_days), time(10, 0))))
    editor.chair.setText("Sam Worker")
    sub = editor.add_action()
    _fill(sub, what=action, owner="Sam Worker",
          due=format_date(TODAY + timedelta(days=due_in_days)))
    assert sub.try_save()
    assert editor.try_save(), editor.problem.text()
    return view.family.reference


def test_today_shows_an_action_due_tomorrow_once_the_meeting_is_saved(
        qtbot: Any, programme_window: MainWindow) -> None:
    window = programme_window
    today = window.show_today()
    assert today is not None
    assert "Ring the school about mornings" not in _column(today.action_model, 3)
    reference = _record_meeting(window, held_on_days=0,
                                action="Ring the school about mornings", due_in_days=1)
    qtbot.waitUntil(lambda: "Ring the school about mornings" in _column(today.action_model, 3))
    row = _column(today.action_model, 3).index("Ring the school about mornings")
    assert today.action_model.index(row, 0).data() == format_date(TODAY + timedelta(days=1))
    assert today.action_model.index(row, 2).data().startswith(reference)
    assert window.show_today() is today  # still the page opened at the start


def test_team_shows_a_meeting_booked_for_next_week(qtbot: Any,
                                                   programme_window: MainWindow) -> None:
    window = programme_window
    team = window.show_team()
    assert team is not None
    before = team.model.rowCount()
    reference = _record_meeting(window, held_on_days=6,
                                action="Bring the attendance figures", due_in_days=6)
    qtbot.waitUntil(lambda: team.model.rowCount() == before + 1)
    assert any(family.startswith(reference) for family in _column(team.model, 1))
    count = before + 1
    assert team.summary.text().startswith(f"{count} meeting{'s' if count != 1 else ''};")


def test_retention_queue_follows_a_review_recorded_elsewhere(
        qtbot: Any, programme_window: MainWindow) -> None:
    window = programme_window
    queue = window.show_retention()
    assert queue is not None
    first = queue.model.record(0)
    assert first is not None and first.reference == "KW-0400"
    # Recorded through the services (as the command line or another screen would).
    _session(window).programme(window.policy).record_review(RetentionReview(  # type: ignore[arg-type]
        first.family_id, TODAY, RetentionDecision.RETAIN, "Plan still open", "Team Lead",
        TODAY + timedelta(days=200)))
    qtbot.waitUntil(lambda: _column(queue.model, 0)[0] != "KW-0400")
    row = _column(queue.model, 0).index("KW-0400")
    assert queue.model.index(row, 2).data() == format_date(TODAY)  # last reviewed today


def test_subject_access_log_hears_of_a_deletion_on_the_retention_page(
        qtbot: Any, programme_window: MainWindow) -> None:
    window = programme_window
    log = window.show_subject_access()
    assert log is not None
    row = _column(log.model, 0).index("SAR-2025-001")
    assert log.model.index(row, 5).data() == "Found"  # linked to a member of KW-0301
    queue = window.show_retention()
    assert queue is not None
    entry = queue.select_matching(lambda e: e.reference, "KW-0301")
    assert entry is not None
    delete = queue.open_delete(entry.family_id)
    assert delete is not None and delete.try_save()
    box = queue.box
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if "permanently" in b.text()).click()
    qtbot.waitUntil(lambda: log.model.index(
        _column(log.model, 0).index("SAR-2025-001"), 5).data() == "Not yet found")
    assert window.family_tabs.indexOf(log) >= 0  # the same page, never reopened


def test_breach_records_follow_a_breach_recorded_elsewhere(
        qtbot: Any, programme_window: MainWindow) -> None:
    window = programme_window
    page = window.show_breaches()
    assert page is not None
    before = page.model.rowCount()
    policy = window.policy
    assert policy is not None
    rights = _session(window).programme(policy).rights
    rights.record_breach(Breach(policy.breach.categories[0].id, NOW - timedelta(hours=2),
                                "Meeting notes left on a train.", (), True))
    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1)
    assert f"{before + 1} breaches recorded" in page.status.text()
    serious = _column(page.model, 2).count("Yes")
    new = next(b for b in rights.breaches() if b.summary.startswith("Meeting notes"))
    rights.record_breach(replace(new, serious=False))  # on reflection, not serious
    qtbot.waitUntil(lambda: _column(page.model, 2).count("Yes") == serious - 1)


def test_a_locked_window_reads_nothing_again(qtbot: Any,
                                             programme_window: MainWindow) -> None:
    window = programme_window
    today = window.show_today()
    assert today is not None
    session = _session(window)
    window.lock.lock("menu")
    assert not session.is_open and today.action_model.rowCount() == 0
    window.changes.flush()
    qtbot.wait(20)
    assert today.action_model.rowCount() == 0
