"""A case note opens in full from the contact log, and is amended there: the original text
stays, the amendment says who and why, and the viewer shows both."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit

from keyworker_app.domain.family import CaseNote, ContactKind
from tests.gui.conftest import Planted, WindowFactory, unlock
from tests.gui.samples import OWNER
from tests.gui.test_gui_lock import open_canary

LONG = " ".join(f"Sentence {i} of what Mum said about the mornings." for i in range(60))
SHOTS = os.environ.get("KEYWORKER_SHOTS", "")


def test_long_note_reads_in_full_and_amendment_keeps_the_original(
        qtbot: Any, planted: Planted, make_window: WindowFactory) -> None:
    window = make_window()
    unlock(qtbot, window)
    view = open_canary(qtbot, window, planted)
    family = view.family
    with_long = replace(family, notes=(*family.notes, CaseNote(
        ContactKind.HOME_VISIT, family.notes[0].occurred_at, OWNER.name, LONG)))
    view._save(with_long)
    view.tabs.setCurrentIndex(4)  # the contact log
    row = next(r for r in range(view.notes.model().rowCount())
               if view.notes.model().index(r, 4).data().startswith("Sentence 0"))
    view.notes.selectRow(row)
    viewer = view.open_selected_note()
    assert viewer is not None
    qtbot.waitUntil(viewer.isVisible)
    assert LONG in viewer.text.toPlainText()  # every word, not cut off as in the table
    viewer.amend_button.click()
    qtbot.waitUntil(lambda: bool(view.dialogs))
    dialog = view.dialogs[-1]
    text = dialog.editors["text"]
    reason = dialog.editors["reason"]
    assert isinstance(text, QPlainTextEdit) and isinstance(reason, QPlainTextEdit)
    assert text.toPlainText() == LONG  # starts from what the note says now
    text.setPlainText("Mum said the mornings are easier since the bus changed.")
    reason.setPlainText("Summarised at the family's request")
    assert dialog.try_save()
    shown = viewer.text.toPlainText()
    assert LONG in shown  # the original is kept
    assert "Amendment 1 —" in shown and f"by {OWNER.name}" in shown
    assert "Reason: Summarised at the family's request" in shown
    assert shown.index(LONG) < shown.index("Mum said the mornings are easier")
    stored = view._session.view_family(planted.family_id)
    note = next(n for n in stored.notes if n.summary == LONG)
    assert [a.reason for a in note.amendments] == ["Summarised at the family's request"]
    if SHOTS:
        viewer.resize(1024 * 6 // 10, 480)
        viewer.grab().save(str(Path(SHOTS) / "note_viewer.png"))
        window.resize(1024, 768)
        window.grab().save(str(Path(SHOTS) / "contact_log.png"))
