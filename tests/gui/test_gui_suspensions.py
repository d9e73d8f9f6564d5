"""Programme → Suspensions of the agreement: the list says what is in force, until when and
when the meeting is due; lifting one ends it at once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.gui.suspension_view import SuspensionView
from keyworker_app.services.suspensions import SuspensionService
from tests.taf_session import TafStore, open_taf_store


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def test_list_shows_in_force_and_lift_ends_it(qtbot: Any, taf: TafStore) -> None:
    service = SuspensionService(taf.session.connection, taf.session.audit, taf.clock,
                                Actor("Lee Lead", Role.TEAM_LEAD, "Leicester City Council"),
                                taf.policy)
    saved = service.record("leicestershire-police", date(2025, 3, 10), "IG-2025-014")
    service.record("leicester-city", date(2024, 1, 2), "IG-2024-001")
    view = SuspensionView(service)
    qtbot.addWidget(view)
    view.resize(1024, 768)
    view.show()
    cells = [[view.model.index(r, c).data() for c in range(view.model.columnCount())]
             for r in range(view.model.rowCount())]
    assert cells[0][:5] == ["Leicestershire Police", "In force", "10/03/2025", "24/04/2025",
                            "24/03/2025"]
    assert cells[1][1] == "Ended"
    assert "Leicestershire Police until 24/04/2025" in view.summary.text()
    assert view.table.accessibleName() == "Suspensions of the agreement"
    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        view.grab().save(str(Path(shots) / "suspensions.png"))
    assert saved.id is not None
    view.lift(saved.id)
    assert view.model.index(0, 1).data() == "Ended"
    assert view.summary.text() == "No suspension is in force."


def test_today_shows_the_suspension_and_its_meeting(qtbot: Any, taf: TafStore) -> None:
    from keyworker_app.gui.today_view import TodayView

    service = SuspensionService(taf.session.connection, taf.session.audit, taf.clock,
                                Actor("Lee Lead", Role.TEAM_LEAD, "Leicester City Council"),
                                taf.policy)
    service.record("leicestershire-police", date(2025, 3, 10), "IG-2025-014")
    day = [date(2025, 3, 12)]
    today = TodayView(taf.session.meetings(taf.policy), lambda: day[0])
    qtbot.addWidget(today)
    today.resize(1024, 768)
    today.show()
    text = today.suspension_label.text()
    assert "Suspended: Leicestershire Police until 24/04/2025" in text
    assert "meeting is due by 24/03/2025" in text
    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        today.grab().save(str(Path(shots) / "today-suspended.png"))
    day[0] = date(2025, 3, 25)
    today.refresh()
    assert "overdue since 24/03/2025" in today.suspension_label.text()
    day[0] = date(2025, 4, 24)
    today.refresh()
    assert today.suspension_label.isHidden()


def _service(taf: TafStore, role: Role) -> SuspensionService:
    return SuspensionService(taf.session.connection, taf.session.audit, taf.clock,
                             Actor("Lee Lead", role, "Leicester City Council"), taf.policy)


def test_a_team_lead_records_a_suspension_from_the_list(qtbot: Any, taf: TafStore) -> None:
    view = SuspensionView(_service(taf, Role.TEAM_LEAD))
    qtbot.addWidget(view)
    view.resize(1024, 768)
    view.show()
    assert view.record_button.isEnabled()
    dialog = view.open_record()
    partner = dialog.editors["partner"]
    assert isinstance(partner, QComboBox)
    names = [partner.itemText(i) for i in range(partner.count())]
    assert names[0] == "The whole agreement" and "Leicestershire Police" in names
    partner.setCurrentIndex(names.index("Leicestershire Police"))
    start = dialog.editors["starts_on"]
    evidence = dialog.editors["evidence"]
    assert isinstance(start, QLineEdit) and isinstance(evidence, QLineEdit)
    start.setText("31/02/2025")
    evidence.setText("IG-2025-014")
    assert not dialog.try_save()
    assert dialog.problems["starts_on"].isVisible()
    start.setText("10/03/2025")
    shots = os.environ.get("KEYWORKER_SHOTS")
    if shots:
        dialog.grab().save(str(Path(shots) / "record-suspension.png"))
    assert dialog.try_save()
    assert view.model.index(0, 0).data() == "Leicestershire Police"
    assert view.model.index(0, 2).data() == "10/03/2025"
    assert view.model.index(0, 5).data() == "IG-2025-014"
    assert "Leicestershire Police until 24/04/2025" in view.summary.text()


def test_an_empty_evidence_reference_is_refused_beside_the_field(
        qtbot: Any, taf: TafStore) -> None:
    view = SuspensionView(_service(taf, Role.TEAM_LEAD))
    qtbot.addWidget(view)
    dialog = view.open_record()
    assert not dialog.try_save()
    assert "evidence" in dialog.problems["evidence"].text()
    assert view.model.rowCount() == 0


def test_cancel_after_typing_asks_before_discarding(qtbot: Any, taf: TafStore) -> None:
    view = SuspensionView(_service(taf, Role.TEAM_LEAD))
    qtbot.addWidget(view)
    view.show()
    dialog = view.open_record()
    evidence = dialog.editors["evidence"]
    assert isinstance(evidence, QLineEdit)
    evidence.setText("IG-2025-014")
    dialog.reject()
    assert dialog.isVisible()
    assert dialog.discard_box is not None and dialog.discard_box.isVisible()
    assert dialog.discard_box.windowTitle() == "Discard changes?"


def test_a_key_workers_store_greys_out_recording_and_says_who_can(
        qtbot: Any, taf: TafStore) -> None:
    view = SuspensionView(_service(taf, Role.KEY_WORKER))
    qtbot.addWidget(view)
    assert not view.record_button.isEnabled()
    assert view.record_button.toolTip() == ("Only a team lead can record or lift a suspension "
                                            "of the agreement.")
    assert not view.lift_button.isEnabled()
