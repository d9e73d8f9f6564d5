"""Indicator records, relationships and addresses edited in the family record, by keyboard;
bad entries keep the dialog open and save nothing; an open dialog's input survives a lock."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from keyworker_app.domain.family import RelationshipKind
from keyworker_app.domain.indicators import ConcernKind, Disposal, Provision, Term
from keyworker_app.gui.family_view import FamilyView
from keyworker_app.gui.form_dialog import FormDialog
from tests.gui.conftest import Planted, WindowFactory, flush_deletes, unlock
from tests.gui.test_gui_lock import open_canary

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot: Any, *steps: str | Key | tuple[Key, Qt.KeyboardModifier]) -> None:
    """Type text, press keys or key chords into whatever has the keyboard focus."""
    for step in steps:
        if isinstance(step, str):
            qtbot.keyClicks(focus(), step)
        elif isinstance(step, tuple):
            qtbot.keyClick(focus(), step[0], step[1])
        else:
            qtbot.keyClick(focus(), step)


def open_view(qtbot: Any, window: Any, planted: Planted) -> FamilyView:
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view.tabs.setFocus()
    press(qtbot, (Key.Key_I, ALT))  # the Indicators tab
    assert view.tabs.tabText(view.tabs.currentIndex()) == "&Indicators"
    return view


def open_by_mnemonic(qtbot: Any, view: FamilyView, key: Key) -> FormDialog:
    press(qtbot, (key, ALT))  # a button's mnemonic clicks it after a short animation
    qtbot.waitUntil(lambda: bool(view.dialogs))
    dialog = view.dialogs[-1]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def reactivate(qtbot: Any, view: FamilyView) -> None:
    """Offscreen, closing a dialog does not hand activation back to the main window."""
    window = view.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def saved(view: FamilyView, planted: Planted) -> Any:
    session = view._session
    return session.view_family(planted.family_id)


def test_add_offence_by_keyboard_then_edit_and_remove(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    dialog = open_by_mnemonic(qtbot, view, Key.Key_E)  # Add off&ence…
    assert dialog.windowTitle() == "Add an offence"
    assert focus() is dialog.editors["person_ref"]
    press(qtbot, Key.Key_Down, Key.Key_Tab,  # the first child
          "03/02/2024", Key.Key_Tab,
          Key.Key_Down, Key.Key_Tab,  # community sentence
          "Theft from a shop", Key.Key_Tab,
          "01/03/2024", Key.Key_Return)
    qtbot.waitUntil(lambda: not view.dialogs)
    child = saved(view, planted).member("c1")
    assert [(o.offence_date, o.disposal, o.description, o.disposal_date)
            for o in child.offences] == [(date(2024, 2, 3), Disposal.COMMUNITY_SENTENCE,
                                          "Theft from a shop", date(2024, 3, 1))]
    assert view.offences.model().index(0, 3).data() == "Yes"  # formal: proven
    offence_id = child.offences[0].id

    reactivate(qtbot, view)
    view.offences.setFocus()
    view.offences.setCurrentIndex(view.offences.model().index(0, 0))
    press(qtbot, Key.Key_F2)
    qtbot.waitUntil(lambda: bool(view.dialogs))
    edit = view.dialogs[-1]
    assert edit.windowTitle() == "Edit offence"
    assert edit.editors["description"].text() == "Theft from a shop"
    edit.editors["disposal"].setCurrentIndex(
        edit.editors["disposal"].findData(Disposal.RESTORATIVE_JUSTICE.value))
    assert edit.try_save()
    (offence,) = saved(view, planted).member("c1").offences
    assert offence.id == offence_id and offence.disposal is Disposal.RESTORATIVE_JUSTICE
    assert view.offences.model().index(0, 3).data() == "No"  # informal: not proven

    reactivate(qtbot, view)
    view.offences.setFocus()
    view.offences.setCurrentIndex(view.offences.model().index(0, 0))
    press(qtbot, Key.Key_Delete)
    box = view.editing.confirm
    assert isinstance(box, QMessageBox) and "03/02/2024" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert saved(view, planted).member("c1").offences  # cancelled: kept
    box = view.editing.remove_selected("offence")
    assert box is not None
    next(b for b in box.buttons() if b.text() == "&Remove").click()
    assert saved(view, planted).member("c1").offences == ()
    assert view.offences.model().rowCount() == 0


def test_add_education_term_by_keyboard(qtbot: Any, planted: Planted,
                                        make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    dialog = open_by_mnemonic(qtbot, view, Key.Key_U)  # Add ed&ucation term…
    assert dialog.windowTitle() == "Add an education term"
    press(qtbot, Key.Key_Tab,  # the first child is chosen
          "2023/24", Key.Key_Tab,
          Key.Key_Down, Key.Key_Tab,  # spring
          "2", Key.Key_Tab,
          Key.Key_Tab,  # not permanently excluded
          "12.5", Key.Key_Return)
    qtbot.waitUntil(lambda: not view.dialogs)
    (term,) = saved(view, planted).member("c1").education
    assert (term.academic_year, term.term, term.fixed_exclusions, term.permanent_exclusion,
            term.unauthorised_absence_pct, term.provision) == (
        2023, Term.SPRING, 2, False, 12.5, Provision.MAINSTREAM)
    model = view.education.model()
    assert [model.index(0, c).data() for c in (1, 2, 5)] == ["2023/24", "Spring", "12.5%"]


def test_add_concern_by_keyboard(qtbot: Any, planted: Planted,
                                 make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    dialog = open_by_mnemonic(qtbot, view, Key.Key_N)
    assert dialog.windowTitle() == "Add a concern"
    press(qtbot, *[Key.Key_Down] * 4, Key.Key_Tab,  # domestic abuse
          "05/01/2025", Key.Key_Tab, Key.Key_Tab,  # no end date
          Key.Key_Down, Key.Key_Tab,  # about the parent
          "Reported by the school.", Key.Key_Tab)
    assert focus() is dialog.buttons.button(dialog.buttons.StandardButton.Save)
    press(qtbot, Key.Key_Space)
    qtbot.waitUntil(lambda: not view.dialogs)
    (concern,) = saved(view, planted).concerns
    assert (concern.kind, concern.noted_on, concern.ended_on, concern.person_ref,
            concern.detail) == (ConcernKind.DOMESTIC_ABUSE, date(2025, 1, 5), None, "p1",
                                "Reported by the school.")


def test_every_indicator_control_is_named_and_labelled(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    for key in ("offence", "asb", "education", "benefit", "concern", "relationship"):
        dialog = view.editing.open(key, None)
        for spec_key, editor in dialog.editors.items():
            assert editor.accessibleName(), spec_key
        labels = [w.text() for w in dialog.findChildren(QLabel)]
        mnemonics = [t[t.index("&") + 1].lower() for t in labels if "&" in t]
        assert len(mnemonics) == len(dialog.editors) == len(set(mnemonics)), key
        dialog.reject()
    for buttons in view.editing.buttons.values():
        assert all(b.accessibleName() for b in buttons)


BadEntry = tuple[str, dict[str, str], str, str]
BAD_ENTRIES: list[BadEntry] = [
    ("offence", {"offence_date": "01/01/2099"}, "offence_date", "future"),
    ("offence", {"offence_date": "", "description": "x"}, "offence_date", "Enter a date"),
    ("offence", {"offence_date": "03/02/2024", "disposal_date": "01/02/2024"},
     "disposal_date", "before the offence date"),
    ("asb", {"start_date": "01/06/2024", "end_date": "01/05/2024"}, "end_date", "before"),
    ("education", {"academic_year": "2023/24", "fixed_exclusions": "0",
                   "unauthorised_absence": "150"}, "unauthorised_absence", "0 to 100"),
    ("education", {"academic_year": "2099/00", "fixed_exclusions": "0",
                   "unauthorised_absence": "1"}, "academic_year", "future"),
    ("education", {"academic_year": "2023/25", "fixed_exclusions": "0",
                   "unauthorised_absence": "1"}, "academic_year", "follow"),
    ("benefit", {"from_date": "31/02/2024"}, "from_date", "31/02/2024 is not a date"),
    ("concern", {"noted_on": "05/01/2025", "ended_on": "04/01/2025"}, "ended_on", "before"),
    ("concern", {"kind": "other", "noted_on": "05/01/2025"}, "detail", "Describe"),
]


def test_bad_entries_keep_the_dialog_open_and_save_nothing(
        qtbot: Any, planted: Planted, make_window: WindowFactory,
        store_fingerprint: Callable[[], object]) -> None:
    view = open_view(qtbot, make_window(), planted)
    before = store_fingerprint()
    for key, values, field, message in BAD_ENTRIES:
        dialog = view.editing.open(key, None)
        for name, text in values.items():
            editor = dialog.editors[name]
            if hasattr(editor, "findData"):
                editor.setCurrentIndex(editor.findData(text))
            elif hasattr(editor, "setPlainText"):
                editor.setPlainText(text)
            else:
                editor.setText(text)
        typed = dialog.values()
        assert not dialog.try_save(), (key, field)
        assert dialog.isVisible()
        assert message in dialog.problems[field].text(), (key, field)
        assert dialog.problems[field].isVisible()
        assert dialog.values() == typed  # nothing the worker typed is lost
        dialog.reject()
    assert store_fingerprint() == before


def test_member_must_still_exist(qtbot: Any, planted: Planted,
                                 make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    dialog = view.editing.open("benefit", None)
    dialog.editors["from_date"].setText("01/01/2024")
    # the family changed while the dialog was open: no member has that ref any more
    view.family = dataclasses.replace(
        view.family, members=tuple(p for p in view.family.members if p.ref != "p1"))
    assert not dialog.try_save()
    assert "adult" in dialog.problems["person_ref"].text()


def test_indicator_draft_survives_lock(qtbot: Any, planted: Planted,
                                       make_window: WindowFactory) -> None:
    window = make_window()
    view = open_view(qtbot, window, planted)
    dialog = view.editing.open("education", None)
    dialog.editors["academic_year"].setText("2024/25")
    dialog.editors["fixed_exclusions"].setText("1")
    dialog.editors["unauthorised_absence"].setText("140")  # bad: the dialog stays open
    dialog.editors["provision"].setCurrentIndex(1)
    assert not dialog.try_save()

    window.lock.lock("test")
    flush_deletes()
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, FormDialog) and w.isVisible()]
    unlock(qtbot, window)
    session = window.current_session()
    assert session is not None
    assert session.view_family(planted.family_id).member("c1").education == ()  # not half-saved
    prompt = window.draft_prompt
    assert isinstance(prompt, QMessageBox)
    next(b for b in prompt.buttons() if "Restore" in b.text()).click()
    (restored,) = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, FormDialog) and w.isVisible()]
    assert restored.windowTitle() == "Add an education term"
    assert restored.editors["academic_year"].text() == "2024/25"
    assert restored.editors["unauthorised_absence"].text() == "140"
    assert restored.values()["provision"] == Provision.PRU_AFTER_EXCLUSION.value
    assert session.drafts() == []
    restored.editors["unauthorised_absence"].setText("14")
    assert restored.try_save()
    (term,) = session.view_family(planted.family_id).member("c1").education
    assert term.unauthorised_absence_pct == 14 and term.provision is Provision.PRU_AFTER_EXCLUSION


def test_edit_draft_reopens_the_same_record(qtbot: Any, planted: Planted,
                                            make_window: WindowFactory) -> None:
    window = make_window()
    view = open_view(qtbot, window, planted)
    add = view.editing.open("asb", None)
    add.editors["start_date"].setText("01/06/2024")
    assert add.try_save()
    (record,) = view.family.asb_interventions
    view.asb.setCurrentIndex(view.asb.model().index(0, 0))
    edit = view.editing.edit_selected("asb")
    assert edit is not None and edit.record_key.endswith(f"asb:{record.id}")
    edit.editors["end_date"].setText("01/09/2024")
    window.lock.lock("test")
    unlock(qtbot, window)
    assert window.draft_prompt is not None
    next(b for b in window.draft_prompt.buttons() if "Restore" in b.text()).click()
    (restored,) = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, FormDialog) and w.isVisible()]
    assert restored.windowTitle() == "Edit anti-social behaviour intervention"
    assert restored.try_save()
    session = window.current_session()
    assert session is not None
    (updated,) = session.view_family(planted.family_id).asb_interventions
    assert updated.id == record.id and updated.end_date == date(2024, 9, 1)


def test_relationships_and_address_edit(qtbot: Any, planted: Planted,
                                        make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    dialog = view.editing.open("relationship", None)
    assert not dialog.try_save()  # the same person on both sides
    assert "different member" in dialog.problems["object_ref"].text()
    dialog.editors["object_ref"].setCurrentIndex(1)
    assert dialog.try_save()
    (rel,) = saved(view, planted).relationships
    assert (rel.subject_ref, rel.kind, rel.object_ref) == ("p1", RelationshipKind.PARENT_OF, "c1")
    again = view.editing.open("relationship", None)
    again.editors["object_ref"].setCurrentIndex(1)
    assert not again.try_save() and "already" in again.problems["kind"].text()
    again.reject()
    view.relationships.setCurrentIndex(view.relationships.model().index(0, 0))
    box = view.editing.remove_selected("relationship")
    assert box is not None
    next(b for b in box.buttons() if b.text() == "&Remove").click()
    assert saved(view, planted).relationships == ()

    view.addresses.setCurrentIndex(view.addresses.model().index(0, 0))
    edit = view.editing.edit_selected("address")
    assert edit is not None and edit.editors["postcode"].text() == "BD1 1AA"
    edit.editors["line1"].setText("2 High Street")
    edit.editors["to_date"].setText("01/01/2019")  # before moving in
    assert not edit.try_save() and "before" in edit.problems["to_date"].text()
    edit.editors["to_date"].clear()
    assert edit.try_save()
    (address,) = saved(view, planted).addresses
    assert address.line1 == "2 High Street" and address.is_current


def test_indicator_models_pass_modeltester(qtbot: Any, qtmodeltester: Any, planted: Planted,
                                           make_window: WindowFactory) -> None:
    view = open_view(qtbot, make_window(), planted)
    for key, values in (("offence", {"offence_date": "03/02/2024"}),
                        ("benefit", {"from_date": "01/01/2024"}),
                        ("concern", {"noted_on": "01/01/2024"})):
        dialog = view.editing.open(key, None)
        for name, text in values.items():
            dialog.editors[name].setText(text)  # type: ignore[union-attr]
        assert dialog.try_save()
    for table in (view.offences, view.asb, view.education, view.benefits, view.concerns,
                  view.relationships, view.addresses):
        qtmodeltester.check(table.model())
