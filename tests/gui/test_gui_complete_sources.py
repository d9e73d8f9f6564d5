"""After a version 1 import every source is "unknown": the family record offers to complete
them, a form lists each such record with a choice of partner, and saving sets the chosen
sources (audited) and the record then names them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from keyworker_app.domain.audit import AuditAction
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.family_view import FamilyView
from tests.gui.test_gui_sources import POLICE, column, imported

SHOTS = Path("/work/coord/shots/prov13")


def _choose(combo: Any, label: str) -> None:
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText(label))


def test_unknown_sources_are_completed_record_by_record_and_audited(
        qtbot: Any, tmp_path: Path) -> None:
    taf, family_id = imported(tmp_path, 1)
    try:
        view = FamilyView(taf.session, family_id, None, ClipboardGuard(),
                          today=taf.clock.today, policy=taf.policy)
        qtbot.addWidget(view)
        view.resize(1024, 768)
        view.show()
        assert view.sources_button.isVisible()
        assert view.sources_button.focusPolicy() & Qt.FocusPolicy.TabFocus
        dialog = view.open_sources_dialog()
        assert dialog is not None
        qtbot.waitExposed(dialog)
        assert dialog.width() <= 1024 and dialog.height() <= 768
        keys = list(dialog.editors)
        assert len(keys) == 4  # two offences/benefits/terms and the note
        labels = {w.buddy(): w.text() for w in dialog.findChildren(QLabel) if w.buddy()}
        offence_key = next(k for k in keys if ".offences." in k)
        note_key = next(k for k in keys if k.startswith("notes."))
        assert labels[dialog.editors[offence_key]].startswith("Offence: 02/12/2024")
        _choose(dialog.editors[offence_key], POLICE)
        _choose(dialog.editors[note_key], "The family")
        dialog.grab().save(str(SHOTS / "complete_sources.png"))
        assert dialog.try_save()
        qtbot.waitUntil(lambda: not dialog.isVisible())

        assert column(view.offences, "Source") == [POLICE]
        assert column(view.notes, "Source") == ["The family"]
        assert "2 records with source unknown" in view.details.text()
        events = [e for e in taf.session.audit().events(limit=100)
                  if e.action == AuditAction.UPDATE and e.object_id == str(family_id)]
        assert any(e.detail == "sources completed=2" for e in events)

        rest = view.open_sources_dialog()
        assert rest is not None and len(rest.editors) == 2
        for combo in rest.editors.values():
            _choose(combo, "This organisation")
        assert rest.try_save()
        qtbot.waitUntil(lambda: not rest.isVisible())
        assert "source unknown" not in view.details.text()
        assert not view.sources_button.isVisible()
        assert view.open_sources_dialog() is None
    finally:
        taf.session.lock()


def test_cancelling_a_changed_form_asks_before_discarding(qtbot: Any, tmp_path: Path) -> None:
    taf, family_id = imported(tmp_path, 1)
    try:
        view = FamilyView(taf.session, family_id, None, ClipboardGuard(),
                          today=taf.clock.today, policy=taf.policy)
        qtbot.addWidget(view)
        dialog = view.open_sources_dialog()
        assert dialog is not None
        qtbot.waitExposed(dialog)
        _choose(next(iter(dialog.editors.values())), POLICE)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.discard_box is not None
        assert dialog.discard_box.windowTitle() == "Discard changes?"
        assert dialog.isVisible()
    finally:
        taf.session.lock()
