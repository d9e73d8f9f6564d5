"""A lock never loses work on the programme screens either: the retention decision (retain,
delete, and the deletion confirmation), a subject-access request and a breach record (new and
edited) are kept as encrypted drafts keyed by ids only, offered back after unlock, restored
into the right page and form, and saved only when the user saves; nothing half-saved before."""

from __future__ import annotations

import re
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QWidget

from keyworker_app.gui.breach_view import BreachDialog
from keyworker_app.gui.form_dialog import FormDialog
from keyworker_app.gui.main_window import MainWindow
from tests.gui.conftest import flush_deletes, unlock
from tests.gui.programme_samples import TODAY
from tests.taf_session import PASSPHRASE, TafStore, shipped_policy

KEY_SHAPE = re.compile(r"family:\d+/retention-review|subject-access:(new|\d+)|breach:(new|\d+)")


@pytest.fixture
def stored(programme_stored: tuple[TafStore, int]) -> tuple[TafStore, int]:
    return programme_stored


@pytest.fixture
def window(programme_window: MainWindow) -> MainWindow:
    assert programme_window.draft_prompt is None
    return programme_window


def _unlock(qtbot: Any, win: MainWindow) -> None:
    unlock(qtbot, win, PASSPHRASE)


def _session(win: MainWindow) -> Any:
    session = win.current_session()
    assert session is not None
    return session


def _fill(dialog: FormDialog, **values: str) -> None:
    for key, value in values.items():
        editor = dialog.editors[key]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            editor.setText(value)


def _lock_by_keyboard(qtbot: Any, win: MainWindow, dialog: QWidget) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier)
    assert win.lock.is_locked
    flush_deletes()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()


def _drafts_while_locked(stored: tuple[TafStore, int]) -> list[Any]:
    """The drafts as the store holds them, read through a second session while locked."""
    session = stored[0].store.unlock(PASSPHRASE)
    try:
        return list(session.drafts())
    finally:
        session.lock()


def _restore(qtbot: Any, win: MainWindow) -> None:
    _unlock(qtbot, win)
    prompt = win.draft_prompt
    assert isinstance(prompt, QMessageBox)
    next(b for b in prompt.buttons() if "Restore" in b.text()).click()
    assert _session(win).drafts() == []  # handed to the form: saving or cancelling ends it


def _only_keys_with_ids(drafts: list[Any], *personal: str) -> None:
    for draft in drafts:
        assert KEY_SHAPE.fullmatch(draft.record_key), draft.record_key
        for text in personal:
            assert text not in draft.record_key


def test_retain_decision_survives_a_lock(qtbot: Any, window: MainWindow,
                                         stored: tuple[TafStore, int]) -> None:
    queue = window.show_retention()
    assert queue is not None
    queue.table.selectRow(0)
    entry = queue.selected()
    assert entry is not None and entry.reference == "KW-0400"
    dialog = queue.open_retain()
    assert dialog is not None
    _fill(dialog, retain_until="30/09/2025", reason="Child protection plan still open")
    before = _session(window).programme(shipped_policy()).retention_queue(TODAY)
    _lock_by_keyboard(qtbot, window, dialog)

    drafts = _drafts_while_locked(stored)
    assert [(d.form, d.record_key) for d in drafts] == [
        ("retention-retain", f"family:{entry.family_id}/retention-review")]
    _only_keys_with_ids(drafts, "KW-0400", "Holloway")

    _restore(qtbot, window)
    session = _session(window)
    assert session.programme(shipped_policy()).retention_queue(TODAY) == before  # not saved
    queue = window.show_retention()
    assert queue is not None and window.family_tabs.currentWidget() is queue
    restored = queue.dialog
    assert isinstance(restored, FormDialog) and restored.isVisible()
    assert restored.windowTitle() == "Retain the records of KW-0400"
    assert restored.values() == {"retain_until": "30/09/2025",
                                 "reason": "Child protection plan still open"}
    assert restored.try_save()
    review = session.programme(shipped_policy()).retention_queue(TODAY)
    moved = next(e for e in review if e.family_id == entry.family_id)
    assert moved.review_on.isoformat() == "2025-09-30"
    assert "Retained until 30/09/2025" in queue.status.text()


