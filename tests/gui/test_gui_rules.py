"""The family record's forms refuse the invalid family's three broken rules with the domain's
own messages, next to the field at fault, and save nothing (acceptance: one rule set, the form
path)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.family_rules import family_problems
from keyworker_app.gui.form_dialog import FormDialog
from tests.gui.conftest import Planted, WindowFactory, unlock
from tests.gui.test_gui_lock import open_canary
from tests.rule_samples import BROKEN, invalid_family


def refused(dialog: FormDialog, field: str) -> str:
    typed = dialog.values()
    assert not dialog.try_save()
    assert dialog.isVisible() and dialog.problems[field].isVisible()
    assert dialog.values() == typed  # nothing typed is lost
    return dialog.problems[field].text()


def test_the_forms_refuse_what_the_domain_refuses(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    today = date.today()  # the window's day
    expected = {p.path: p.message for p in family_problems(invalid_family(today), today)}
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    session = window.current_session()
    assert session is not None

    # The same relationship twice.
    first = view.editing.open("relationship", None)
    first.editors["object_ref"].setCurrentIndex(1)  # Alex, parent of Child1
    assert first.try_save()
    again = view.editing.open("relationship", None)
    again.editors["object_ref"].setCurrentIndex(1)
    assert refused(again, "kind") == expected[BROKEN[1]]
    again.reject()

    # Two current addresses: a move, then the old address opened again without its end.
    move = view.open_address_dialog({"line1": "9 New Road", "town": "Leeds",
                                     "postcode": "LS2 7AB", "from_date": "01/06/2024"})
    assert move.try_save()
    old = view.family.addresses[0]
    assert old.to_date == date(2024, 6, 1)
    edit = view.editing.open("address", old.id)
    edit.editors["to_date"].clear()
    assert refused(edit, "to_date") == expected[BROKEN[0]]
    edit.reject()

    # A case note dated in the future.
    before = session.view_family(planted.family_id)
    note = view.open_note_dialog()
    note.editors["occurred_at"].setText(f"{format_date(today + timedelta(days=30))} 10:00")
    note.editors["summary"].setPlainText("Call booked for next month.")
    assert refused(note, "occurred_at") == expected[BROKEN[2]]
    note.editors["occurred_at"].setText(f"{format_date(today)} 00:01")
    assert note.try_save()

    after = session.view_family(planted.family_id)
    assert len(after.relationships) == 1 and [a.is_current for a in after.addresses] == [
        False, True]
    assert after.notes[:-1] == before.notes and len(after.notes) == len(before.notes) + 1
    assert family_problems(after, today) == []


def test_an_impossible_date_in_a_form_says_so(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    note = view.open_note_dialog()
    note.editors["occurred_at"].setText("31/02/2026 10:00")
    note.editors["summary"].setPlainText("Visit.")
    assert refused(note, "occurred_at") == "31/02/2026 is not a date."
    note.reject()
