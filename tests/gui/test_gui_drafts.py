"""Drafts by registry: every kind of form a lock keeps comes back as it was typed; a draft that
no longer fits its form (an old shape, a record since removed) is kept, listed and offered as
text after unlock, never raised or lost, and stays until the user dismisses it; typing in a
meeting editor's row dialog survives a lock with its editor."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from keyworker_app.domain.chronology import FAMILY_DATES, EntryKind
from keyworker_app.domain.taf import Action, Meeting, MeetingType
from keyworker_app.gui.breach_view import BreachDialog
from keyworker_app.gui.draft_kinds import GONE, DraftKinds
from keyworker_app.gui.family_view import FamilyView
from keyworker_app.gui.form_dialog import FormDialog
from keyworker_app.gui.handover_dialogs import SendDialog
from keyworker_app.gui.kept_drafts import KeptDraftsDialog, TypedTextDialog
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.meeting_editor import MeetingEditor
from keyworker_app.gui.new_family_dialog import NewFamilyDialog
from keyworker_app.gui.record_search import RecordSearchDialog
from keyworker_app.gui.secure_export_base import SecureExportDialog
from keyworker_app.gui.subject_access_view import FindPersonDialog
from tests.gui.conftest import flush_deletes, unlock
from tests.gui.programme_samples import NOW
from tests.gui.ui_scan import all_ui_text
from tests.taf_session import PASSPHRASE, TafStore, shipped_policy

SHOTS = Path(os.environ.get("KEYWORKER_SHOTS", "/tmp/keyworker-shots"))


@pytest.fixture
def stored(programme_stored: tuple[TafStore, int]) -> tuple[TafStore, int]:
    return programme_stored


@pytest.fixture
def window(programme_window: MainWindow) -> MainWindow:
    return programme_window


def _session(win: MainWindow) -> Any:
    session = win.current_session()
    assert session is not None
    return session


def _family(win: MainWindow, family_id: int) -> FamilyView:
    view = win.open_family(family_id)
    assert view is not None
    return view


def _stored_drafts(stored: tuple[TafStore, int]) -> list[Any]:
    """The drafts as the store holds them, through a second session while the window is
    locked."""
    session = stored[0].store.unlock(PASSPHRASE)
    try:
        return list(session.drafts())
    finally:
        session.lock()


def _plant_draft(stored: tuple[TafStore, int], form: str, record_key: str,
                 payload: dict[str, Any]) -> None:
    session = stored[0].store.unlock(PASSPHRASE)
    try:
        session.save_draft(form, record_key, payload)
    finally:
        session.lock()


def _visible_dialogs() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()
            and w is not None and hasattr(w, "form")]


def _answer_prompt(win: MainWindow, button: str) -> None:
    prompt = win.draft_prompt
    assert isinstance(prompt, QMessageBox)
    next(b for b in prompt.buttons() if button in b.text()).click()


# -- every kind round-trips --------------------------------------------------------------------
Opener = Callable[[MainWindow, int], QWidget | None]


def _plan_action(win: MainWindow, family_id: int) -> int:
    meetings = _session(win).meetings(shipped_policy())
    saved = meetings.save_meeting(Meeting(
        family_id, MeetingType.INITIAL, NOW.replace(tzinfo=None), chair="Sam Okafor",
        actions=(Action("Book the school meeting", "Sam Okafor", "family",
                        date(2025, 4, 1)),)))
    return saved.actions[0].id or 0


def _action_update(win: MainWindow, family_id: int) -> QWidget | None:
    action_id = _plan_action(win, family_id)
    view = _family(win, family_id)
    assert view.taf is not None
    view.taf.refresh()
    return view.taf.open_action_update(action_id)


def _retention(opener: str) -> Opener:
    def run(win: MainWindow, _fid: int) -> QWidget | None:
        queue = win.show_retention()
        assert queue is not None
        queue.table.selectRow(0)
        dialog: QWidget | None = getattr(queue, opener)()
        return dialog
    return run


def _partner_import(win: MainWindow) -> QWidget | None:
    from keyworker_app.gui.partner_view import PartnerDataView

    page = win.show_partner_data()
    assert isinstance(page, PartnerDataView)
    # A file that is no longer there: the form still reopens with what was chosen.
    return page.open_import("police-offender-lists", {"path": ""}, restored=True)


def _suspension(win: MainWindow) -> QWidget | None:
    from keyworker_app.gui.suspension_view import SuspensionView

    page = win.show_suspensions()
    assert isinstance(page, SuspensionView)
    return page.open_record()


def _subject_access(opener: str) -> Opener:
    def run(win: MainWindow, _fid: int) -> QWidget | None:
        page = win.show_subject_access()
        assert page is not None
        page.select_where(lambda r: r.subject_label == "SAR-2025-002")
        dialog: QWidget | None = getattr(page, opener)()
        return dialog
    return run


def _indicator(key: str) -> Opener:
    def run(win: MainWindow, fid: int) -> QWidget | None:
        view = _family(win, fid)
        record = view.family.addresses[0].id if key == "address" else None
        return view.editing.open(key, record)
    return run


def _taf(open_page: Callable[[Any], QWidget | None]) -> Opener:
    def run(win: MainWindow, fid: int) -> QWidget | None:
        view = _family(win, fid)
        assert view.taf is not None
        return open_page(view.taf)
    return run


def _breach(win: MainWindow, _fid: int) -> QWidget | None:
    page = win.show_breaches()
    assert page is not None
    return page.open_form(None)


def _subject_access_export(win: MainWindow, _fid: int) -> QWidget | None:
    page = win.show_subject_access()
    assert page is not None
    page.select_where(lambda r: r.subject_label == "SAR-2025-001")  # linked to a person
    return page.open_export()


def _breach_export(win: MainWindow, _fid: int) -> QWidget | None:
    page = win.show_breaches()
    assert page is not None
    page.table.selectRow(0)
    return page.open_export()


OPENERS: dict[str, Opener] = {
    "person": lambda win, fid: _family(win, fid).open_person_dialog(None),
    "address": lambda win, fid: _family(win, fid).open_address_dialog(),
    "case-note": lambda win, fid: _family(win, fid).open_note_dialog(),
    "close-family": lambda win, fid: _family(win, fid).open_close_dialog(),
    "sources-complete": lambda win, fid: _family(win, fid).open_sources_dialog(),
    "family-details": lambda win, fid: _family(win, fid).open_details_dialog(),
    "case-note-amend": lambda win, fid: _family(win, fid).open_amend_dialog(
        _family(win, fid).family.notes[0].id or 0),
    "chronology-significance": lambda win, fid: _family(win, fid).open_significance_dialog(
        (EntryKind.ALLOCATION, FAMILY_DATES)),
    "offence": _indicator("offence"),
    "asb": _indicator("asb"),
    "education-term": _indicator("education"),
    "benefit-spell": _indicator("benefit"),
    "concern": _indicator("concern"),
    "relationship": _indicator("relationship"),
    "address-edit": _indicator("address"),
    "taf-meeting": _taf(lambda taf: taf.open_meeting(None)),
    "taf-consent": _taf(lambda taf: taf.open_consent_dialog()),
    "taf-shared": _taf(lambda taf: taf.open_shared_dialog()),
    "taf-action-update": _action_update,
    "retention-retain": _retention("open_retain"),
    "retention-delete": _retention("open_delete"),
    "subject-access-new": _subject_access("open_new"),
    "subject-access-extend": _subject_access("open_extend"),
    "subject-access-complete": _subject_access("open_complete"),
    "subject-access-find": _subject_access("open_find"),
    "breach-record": _breach,
    "export-family-report": lambda win, fid: _family(win, fid).open_export_dialog(),
    "export-subject-access": _subject_access_export,
    "export-breach-record": _breach_export,
    "export-pbr-claim": lambda win, _fid: win.export_claim(),
    "new-family": lambda win, _fid: win.new_family(),
    "suspension-record": lambda win, _fid: _suspension(win),
    "record-search": lambda win, _fid: win.search_records(),
    "partner-import": lambda win, _fid: _partner_import(win),
    "handover-send": lambda win, _fid: win.send_bundle("copy"),
}
PASSWORD = "correct horse battery staple"


def test_every_registered_kind_has_a_round_trip_below() -> None:
    assert set(OPENERS) == DraftKinds().forms()


def _type_into(dialog: QWidget, form: str) -> Any:
    """Type a recognisable text into every box of ``dialog``; returns what it now holds."""
    if isinstance(dialog, MeetingEditor):
        dialog.venue.setText("Typed venue, Room 4")
        dialog.worries.setPlainText("Typed worry about mornings.")
        return dialog.texts()
    if isinstance(dialog, FindPersonDialog | RecordSearchDialog):
        dialog.query.setText("Jordan Fair")
        return dialog.query.text()
    if isinstance(dialog, SecureExportDialog):
        dialog.to_email.setChecked(True)
        dialog.address.setText("duty.team@example.org")
        dialog.path.setText(str(Path.home() / "typed-export-name.pdf"))
        dialog.password.setText(PASSWORD)
        dialog.password_again.setText(PASSWORD)
        return dialog.draft_state()
    if isinstance(dialog, SendDialog):
        first = dialog.families.item(0)
        first.setCheckState(first.checkState().Checked)
        dialog.file.setText(str(Path.home() / "typed-bundle.kwbundle"))
        dialog.disclosure.setVisible(True)  # as after an ISA §5 refusal
        dialog.disclosure.reference.setText("POL/2025/typed")
        dialog.disclosure.day.setText("06/03/2025")
        return dialog.draft_state()
    if isinstance(dialog, BreachDialog):
        dialog.summary.setPlainText("Typed summary of the breach.")
        dialog.outcome.setPlainText("Typed outcome.")
        dialog.told_whom.setPlainText("Typed governance post.")
        dialog.learning.setPlainText("Typed learning.")
        dialog.police.setChecked(True)
        return dialog.state()
    assert isinstance(dialog, FormDialog | NewFamilyDialog), form
    for key, editor in dialog.editors.items():
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.count() - 1)
        elif isinstance(editor, QLineEdit):
            editor.setText(f"typed {key} in {form}")
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(f"typed {key} in {form}\nsecond line")
    return dialog.values()


def _holds(dialog: QWidget) -> Any:
    if isinstance(dialog, MeetingEditor):
        return dialog.texts()
    if isinstance(dialog, BreachDialog):
        return dialog.state()
    if isinstance(dialog, SendDialog):
        return dialog.draft_state()
    if isinstance(dialog, FindPersonDialog | RecordSearchDialog):
        return dialog.query.text()
    if isinstance(dialog, SecureExportDialog):
        assert dialog.password.text() == ""  # never kept: typed again after the lock
        return dialog.draft_state()
    assert isinstance(dialog, FormDialog | NewFamilyDialog)
    return dialog.values()


@pytest.mark.parametrize("form", sorted(OPENERS))
def test_each_registered_kind_round_trips_through_a_lock(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int], form: str) -> None:
    dialog = OPENERS[form](window, stored[1])
    assert dialog is not None and dialog.isVisible()
    typed = _type_into(dialog, form)
    window.lock.lock("test")
    flush_deletes()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert "typed" not in all_ui_text().lower()  # the lock still hides everything

    drafts = _stored_drafts(stored)
    assert [(d.form, d.payload["version"]) for d in drafts] == [
        (form, 2 if form in ("taf-meeting", "breach-record") else 1)]
    assert PASSWORD not in json.dumps(drafts[0].payload)

    unlock(qtbot, window, PASSPHRASE)
    _answer_prompt(window, "Restore")
    back = [d for d in _visible_dialogs() if getattr(d, "form", None) == form]
    assert len(back) == 1
    assert _holds(back[0]) == typed
    assert window.kept_dialog is None  # nothing set aside
    assert _session(window).drafts() == []  # handed to the form


# -- a draft of an old shape --------------------------------------------------------------------
def _old_meeting_draft(family_id: int) -> tuple[str, str, dict[str, Any]]:
    """What an earlier release stored for a meeting: the whole state as JSON text, with a
    decision row of a shape the meeting record no longer has (an owner on a decision)."""
    state = {"kind": "review", "held_at": "18/03/2025 10:00", "venue": "Children's centre",
             "chair": "Sam Okafor", "next_review": "", "child_voice": "I want my own room.",
             "strengths": "", "worries": "", "needs": "",
             "attendees": [], "members": [], "actions": [], "shared": [],
             "decisions": [{"text": "Key worker leads the plan.", "owner": "Sam Okafor",
                            "id": None}]}
    return "taf-meeting", f"family:{family_id}/meeting:new", {"state": json.dumps(state)}


def test_old_shape_draft_is_offered_as_text_and_stays_until_dismissed(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    window.lock.lock("test")
    _plant_draft(stored, *_old_meeting_draft(stored[1]))

    unlock(qtbot, window, PASSPHRASE)  # no TypeError, no crash dialog
    assert window.draft_prompt is None  # nothing that could be restored
    kept = window.kept_dialog
    assert isinstance(kept, KeptDraftsDialog) and kept.isVisible()
    assert [e.heading for e in kept.entries] == ["TAF meeting record — family KW-0301"]
    assert "no longer fits" in kept.reason.text()
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, MeetingEditor) and w.isVisible()]

    shown = kept.show_typed()
    assert isinstance(shown, TypedTextDialog) and shown.isVisible()
    text = shown.text.toPlainText()
    for typed in ("Children's centre", "I want my own room.", "Key worker leads the plan.",
                  "18/03/2025 10:00"):
        assert typed in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert shown.grab().save(str(SHOTS / "show-what-was-typed.png"))
    assert kept.grab().save(str(SHOTS / "unsaved-work-kept.png"))
    shown.copy_button.click()
    assert "Key worker leads the plan." in QApplication.clipboard().text()

    window.lock.lock("test")  # with the text on screen: it goes like everything else
    flush_deletes()
    assert "Key worker leads" not in all_ui_text()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window]
    assert len(_stored_drafts(stored)) == 1  # kept through the lock

    unlock(qtbot, window, PASSPHRASE)
    kept = window.kept_dialog
    assert isinstance(kept, KeptDraftsDialog) and len(kept.entries) == 1  # offered again
    kept.close_button.click()
    assert len(_session(window).drafts()) == 1  # closing keeps it
    kept = window.show_kept_drafts()  # File → Unsaved work kept…
    assert kept is not None and len(kept.entries) == 1

    box = kept.ask_dismiss()
    assert box is not None
    next(b for b in box.buttons() if "Cancel" in b.text()).click()
    assert len(_session(window).drafts()) == 1  # not without saying so
    box = kept.ask_dismiss()
    assert box is not None
    next(b for b in box.buttons() if "Dismiss" in b.text()).click()
    assert _session(window).drafts() == []
    assert not kept.isVisible()
    window.lock.lock("test")
    unlock(qtbot, window, PASSPHRASE)
    assert window.draft_prompt is None and window.kept_dialog is None


def test_kept_draft_is_not_replaced_by_the_next_draft_of_its_form(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    window.lock.lock("test")
    _plant_draft(stored, *_old_meeting_draft(stored[1]))
    unlock(qtbot, window, PASSPHRASE)
    assert window.kept_dialog is not None
    window.kept_dialog.close_button.click()
    view = _family(window, stored[1])
    assert view.taf is not None
    editor = view.taf.open_meeting(None)  # the same form and record as the kept draft
    assert editor is not None
    editor.venue.setText("Family hub")
    window.lock.lock("test")
    assert sorted(d.form for d in _stored_drafts(stored)) == ["taf-meeting", "taf-meeting"]
    unlock(qtbot, window, PASSPHRASE)
    _answer_prompt(window, "Restore")
    restored = [w for w in QApplication.topLevelWidgets()
                if isinstance(w, MeetingEditor) and w.isVisible()]
    assert [e.venue.text() for e in restored] == ["Family hub"]
    kept = window.kept_dialog
    assert kept is not None and len(kept.entries) == 1
    assert kept.show_typed() is not None
    assert kept.text_dialog is not None
    assert "Key worker leads the plan." in kept.text_dialog.text.toPlainText()


def test_draft_whose_record_is_gone_is_kept_not_discarded(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    window.lock.lock("test")
    _plant_draft(stored, "subject-access-extend", "subject-access:9999",
                 {"version": 1, "data": {"extended_on": "20/03/2025",
                                         "reason": "Records held by three partners"}})
    unlock(qtbot, window, PASSPHRASE)
    _answer_prompt(window, "Restore")  # it fits its form, so it is tried
    kept = window.kept_dialog
    assert isinstance(kept, KeptDraftsDialog)
    assert [e.heading for e in kept.entries] == ["Extending a subject access request"]
    assert kept.reason.text() == GONE
    assert "Records held by three partners" in kept.entries[0].text
    drafts = _session(window).drafts()
    assert len(drafts) == 1 and drafts[0].payload["data"]["reason"] == (
        "Records held by three partners")


def test_draft_with_a_field_the_form_no_longer_has_is_kept(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    window.lock.lock("test")
    _plant_draft(stored, "case-note", f"family:{stored[1]}/note:new",
                 {"summary": "Called the school.", "mood": "Calm"})  # version 0, old field
    unlock(qtbot, window, PASSPHRASE)
    _answer_prompt(window, "Restore")
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, FormDialog) and w.isVisible()]
    kept = window.kept_dialog
    assert isinstance(kept, KeptDraftsDialog)
    assert "field this form no longer has" in kept.reason.text()
    assert "Calm" in kept.entries[0].text and "Called the school." in kept.entries[0].text


# -- a meeting's row dialogs --------------------------------------------------------------------
def test_meeting_row_dialog_typing_survives_a_lock(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    view = _family(window, stored[1])
    assert view.taf is not None
    editor = view.taf.open_meeting(None)
    assert editor is not None
    editor.venue.setText("Children's centre")
    row = editor.add_action()
    row.editors["what"].setText("Ask the GP about a sleep referral")
    row.editors["due"].setText("31/03/2025")
    typed = row.values()
    window.lock.lock("test")
    flush_deletes()
    assert "sleep referral" not in all_ui_text()

    unlock(qtbot, window, PASSPHRASE)
    _answer_prompt(window, "Restore")
    editors = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, MeetingEditor) and w.isVisible()]
    assert len(editors) == 1 and editors[0].venue.text() == "Children's centre"
    reopened = editors[0].open_part
    assert reopened is not None and reopened[0] == "actions"
    dialog = reopened[1]
    assert dialog.isVisible() and dialog.parent() is editors[0]
    assert dialog.values() == typed
    dialog.editors["owner"].setText("Sam Okafor")
    assert dialog.try_save()
    assert [a.what for a in editors[0].rows["actions"]] == ["Ask the GP about a sleep referral"]
    assert editors[0].try_save()
    saved = _session(window).meetings(shipped_policy()).meetings_of_family(stored[1])
    assert [a.what for a in saved[-1].actions] == ["Ask the GP about a sleep referral"]
    assert _session(window).drafts() == []


def test_addendum_typing_on_a_finalised_meeting_survives_a_lock(
        qtbot: Any, window: MainWindow, stored: tuple[TafStore, int]) -> None:
    meetings = _session(window).meetings(shipped_policy())
    saved = meetings.save_meeting(Meeting(stored[1], MeetingType.INITIAL,
                                          NOW.replace(tzinfo=None), chair="Sam Okafor"))
    assert saved.id is not None
    meetings.finalise_meeting(saved.id)
    view = _family(window, stored[1])
    assert view.taf is not None
    editor = view.taf.open_meeting(saved.id)
    assert editor is not None and editor.read_only
    addendum = editor.add_addendum()
    assert addendum is not None
    addendum.editors["text"].setPlainText("The venue was the family hub, not the school.")
    window.lock.lock("test")
    unlock(qtbot, window, PASSPHRASE)
    _answer_prompt(window, "Restore")
    editors = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, MeetingEditor) and w.isVisible()]
    assert len(editors) == 1 and editors[0].read_only
    reopened = editors[0].open_part
    assert reopened is not None and reopened[0] == "addendum"
    assert reopened[1].values() == {"text": "The venue was the family hub, not the school."}
    assert reopened[1].try_save()
    record = _session(window).meetings(shipped_policy()).view_meeting(saved.id)
    assert [a.text for a in record.addenda] == ["The venue was the family hub, not the school."]


class _BrokenHost:
    """A main window whose screens fail to open, as a bug would make them."""

    def open_family(self, family_id: int) -> Any:
        raise RuntimeError("screen failed")

    def show_retention(self) -> Any:
        raise KeyError("queue")

    def show_subject_access(self) -> Any:
        return None

    def show_breaches(self) -> Any:
        return None

    def export_claim(self, file_format: str = "pdf", draft: Any = None) -> Any:
        return None


def test_a_form_that_fails_to_reopen_is_reported_never_raised(
        caplog: pytest.LogCaptureFixture) -> None:
    from keyworker_app.domain.draft import Draft

    kinds = DraftKinds()
    note = Draft(1, "case-note", "family:3/note:new",
                 kinds.encode("case-note", {"summary": "Visited Quillfeather at home"}), NOW)
    assert kinds.problem(note) is None  # it fits: worth trying
    assert kinds.reopen(_BrokenHost(), note) == "The form could not be opened again."
    assert "Quillfeather" not in caplog.text and "RuntimeError" in caplog.text
    retain = Draft(2, "retention-retain", "family:3/retention-review",
                   kinds.encode("retention-retain", {"reason": "x"}), NOW)
    assert kinds.reopen(_BrokenHost(), retain) == "The form could not be opened again."
    breach = Draft(3, "breach-record", "breach:7", kinds.encode("breach-record", {}), NOW)
    assert kinds.reopen(_BrokenHost(), breach) == GONE  # its page could not show it
    unknown = Draft(4, "a-form-from-later", "family:3/x", {"version": 9, "data": {}}, NOW)
    assert kinds.problem(unknown) == "This version of the app has no such form."
    assert kinds.reopen(_BrokenHost(), unknown) == kinds.problem(unknown)
    newer = Draft(5, "case-note", "family:3/note:new", {"version": 9, "data": {}}, NOW)
    assert kinds.problem(newer) == "It was saved by a different version of this form."
