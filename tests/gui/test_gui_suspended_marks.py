"""While the agreement is suspended for a partner (ISA §15), its information is marked
"(suspended)" wherever it is shown: the family record's indicator tabs with a banner, the
shared information, the chronology and the reports; after 45 days the marks go by themselves."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from keyworker_app.domain.audit import Actor, Role
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.provenance import Source
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.family_view import FamilyView
from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
from keyworker_app.services.suspensions import SuspensionService
from tests.gui.samples import sample_family
from tests.gui.test_gui_sources import column
from tests.taf_session import TafStore, open_taf_store
from tests.unit.domain.criteria_cases import offence
from tests.unit.services.test_meetings import police_item

POLICE = "Leicestershire Police"
MARKED = "Leicestershire Police (suspended)"
START = date(2025, 3, 10)
SHOTS = Path("/work/coord/shots/prov13")


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def _police_family(taf: TafStore) -> int:
    family = sample_family("KW-0300", "Ashworth")
    first = replace(family.members[0], offences=(
        replace(offence(date(2024, 10, 1)), source=Source("leicestershire-police")),))
    saved = taf.session.add_family(replace(family, members=(first, *family.members[1:])))
    assert saved.id is not None
    taf.session.meetings(taf.policy).record_shared_item(
        saved.id, police_item(lawful_basis="cda-1998-s115", basis_reason="Risk of harm."))
    SuspensionService(taf.session.connection, taf.session.audit, taf.clock,
                      Actor("Lee Lead", Role.TEAM_LEAD, "Leicester City Council"),
                      taf.policy).record("leicestershire-police", START, "IG-2025-014")
    return saved.id


def _view(qtbot: Any, taf: TafStore, family_id: int) -> FamilyView:
    view = FamilyView(taf.session, family_id, None, ClipboardGuard(), today=taf.clock.today,
                      policy=taf.policy)
    qtbot.addWidget(view)
    return view


def _chronology_sources(view: FamilyView) -> list[str]:
    assert view.chronology is not None
    view.tabs.setCurrentWidget(view.chronology)
    model = view.chronology.model
    return [e.who for e in (model.entry(r) for r in range(model.rowCount())) if e]


def _summary_text(taf: TafStore, family_id: int, out: Path) -> str:
    service = ExportService(taf.session, taf.policy)
    result = service.export(ExportRequest(family_id, ReportKind.CASE_SUMMARY, out,
                                          Recipient.printing(), "support"))
    data = result.destination.read_bytes()
    return " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(data)).pages)


def test_a_suspended_partners_information_is_marked_until_the_suspension_ends(
        qtbot: Any, taf: TafStore, tmp_path: Path) -> None:
    family_id = _police_family(taf)
    taf.clock.set_day(START + timedelta(days=3))
    view = _view(qtbot, taf, family_id)
    assert not view.suspension_banner.isHidden()
    banner = view.suspension_banner.text()
    assert POLICE in banner and "24/04/2025" in banner and "(suspended)" in banner
    assert column(view.offences, "Source") == [MARKED]
    assert view.taf is not None
    assert column(view.taf.shared_table, "From") == [MARKED]
    assert MARKED in _chronology_sources(view)
    assert MARKED in _summary_text(taf, family_id, tmp_path / "during.pdf")
    view.resize(1024, 768)
    view.tabs.setCurrentIndex(3)  # Indicators
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "family_suspended.png"))

    taf.clock.set_day(START + timedelta(days=45))  # ends by itself
    after = _view(qtbot, taf, family_id)
    assert after.suspension_banner.isHidden()
    assert column(after.offences, "Source") == [POLICE]
    assert after.taf is not None and column(after.taf.shared_table, "From") == [POLICE]
    assert MARKED not in _chronology_sources(after)
    text = _summary_text(taf, family_id, tmp_path / "after.pdf")
    assert POLICE in text and "(suspended)" not in text


def test_a_family_without_the_partners_information_shows_no_banner(
        qtbot: Any, taf: TafStore) -> None:
    _police_family(taf)
    taf.clock.set_day(START + timedelta(days=3))
    view = _view(qtbot, taf, taf.other_family_id)
    assert view.suspension_banner.isHidden()
