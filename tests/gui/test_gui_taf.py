"""Acceptance 5: a TAF meeting recorded entirely by keyboard; the family plan and the Today view
show its action, and overdue highlighting follows the injected clock. Also: models pass
qtmodeltester, a lock with the meeting editor open keeps a draft, finalised records are
read-only with their addenda shown, and the Team view shows preparation state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget

from keyworker_app.domain.taf import Action, Meeting, MeetingType
from keyworker_app.gui.attention import attention_background
from keyworker_app.gui.form_dialog import FormDialog
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.meeting_editor import MeetingEditor
from tests.gui.conftest import FakeClock, Planted, flush_deletes
from tests.gui.ui_scan import all_ui_text
from tests.taf_session import shipped_policy

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


class Day:
    """The injected 'today' (and 'now'), moved by the test."""

    def __init__(self, day: date) -> None:
        self.day = day

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 9, 30)


@pytest.fixture
def day() -> Day:
    return Day(date(2025, 3, 12))


@pytest.fixture
def window(qtbot: Any, planted: Planted, clock: FakeClock, day: Day) -> Iterator[MainWindow]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    win = MainWindow(planted.store, LockSettings(300), clock=clock, watch_desktop=False,
                     today=day.today, now=day.now, policy=shipped_policy())
    qtbot.addWidget(win)
    win.lock.install(app)
    win.start()
    win.show()
    win.activateWindow()
    yield win
    app.removeEventFilter(win.lock)
    win.lock.lock("teardown")
    QApplication.clipboard().clear()


def key(qtbot: Any, keycode: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
        ) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    QTest.keyClick(target, keycode, modifier)
    qtbot.wait(1)


def typed(qtbot: Any, text: str) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    QTest.keyClicks(target, text)
    qtbot.wait(1)


def tab(qtbot: Any, times: int = 1) -> None:
    for _ in range(times):
        key(qtbot, Qt.Key.Key_Tab)


def modal(qtbot: Any, kind: type[QWidget]) -> Any:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=3000)
    widget = QApplication.activeModalWidget()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().window() is widget, timeout=3000)
    return widget


def choose(qtbot: Any, wanted: str) -> None:
    """Pick a combo box entry with Home and Down, as a keyboard user would (typing a space
    would open the list instead)."""
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    key(qtbot, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(wanted):
            return
        key(qtbot, Qt.Key.Key_Down)
    raise AssertionError(f"no entry starting {wanted!r}")


def unlock_by_keyboard(qtbot: Any, window: MainWindow, passphrase: str) -> None:
    window.activateWindow()
    window.lock_screen.passphrase.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.lock_screen.passphrase)
    typed(qtbot, passphrase)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.lock.is_locked, timeout=5000)


def open_family_by_keyboard(qtbot: Any, window: MainWindow, planted: Planted) -> Any:
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is window.caseload.search
    typed(qtbot, planted.canary[:6])
    qtbot.waitUntil(lambda: window.caseload.proxy.rowCount() == 1)
    tab(qtbot)
    assert QApplication.focusWidget() is window.caseload.table
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.family_views()))
    return window.family_views()[0]


def test_meeting_recorded_entirely_by_keyboard(qtbot: Any, planted: Planted, window: MainWindow,
                                               day: Day, qtmodeltester: Any) -> None:
    unlock_by_keyboard(qtbot, window, planted.passphrase)
    view = open_family_by_keyboard(qtbot, window, planted)
    key(qtbot, Qt.Key.Key_T, ALT)  # the Meetings tab
    assert view.tabs.currentWidget() is view.taf.meetings_page
    key(qtbot, Qt.Key.Key_W, ALT)  # New meeting…
    editor = modal(qtbot, MeetingEditor)
    assert QApplication.focusWidget() is editor.kind
    tab(qtbot)
    key(qtbot, Qt.Key.Key_A, CTRL)
    typed(qtbot, "12/03/2025 10:00")
    tab(qtbot)
    typed(qtbot, "Family home")
    tab(qtbot, 2)
    typed(qtbot, "23/04/2025")

    for name, agency, attendance, role in (("Pat Teacher", "Leicester City Council", "", "Head"),
                                           ("Jo Nurse", "Leicestershire Partnership", "Sent",
                                            "School nurse")):
        key(qtbot, Qt.Key.Key_A, ALT)  # Add attendee…
        modal(qtbot, FormDialog)
        typed(qtbot, name)
        tab(qtbot)
        choose(qtbot, agency)
        tab(qtbot, 2)
        if attendance:
            choose(qtbot, attendance)
        tab(qtbot)
        typed(qtbot, role)
        key(qtbot, Qt.Key.Key_Return)
        modal(qtbot, MeetingEditor)

    key(qtbot, Qt.Key.Key_Tab, CTRL)
    key(qtbot, Qt.Key.Key_Tab, CTRL)  # Decisions and actions
    key(qtbot, Qt.Key.Key_T, ALT)  # Add action…
    modal(qtbot, FormDialog)
    typed(qtbot, "Morning routine chart")
    tab(qtbot)
    typed(qtbot, "Sam Worker")
    tab(qtbot)
    choose(qtbot, "Leicester City Council")
    tab(qtbot)
    typed(qtbot, "18/03/2025")
    key(qtbot, Qt.Key.Key_Return)
    modal(qtbot, MeetingEditor)

    key(qtbot, Qt.Key.Key_Tab, CTRL)  # Information shared
    key(qtbot, Qt.Key.Key_S, ALT)  # Add information shared…
    shared = modal(qtbot, FormDialog)
    choose(qtbot, "Leicestershire Police")
    tab(qtbot, 3)
    typed(qtbot, "Two call-outs to the address in February.")
    tab(qtbot, 3)
    choose(qtbot, "Offences and their outcomes")  # what the first exchange carries
    tab(qtbot)
    choose(qtbot, "Leicestershire Police")
    tab(qtbot, 2)
    choose(qtbot, "Alex")
    tab(qtbot, 2)
    key(qtbot, Qt.Key.Key_Return)  # no consent recorded, no basis: refused inline
    problem = shared.problems["lawful_basis"].text()
    assert shared.isVisible()
    assert problem.startswith(f"Alex {planted.canary} has not consented to sharing with "
                              "Leicestershire Police: choose the lawful basis")
    key(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    choose(qtbot, "Power to disclose")
    tab(qtbot)
    typed(qtbot, "Risk of harm to the children.")
    key(qtbot, Qt.Key.Key_Return)
    modal(qtbot, MeetingEditor)
    assert editor.rows["shared"][0].lawful_basis == "cda-1998-s115"

    key(qtbot, Qt.Key.Key_V, ALT)  # Save
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible(),
                    timeout=3000)
    session = window.current_session()
    assert session is not None
    meetings = session.meetings(shipped_policy()).meetings_of_family(planted.family_id)
    assert len(meetings) == 1
    saved = meetings[0]
    assert [a.name for a in saved.attendees] == ["Pat Teacher", "Jo Nurse"]
    assert saved.attendees[1].attendance.value == "apologies"
    assert saved.attendees[0].agency == "leicester-city"
    assert [a.what for a in saved.actions] == ["Morning routine chart"]
    assert saved.actions[0].due == date(2025, 3, 18)
    assert len(saved.shared) == 1 and saved.shared[0].about == ("p1",)
    assert saved.venue == "Family home" and saved.next_review == date(2025, 4, 23)

    # The family plan shows the action; highlighting follows the injected day.
    window.activateWindow()  # the offscreen platform does not hand focus back by itself
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    key(qtbot, Qt.Key.Key_P, ALT)
    assert view.tabs.currentWidget() is view.taf.plan_page
    plan = view.taf.plan_model
    qtmodeltester.check(plan)
    assert plan.index(0, 0).data() == "Morning routine chart"
    assert plan.index(0, 2).data() == "Open" and not plan.is_highlighted(0)
    assert plan.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None

    key(qtbot, Qt.Key.Key_1, CTRL)  # View → Today
    today = window.show_today()
    assert today is not None and window.family_tabs.currentWidget() is today
    qtmodeltester.check(today.action_model)
    assert today.action_model.index(0, 3).data() == "Morning routine chart"
    assert today.action_model.index(0, 1).data() == "Due"

    day.day = date(2025, 3, 19)
    assert plan.is_highlighted(0) and plan.index(0, 2).data() == "Overdue"
    assert plan.index(0, 0).data(Qt.ItemDataRole.BackgroundRole).color() == (
        attention_background().color())
    key(qtbot, Qt.Key.Key_1, CTRL)
    assert today.action_model.index(0, 1).data() == "Overdue by 1 day"
    assert today.action_model.is_highlighted(0)
    qtmodeltester.check(today.meeting_model)
    qtmodeltester.check(today.review_model)
    qtmodeltester.check(view.taf.meeting_model)
    qtmodeltester.check(view.taf.shared_model)
    qtmodeltester.check(view.taf.consent_model)

    window.lock.lock("test")
    flush_deletes()
    assert planted.canary not in all_ui_text()
    assert "Morning routine chart" not in all_ui_text()


def test_lock_with_meeting_editor_open_keeps_a_draft(qtbot: Any, planted: Planted,
                                                     window: MainWindow) -> None:
    unlock_by_keyboard(qtbot, window, planted.passphrase)
    view = window.open_family(planted.family_id)
    assert view is not None and view.taf is not None
    editor = view.taf.open_meeting(None)
    assert editor is not None
    editor.venue.setText("Children's centre")
    editor.rows["decisions"] = ()
    sub = editor.add_decision()
    sub.editors["text"].setPlainText("Key worker leads.")
    assert sub.try_save()
    key(qtbot, Qt.Key.Key_L, CTRL)
    assert window.lock.is_locked
    flush_deletes()
    assert "Children's centre" not in all_ui_text()
    unlock_by_keyboard(qtbot, window, planted.passphrase)
    prompt = window.draft_prompt
    assert isinstance(prompt, QMessageBox)
    next(b for b in prompt.buttons() if "Restore" in b.text()).click()
    restored = [w for w in QApplication.topLevelWidgets()
                if isinstance(w, MeetingEditor) and w.isVisible()]
    assert len(restored) == 1
    assert restored[0].venue.text() == "Children's centre"
    assert [d.text for d in restored[0].rows["decisions"]] == ["Key worker leads."]
    assert restored[0].try_save()
    session = window.current_session()
    assert session is not None and session.drafts() == []
    assert session.meetings(shipped_policy()).meetings_of_family(planted.family_id)[0].venue \
        == "Children's centre"


def test_finalised_meeting_is_read_only_with_addenda_and_team_view(
        qtbot: Any, planted: Planted, window: MainWindow, qtmodeltester: Any) -> None:
    unlock_by_keyboard(qtbot, window, planted.passphrase)
    session = window.current_session()
    assert session is not None
    service = session.meetings(shipped_policy())
    first = service.save_meeting(Meeting(
        planted.family_id, MeetingType.INITIAL, datetime(2025, 3, 3, 10, 0), chair="Sam Worker",
        actions=(Action("Book GP appointment", "Alex", "family", date(2025, 3, 30)),)))
    assert first.id is not None
    service.finalise_meeting(first.id)
    service.add_addendum(first.id, "Venue was the school, not the home.")
    service.save_meeting(Meeting(planted.family_id, MeetingType.REVIEW,
                                 datetime(2025, 3, 20, 14, 0), chair="Team Lead"))
    view = window.open_family(planted.family_id)
    assert view is not None and view.taf is not None
    editor = view.taf.open_meeting(first.id)
    assert editor is not None and editor.read_only
    assert editor.venue.isReadOnly() and not editor.save_button.isEnabled()
    assert editor.addendum_button.isEnabled()
    assert editor.models[-1].index(0, 2).data() == "Venue was the school, not the home."
    assert "Finalised by Sam Worker" in editor.status.text()
    for model in editor.models:
        qtmodeltester.check(model)
    editor.reject()

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    key(qtbot, Qt.Key.Key_2, CTRL)  # View → Team
    team = window.show_team()
    assert team is not None
    qtmodeltester.check(team.model)
    assert team.model.rowCount() == 1
    assert team.model.index(0, 4).data() == "Yes"
    assert team.model.index(0, 5).data() == "1"
    team.table.setFocus()
    team.table.setCurrentIndex(team.model.index(0, 0))
    key(qtbot, Qt.Key.Key_Return)
    assert window.family_tabs.currentWidget() is view