def test_delete_confirmation_survives_a_lock_without_deleting(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    queue = window.show_retention()
    assert queue is not None
    queue.table.selectRow(1)
    entry = queue.selected()
    assert entry is not None
    dialog = queue.open_delete()
    assert dialog is not None
    _fill(dialog, reason="Family moved out of the area; case closed")
    assert dialog.try_save()
    box = queue.box
    assert isinstance(box, QMessageBox) and box.isVisible()  # asked, not yet answered
    families = len(_session(window).family_ids())
    window.lock.lock("test")  # with the confirmation open
    flush_deletes()

    drafts = _drafts_while_locked(stored)
    assert [(d.form, d.record_key, d.payload) for d in drafts] == [
        ("retention-delete", f"family:{entry.family_id}/retention-review",
         {"version": 1, "data": {"reason": "Family moved out of the area; case closed"}})]

    _restore(qtbot, window)
    session = _session(window)
    assert len(session.family_ids()) == families  # the lock answered "keep"
    queue = window.show_retention()
    assert queue is not None
    restored = queue.dialog
    assert isinstance(restored, FormDialog)
    assert restored.values() == {"reason": "Family moved out of the area; case closed"}
    assert restored.try_save()
    box = queue.box  # confirmed again after unlock, never silently
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if "permanently" in b.text()).click()
    assert len(session.family_ids()) == families - 1
    event = session.audit().events(limit=1)[0]
    assert "decision=delete" in event.detail
    assert session.drafts() == []


def test_untouched_retention_form_leaves_no_draft(qtbot: Any, window: MainWindow,
                                                  stored: tuple[TafStore, int]) -> None:
    queue = window.show_retention()
    assert queue is not None
    queue.table.selectRow(0)
    assert queue.open_retain() is not None
    window.lock.lock("test")
    assert _drafts_while_locked(stored) == []
    _unlock(qtbot, window)
    assert window.draft_prompt is None


def test_new_subject_access_request_survives_a_lock(qtbot: Any, window: MainWindow,
                                                    stored: tuple[TafStore, int]) -> None:
    page = window.show_subject_access()
    assert page is not None
    rows = page.model.rowCount()
    dialog = page.open_new()
    _fill(dialog, subject_label="SAR-2025-009", received_on="31/01/2025")
    _lock_by_keyboard(qtbot, window, dialog)

    drafts = _drafts_while_locked(stored)
    assert [(d.form, d.record_key) for d in drafts] == [
        ("subject-access-new", "subject-access:new")]
    _only_keys_with_ids(drafts, "SAR-2025-009")

    _restore(qtbot, window)
    page = window.show_subject_access()
    assert page is not None and page.model.rowCount() == rows  # nothing logged yet
    restored = page.dialog
    assert isinstance(restored, FormDialog) and restored.isVisible()
    assert restored.values() == {"subject_label": "SAR-2025-009", "received_on": "31/01/2025"}
    assert restored.try_save()
    assert page.model.rowCount() == rows + 1
    chosen = page.selected()
    assert chosen is not None and chosen.subject_label == "SAR-2025-009"
    assert chosen.due_on.isoformat() == "2025-02-28"


def test_extending_a_request_survives_a_lock(qtbot: Any, window: MainWindow,
                                             stored: tuple[TafStore, int]) -> None:
    page = window.show_subject_access()
    assert page is not None
    page.select_where(lambda r: r.subject_label == "SAR-2025-002")
    request = page.selected()
    assert request is not None and request.id is not None
    dialog = page.open_extend()
    assert dialog is not None
    _fill(dialog, extended_on="20/03/2025", reason="Records held by three partners")
    window.lock.lock("test")
    drafts = _drafts_while_locked(stored)
    assert [(d.form, d.record_key) for d in drafts] == [
        ("subject-access-extend", f"subject-access:{request.id}")]

    _restore(qtbot, window)
    page = window.show_subject_access()
    assert page is not None
    restored = page.dialog
    assert isinstance(restored, FormDialog)
    assert restored.windowTitle() == "Extend SAR-2025-002"
    assert restored.values()["reason"] == "Records held by three partners"
    assert restored.try_save()
    saved = page.selected()
    assert saved is not None and saved.id == request.id
    assert saved.extended_on is not None and saved.extended_on.isoformat() == "2025-03-20"


