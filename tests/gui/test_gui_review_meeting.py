"""A review meeting brings forward the last meeting's open actions, and records what became of
each: done and dropped ones with their notes, carried ones continued as this meeting's actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.taf import Action, ActionStatus, Meeting, MeetingType
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.meeting_editor import MeetingEditor
from tests.gui.programme_samples import TODAY


def test_review_meeting_records_what_became_of_each_open_action(
        qtbot: Any, qtmodeltester: Any, programme_window: MainWindow) -> None:
    window = programme_window
    session = window.current_session()
    assert session is not None and window.policy is not None
    service = session.meetings(window.policy)
    fid = window.caseload.model.ids[0]
    family = session.view_family(fid)
    initial = service.save_meeting(Meeting(
        fid, MeetingType.INITIAL, datetime(2025, 3, 3, 10, 0, tzinfo=UTC), chair="Sam Worker",
        actions=(Action("Book GP appointment", "Alex", "family", TODAY - timedelta(days=2)),
                 Action("Attendance plan with school", "Pat", "leicester-city",
                        TODAY + timedelta(days=10)),
                 Action("Parenting course place", "Sam", "leicester-city",
                        TODAY + timedelta(days=3)),
                 Action("Chart in use", "Sam", "family", TODAY, ActionStatus.DONE, "Done."))))
    assert initial.id is not None
    service.finalise_meeting(initial.id)
    old = {a.what: a for a in service.view_meeting(initial.id).actions}

    view = window.open_family(fid)
    assert view is not None and view.taf is not None
    editor = view.taf.open_meeting(None)
    assert isinstance(editor, MeetingEditor)
    assert family.reference in editor.windowTitle() and family.family_name in editor.windowTitle()
    assert editor.kind.currentData() == MeetingType.REVIEW.value  # an initial meeting exists
    brought = editor.brought
    assert brought is not None
    qtmodeltester.check(brought.model)
    shown = [brought.model.index(r, 0).data() for r in range(brought.model.rowCount())]
    assert shown == ["Book GP appointment", "Attendance plan with school",
                     "Parenting course place"]  # the done one is not brought forward
    assert {brought.model.index(r, 3).data() for r in range(3)} == {"Carried forward"}

    brought.table.selectRow(0)
    brought.choice.setCurrentIndex(brought.choice.findText("Done"))
    brought.note.setText("Seen by the GP on 14/03.")
    brought.record()
    brought.table.selectRow(2)
    brought.choice.setCurrentIndex(brought.choice.findText("Dropped"))
    brought.note.setText("No places this term; family to reapply.")
    brought.record()
    assert brought.model.index(0, 3).data() == "Done"
    assert brought.model.index(2, 4).data() == "No places this term; family to reapply."
    assert editor.is_dirty()
    editor.held_at.setText(format_datetime(datetime(2025, 3, 19, 11, 0, tzinfo=UTC)))
    assert editor.try_save(), editor.problem.text()

    after = {a.what: a for a in service.view_meeting(initial.id).actions}
    gp, school, course = (after[w] for w in ("Book GP appointment",
                                             "Attendance plan with school",
                                             "Parenting course place"))
    assert (gp.status, gp.outcome) == (ActionStatus.DONE, "Seen by the GP on 14/03.")
    assert school.status is ActionStatus.CARRIED_OVER
    assert (course.status, course.outcome) == (ActionStatus.CANCELLED,
                                               "No places this term; family to reapply.")
    assert after["Chart in use"].status is ActionStatus.DONE
    review = max(service.meetings_of_family(fid), key=lambda m: m.held_at)
    assert review.kind is MeetingType.REVIEW
    assert [(a.what, a.carried_from, a.status) for a in review.actions] == [
        ("Attendance plan with school", old["Attendance plan with school"].id,
         ActionStatus.OPEN)]
