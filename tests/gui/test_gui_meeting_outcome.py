"""A review meeting's record says what was decided for the plan and why; finalising asks
first, says what it means, and says when it worked."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.meeting_draft import FIELDS
from keyworker_app.domain.taf import MeetingOutcome, MeetingType
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.meeting_editor import MeetingEditor
from tests.gui.programme_samples import TODAY

SHOTS = "/work/coord/shots/outcome"


def _answer(qtbot: Any, editor: MeetingEditor, finalise: bool) -> None:
    box = editor.ask_finalise()
    qtbot.waitUntil(box.isVisible)
    assert "read-only" in box.informativeText() and "addenda" in box.informativeText()
    wanted = next(b for b in box.buttons()
                  if (b.text() == "&Finalise") == finalise
                  and box.buttonRole(b) != QMessageBox.ButtonRole.InvalidRole)
    wanted.click()


def test_review_outcome_is_needed_confirmed_and_shown(qtbot: Any,
                                                     programme_window: MainWindow) -> None:
    window = programme_window
    session = window.current_session()
    assert session is not None and window.policy is not None
    service = session.meetings(window.policy)
    fid = window.caseload.model.ids[0]
    view = window.open_family(fid)
    assert view is not None and view.taf is not None
    editor = view.taf.open_meeting(None)
    assert isinstance(editor, MeetingEditor)
    editor.kind.setCurrentIndex(editor.kind.findData(MeetingType.REVIEW.value))
    held = datetime.combine(TODAY - timedelta(days=1), datetime.min.time(), UTC)
    editor.held_at.setText(format_datetime(held + timedelta(hours=10)))
    editor.chair.setText("Sam Worker")

    # The outcome and reason are labelled, reachable by keyboard and kept in the draft.
    captions = {w.text(): w.buddy() for w in editor.findChildren(QLabel) if w.buddy()}
    assert captions["Meetin&g outcome"] is editor.outcome
    assert captions["&Reason for the outcome"] is editor.outcome_reason
    assert editor.outcome.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert {"outcome", "outcome_reason"} <= set(FIELDS)
    assert editor.texts()["outcome"] == ""

    # Cancelling the question finalises nothing.
    _answer(qtbot, editor, finalise=False)
    assert not editor.read_only and editor.meeting is None

    # Without an outcome the record is saved but not finalised, and the editor says why.
    _answer(qtbot, editor, finalise=True)
    assert editor.problem.isVisibleTo(editor)
    assert "outcome" in editor.problem.text()
    assert editor.meeting is not None and not editor.meeting.is_finalised

    editor.outcome.setCurrentIndex(editor.outcome.findData(MeetingOutcome.STEP_DOWN.value))
    editor.outcome_reason.setText("School attendance back above 95%; family agree.")
    assert editor.texts()["outcome"] == "step-down"
    if os.path.isdir(SHOTS):
        editor.resize(1024, 700)
        editor.grab().save(f"{SHOTS}/editor_outcome.png")
    _answer(qtbot, editor, finalise=True)
    assert editor.read_only and not editor.outcome.isEnabled()
    assert "Finalised by" in editor.status.text() and "read-only" in editor.status.text()
    if os.path.isdir(SHOTS):
        editor.grab().save(f"{SHOTS}/editor_finalised.png")
    assert editor.meeting is not None and editor.meeting.id is not None
    stored = service.view_meeting(editor.meeting.id)
    assert stored.is_finalised and stored.outcome is MeetingOutcome.STEP_DOWN
    assert stored.outcome_reason.startswith("School attendance")
    editor.reject()
