"""File → New family (referral): a family typed into the form is saved as one audited record
that the caseload search finds by postcode and by a member's name; a bad entry is refused by
its field and saves nothing; Cancel with changes asks before discarding."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox

from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.new_family_dialog import NewFamilyDialog
from tests.gui.conftest import PASSPHRASE, Planted, WindowFactory, unlock
from tests.gui.screenshot import settle


def _type(dialog: NewFamilyDialog, key: str, text: str) -> None:
    editor = dialog.editors[key]
    if isinstance(editor, QComboBox):
        editor.setCurrentIndex(editor.findData(text))
    else:
        assert isinstance(editor, QLineEdit)
        editor.setText(text)


def _open(qtbot: Any, make_window: WindowFactory) -> tuple[MainWindow, NewFamilyDialog]:
    window = make_window()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: window.current_session() is not None)
    assert window.file_actions.new_family_action.isEnabled()
    window.file_actions.new_family_action.trigger()
    dialog = window.file_actions.new_family_dialog
    assert isinstance(dialog, NewFamilyDialog)
    qtbot.waitUntil(dialog.isVisible)
    return window, dialog


def _fill(dialog: NewFamilyDialog) -> None:
    _type(dialog, "family_name", "Wolstenholme")
    _type(dialog, "address.line1", "14 Orchard Row")
    _type(dialog, "address.town", "Leeds")
    _type(dialog, "address.postcode", "ls6 2qd")
    for key, text in (("given_names", "Morwenna"), ("family_name", "Wolstenholme"),
                      ("date_of_birth", "02/03/1988"), ("household_role", "parent-carer"),
                      ("nhs_number", "943 476 5919")):
        _type(dialog, f"member.0.{key}", text)
    for key, text in (("given_names", "Tobiah"), ("family_name", "Wolstenholme"),
                      ("date_of_birth", "17/09/2014"), ("household_role", "child")):
        _type(dialog, f"member.1.{key}", text)
    dialog.add_rel_button.click()
    _type(dialog, "rel.0.subject_ref", "p1")
    _type(dialog, "rel.0.kind", "parent-of")
    _type(dialog, "rel.0.object_ref", "p2")


def _search(window: MainWindow, text: str) -> list[str]:
    window.caseload.search.setText(text)
    window.caseload.apply_search()
    proxy = window.caseload.proxy
    return [str(proxy.index(r, 0).data()) for r in range(proxy.rowCount())]


def test_a_referral_typed_into_the_form_is_saved_found_and_audited(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window, dialog = _open(qtbot, make_window)
    year = date.today().year
    reference = dialog.editors["reference"]
    assert isinstance(reference, QLineEdit)
    assert reference.text() == f"KW-{year}-001"  # suggested, this year's pattern
    assert reference.placeholderText() == f"e.g. KW-{year}-001"
    _fill(dialog)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.file_actions.new_family_dialog is None)

    view = window.family_views()[-1]  # the new record opens
    assert view.family.reference == f"KW-{year}-001"
    assert [p.display_name for p in view.family.members] == [
        "Morwenna Wolstenholme", "Tobiah Wolstenholme"]
    assert view.family.current_address is not None
    assert view.family.current_address.postcode == "LS6 2QD"
    assert [(r.subject_ref, r.kind.value, r.object_ref)
            for r in view.family.relationships] == [("p1", "parent-of", "p2")]
    assert "added to the caseload" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.caseload.model.rowCount() == 4)  # the change signal
    assert _search(window, "LS6 2") == [f"KW-{year}-001"]
    assert _search(window, "Tobiah") == [f"KW-{year}-001"]

    session = window.current_session()
    assert session is not None
    created = [e for e in session.audit().events(limit=20)  # type: ignore[attr-defined]
               if e.action == "create" and e.object_type == "family"]
    assert [(e.object_id, e.detail) for e in created][0] == (str(view.family_id), "members=2")
    # The next referral is offered the next number.
    assert session.suggest_reference() == f"KW-{year}-002"


def test_a_bad_entry_is_refused_by_its_field_and_nothing_is_saved(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window, dialog = _open(qtbot, make_window)
    session = window.current_session()
    assert session is not None
    before = session.family_ids()
    _fill(dialog)
    _type(dialog, "member.1.date_of_birth", "31/02/2014")
    _type(dialog, "address.postcode", "not a postcode")
    dialog.save_button.click()
    assert dialog.isVisible()
    dob = dialog.problems["member.1.date_of_birth"]
    assert dob.isVisible() and "31/02/2014 is not a date" in dob.text(), dob.text()
    assert "postcode" in dialog.problems["address.postcode"].text().lower()
    assert dialog.focusWidget() is dialog.editors["address.postcode"]  # the first bad field
    assert session.family_ids() == before

    # Another family's reference: refused by the store, the field says why.
    _type(dialog, "member.1.date_of_birth", "17/09/2014")
    _type(dialog, "address.postcode", "LS6 2QD")
    _type(dialog, "reference", "KW-0002")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "already has this reference" in dialog.problems["reference"].text()
    assert session.family_ids() == before
    assert not dialog.problems["address.postcode"].isVisible()


def test_cancel_with_changes_asks_and_an_unchanged_form_just_closes(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window, dialog = _open(qtbot, make_window)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: it closes
    qtbot.waitUntil(lambda: window.file_actions.new_family_dialog is None)

    window.file_actions.new_family_action.trigger()
    dialog = window.file_actions.new_family_dialog
    assert isinstance(dialog, NewFamilyDialog)
    qtbot.waitUntil(dialog.isVisible)
    _type(dialog, "family_name", "Wolstenholme")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Discard changes?"
    keep = next(b for b in box.buttons() if b.text() == "&Keep editing")
    keep.click()
    settle(0.05)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == "&Discard").click()
    qtbot.waitUntil(lambda: window.file_actions.new_family_dialog is None)


def test_a_lock_keeps_the_typing_and_unlock_offers_it_back(
        qtbot: Any, make_window: WindowFactory, planted: Planted) -> None:
    window, dialog = _open(qtbot, make_window)
    _fill(dialog)
    window.lock.lock("test")
    assert window.file_actions.new_family_dialog is None or not dialog.isVisible()
    assert not window.file_actions.new_family_action.isEnabled()
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: window.draft_prompt is not None)
    prompt = window.draft_prompt
    assert prompt is not None
    next(b for b in prompt.buttons() if b.text() == "&Restore").click()
    qtbot.waitUntil(lambda: window.file_actions.new_family_dialog is not None)
    again = window.file_actions.new_family_dialog
    assert again is not None
    assert again.values()["member.1.given_names"] == "Tobiah"
    assert again.values()["rel.0.object_ref"] == "p2"
