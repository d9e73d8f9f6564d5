"""An indicator record's form chooses its source and data controller from the agreement
(never typed), and editing a record keeps the source it came with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from keyworker_app.domain.provenance import OTHER_NAMED, Source
from keyworker_app.domain.source_completion import records_to_complete
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.family_view import FamilyView
from tests.gui.samples import sample_family
from tests.gui.test_gui_sources import POLICE, column
from tests.taf_session import TafStore, open_taf_store
from tests.unit.domain.criteria_cases import offence


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def _view(qtbot: Any, taf: TafStore) -> FamilyView:
    family = sample_family("KW-0500", "Ashworth")
    first = replace(family.members[0], offences=(
        replace(offence(date(2024, 10, 1)), source=Source("leicestershire-police")),))
    saved = taf.session.add_family(replace(family, members=(first, *family.members[1:])))
    assert saved.id is not None
    view = FamilyView(taf.session, saved.id, None, ClipboardGuard(), today=taf.clock.today,
                      policy=taf.policy)
    qtbot.addWidget(view)
    return view


def _choose(combo: Any, data: str) -> None:
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(data))


def test_editing_an_offence_keeps_its_source(qtbot: Any, taf: TafStore) -> None:
    view = _view(qtbot, taf)
    offence_id = view.family.members[0].offences[0].id
    dialog = view.editing.open("offence", offence_id)
    source = dialog.editors["source"]
    assert isinstance(source, QComboBox) and source.currentText() == POLICE
    description = dialog.editors["description"]
    assert isinstance(description, QLineEdit)
    description.setText("Theft from a shop")
    assert dialog.try_save()
    assert column(view.offences, "Source") == [POLICE]
    stored = taf.session.families().get(view.family_id).members[0].offences[0]
    assert stored.source == Source("leicestershire-police")
    assert stored.description == "Theft from a shop"


def test_a_new_record_takes_a_partner_and_a_named_controller(
        qtbot: Any, taf: TafStore) -> None:
    view = _view(qtbot, taf)
    dialog = view.editing.open("concern", None)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.buddy()]
    letters = [t[t.index("&") + 1].lower() for t in labels if "&" in t]
    assert len(letters) == len(set(letters))  # no Alt+letter twice in the form
    assert dialog.editors["source"].focusPolicy() & Qt.FocusPolicy.TabFocus
    editors = dialog.editors
    for key, editor in editors.items():
        if isinstance(editor, QLineEdit) and key in ("noted_on",):
            editor.setText("01/03/2025")
    detail = editors.get("detail")
    if detail is not None and hasattr(detail, "setPlainText"):
        detail.setPlainText("Rent arrears")
    elif isinstance(detail, QLineEdit):
        detail.setText("Rent arrears")
    _choose(editors["source"], "the-family")
    _choose(editors["controller"], OTHER_NAMED)
    assert not dialog.try_save()  # an "other" controller needs its name
    assert not dialog.problems["controller_name"].isHidden()
    name = editors["controller_name"]
    assert isinstance(name, QLineEdit)
    name.setText("Riverside Housing Association")
    assert dialog.try_save(), [p.text() for p in dialog.problems.values() if p.text()]
    [concern] = [c for c in taf.session.families().get(view.family_id).concerns
                 if c.detail == "Rent arrears"]
    assert concern.source == Source("the-family", OTHER_NAMED,
                                    "Riverside Housing Association")
    assert column(view.concerns, "Source")[-1] == (
        "The family (data controller: Riverside Housing Association)")


@pytest.mark.parametrize("key", ["offence", "asb", "education", "benefit", "concern"])
def test_each_record_form_offers_the_source_fits_the_screen_and_no_letter_clashes(
        qtbot: Any, taf: TafStore, key: str) -> None:
    view = _view(qtbot, taf)
    dialog = view.editing.open(key, None)
    qtbot.waitExposed(dialog)
    assert {"source", "controller", "controller_name"} <= set(dialog.editors)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.buddy()]
    letters = [t[t.index("&") + 1].lower() for t in labels if "&" in t]
    assert len(letters) == len(set(letters)), labels
    assert dialog.width() <= 1024 and dialog.height() <= 768
    if key == "education":
        dialog.grab().save("/work/coord/shots/prov13/education_form_source.png")
    dialog.reject()


def test_a_note_the_worker_types_comes_from_this_organisation(
        qtbot: Any, taf: TafStore) -> None:
    view = _view(qtbot, taf)
    before = len(view.family.notes)
    dialog = view.open_note_dialog()
    summary = dialog.editors["summary"]
    if isinstance(summary, QLineEdit):
        summary.setText("Called mum about the school run")
    else:
        summary.setPlainText("Called mum about the school run")  # type: ignore[union-attr]
    occurred = dialog.editors["occurred_at"]
    assert isinstance(occurred, QLineEdit)
    occurred.setText("03/03/2025 10:00")
    assert dialog.try_save(), [p.text() for p in dialog.problems.values() if p.text()]
    notes = taf.session.families().get(view.family_id).notes
    assert len(notes) == before + 1
    [new] = [n for n in notes if n.summary == "Called mum about the school run"]
    assert new.source == Source("this-organisation")
    listed = records_to_complete(taf.session.families().get(view.family_id))
    assert not any(r.key == f"notes.{notes.index(new)}" for r in listed)


def test_the_sharing_tab_shows_each_items_exchange_with_its_frequency_and_method(
        qtbot: Any, taf: TafStore) -> None:
    from keyworker_app.domain.taf import OUTSIDE_EXCHANGES
    from tests.unit.services.test_meetings import police_item

    meetings = taf.session.meetings(taf.policy)
    basis = {"lawful_basis": "cda-1998-s115", "basis_reason": "Risk of harm."}
    meetings.record_shared_item(taf.family_id, police_item(**basis))
    meetings.record_shared_item(taf.family_id, police_item(
        exchange=OUTSIDE_EXCHANGES, outside_reason="Told at a strategy meeting",
        outside_confirmed=True, summary="Outside item", **basis))
    view = FamilyView(taf.session, taf.family_id, None, ClipboardGuard(),
                      today=taf.clock.today, policy=taf.policy)
    qtbot.addWidget(view)
    assert view.taf is not None
    row = next(i for i, x in enumerate(taf.policy.exchanges, 1)
               if x.id == "police-allocated-families")
    agreed = taf.policy.exchanges[row - 1]
    assert sorted(column(view.taf.shared_table, "Exchange")) == sorted([
        f"Appendix B row {row} ({agreed.frequency}; {agreed.method})",
        "Outside the agreed exchanges"])
