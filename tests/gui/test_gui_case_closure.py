"""A family's details are edited from its record; "Close case…" closes it with a reason and a
date and says so; "Reopen case…" asks, reopens and says so; both are in the audit trail."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QMessageBox

from keyworker_app.domain.family import FamilyStatus
from keyworker_app.gui.family_view import FamilyView
from tests.gui.conftest import Planted, WindowFactory, unlock


def _view(qtbot: Any, make_window: WindowFactory, planted: Planted) -> tuple[Any, FamilyView]:
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    view = window.open_family(planted.family_id)
    assert view is not None
    return window, view


def test_details_are_edited_and_a_bad_date_is_refused_by_its_field(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    _window, view = _view(qtbot, make_window, planted)
    dialog = view.open_details_dialog()
    review = dialog.editors["review_due"]
    assert isinstance(review, QLineEdit)
    review.setText("30/02/2026")
    assert not dialog.try_save()
    assert "30/02/2026 is not a date" in dialog.problems["review_due"].text()
    review.setText("15/04/2026")
    worker = dialog.editors["key_worker"]
    assert isinstance(worker, QLineEdit)
    worker.setText("Priya Nandakumar")
    assert dialog.try_save()
    assert view.family.key_worker == "Priya Nandakumar"
    assert "Review due 15/04/2026" in view.details.text()


def test_close_then_reopen_say_what_happened_and_are_audited(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window, view = _view(qtbot, make_window, planted)
    assert view.close_button.text() == "Close case…"
    view.close_button.click()
    form = view.dialogs[-1]
    reason = form.editors["reason"]
    reason.setPlainText("Plan complete; family stepped down to universal services.")  # type: ignore[union-attr]
    assert form.try_save()
    told = view.confirm_box
    assert isinstance(told, QMessageBox) and told.windowTitle() == "Case closed"
    assert "was closed on" in told.text()
    told.close()
    assert view.family.status is FamilyStatus.CLOSED
    assert view.close_button.text() == "Reopen case…"

    view.close_button.click()
    ask = view.confirm_box
    assert isinstance(ask, QMessageBox) and ask.windowTitle() == "Reopen the case?"
    next(b for b in ask.buttons() if b.text() == "&Reopen case").click()
    qtbot.waitUntil(lambda: view.family.status is FamilyStatus.ACTIVE)
    assert view.family.closed_on is None and view.family.closure_reason == ""
    told = view.confirm_box
    assert isinstance(told, QMessageBox) and told.windowTitle() == "Case reopened"
    assert view.close_button.text() == "Close case…"

    session = window.current_session()
    details = [e.detail for e in session.audit().events(limit=30)
               if e.object_type == "family" and e.object_id == str(planted.family_id)
               and e.action == "update"]
    assert details[:2] == ["reopened", "closed"]


def test_escape_on_changed_details_asks_and_on_unchanged_ones_closes(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    from PySide6.QtCore import Qt

    _window, view = _view(qtbot, make_window, planted)
    dialog = view.open_details_dialog()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog not in view.dialogs)
    dialog = view.open_details_dialog()
    worker = dialog.editors["key_worker"]
    assert isinstance(worker, QLineEdit)
    worker.setText("Priya Nandakumar")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Discard changes?"
    next(b for b in box.buttons() if b.text() == "&Keep editing").click()
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.discard_box is not None
    next(b for b in dialog.discard_box.buttons() if b.text() == "&Discard").click()
    qtbot.waitUntil(lambda: dialog not in view.dialogs)
    assert view.family.key_worker == "Sam Worker"