def test_new_breach_survives_a_lock(qtbot: Any, window: MainWindow,
                                    stored: tuple[TafStore, int]) -> None:
    page = window.show_breaches()
    assert page is not None
    rows = page.model.rowCount()
    form = page.open_form(None)
    form.category.setCurrentIndex(2)
    category = form.category.currentData()
    form.found.setText("19/03/2025 08:00")
    form.summary.setPlainText("Laptop bag left on a bus; laptop encrypted.")
    form.partners.item(1).setCheckState(Qt.CheckState.Checked)
    partner = form.partners.item(1).data(Qt.ItemDataRole.UserRole + 1)
    form.serious.setChecked(True)
    form.actions_taken.setPlainText("Bus company contacted.")
    form.found.setFocus()
    _lock_by_keyboard(qtbot, window, form)

    drafts = _drafts_while_locked(stored)
    assert [(d.form, d.record_key) for d in drafts] == [("breach-record", "breach:new")]

    _restore(qtbot, window)
    page = window.show_breaches()
    assert page is not None and page.model.rowCount() == rows  # nothing recorded yet
    restored = page.dialog
    assert isinstance(restored, BreachDialog) and restored.isVisible()
    assert restored.category.currentData() == category
    assert restored.found.text() == "19/03/2025 08:00"
    assert restored.summary.toPlainText() == "Laptop bag left on a bus; laptop encrypted."
    assert restored.serious.isChecked()
    assert restored.actions_taken.toPlainText() == "Bus company contacted."
    assert "hours" in restored.clock.text()  # the clock runs again from the restored time
    assert restored.try_save()
    assert page.model.rowCount() == rows + 1
    saved = page.selected()
    assert saved is not None and saved.serious and saved.partners == (partner,)
    assert saved.summary == "Laptop bag left on a bus; laptop encrypted."


def test_editing_a_breach_survives_a_lock(qtbot: Any, window: MainWindow,
                                          stored: tuple[TafStore, int]) -> None:
    page = window.show_breaches()
    assert page is not None
    page.table.selectRow(0)
    breach = page.selected()
    assert breach is not None and breach.id is not None
    form = page.open_form(breach)
    form.outcome.setPlainText("School confirmed deletion in writing.")
    form.closed.setChecked(True)
    window.lock.lock("test")
    drafts = _drafts_while_locked(stored)
    assert [(d.form, d.record_key) for d in drafts] == [("breach-record",
                                                         f"breach:{breach.id}")]
    _only_keys_with_ids(drafts, "wrong school")

    _restore(qtbot, window)
    session = _session(window)
    rights = session.programme(shipped_policy()).rights
    assert rights.breach(breach.id).outcome == breach.outcome  # unchanged until saved
    page = window.show_breaches()
    assert page is not None
    restored = page.dialog
    assert isinstance(restored, BreachDialog)
    assert restored.record_key == f"breach:{breach.id}"
    assert restored.summary.toPlainText() == breach.summary
    assert restored.outcome.toPlainText() == "School confirmed deletion in writing."
    assert restored.closed.isChecked()
    assert restored.try_save()
    after = rights.breach(breach.id)
    assert after.outcome == "School confirmed deletion in writing."
    assert after.closed_at is not None
    assert len(rights.breaches()) == 2  # updated, not added


def test_cancelling_a_restored_form_saves_nothing(qtbot: Any, window: MainWindow,
                                                  stored: tuple[TafStore, int]) -> None:
    page = window.show_breaches()
    assert page is not None
    form = page.open_form(None)
    form.summary.setPlainText("Letter posted to an old address.")
    window.lock.lock("test")
    _restore(qtbot, window)
    page = window.show_breaches()
    assert page is not None and isinstance(page.dialog, BreachDialog)
    page.dialog.reject()
    session = _session(window)
    assert session.drafts() == []
    assert len(session.programme(shipped_policy()).rights.breaches()) == 2
    window.lock.lock("test")
    _unlock(qtbot, window)
    assert window.draft_prompt is None  # not offered again
