"""Every fact knows its source: a version 2 import names each record's source partner in the
family record, the criteria evidence and the case summary PDF; a version 1 file imports with
every source "unknown", counted and marked for the key worker to complete."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from keyworker_app.domain.sources import unknown_sources
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.reports import case_summary
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.services.family_import import parse_families_json
from tests.gui.conftest import FakeClock, close_window, open_programme_window
from tests.gui.programme_samples import TODAY
from tests.taf_session import TafStore, open_taf_store

POLICE = "Leicestershire Police"
DWP = "Department for Work and Pensions (Jobcentre Plus)"
COUNTY = "Leicestershire County Council (Supporting Leicestershire Families)"
SHOTS = Path("/work/coord/shots/sources")


def document(version: int) -> dict[str, Any]:
    sourced = version == 2
    offence: dict[str, Any] = {"offence_date": "2024-12-02", "disposal": "caution"}
    benefit: dict[str, Any] = {"benefit": "jsa", "from_date": "2024-06-01"}
    note: dict[str, Any] = {"kind": "home-visit", "occurred_at": "2025-02-03T10:30",
                            "author": "Sam Worker", "summary": "First visit."}
    term: dict[str, Any] = {"academic_year": 2024, "term": "autumn",
                            "unauthorised_absence_pct": 21.5}
    if sourced:
        offence["source"] = "leicestershire-police"
        benefit["source"] = {"partner": "dwp"}
        note["source"] = "the-family"
    doc: dict[str, Any] = {"format": "keyworker-families", "version": version, "families": [{
        "reference": "KW-0901", "family_name": "Okafor", "status": "active",
        "allocated_on": "2025-01-06", "key_worker": "Sam Worker",
        "members": [
            {"ref": "p1", "given_names": "Ada", "family_name": "Okafor",
             "date_of_birth": "1986-05-01", "household_role": "parent-carer",
             "offences": [offence], "benefits": [benefit]},
            {"ref": "c1", "given_names": "Tobi", "family_name": "Okafor",
             "date_of_birth": "2012-03-04", "household_role": "child", "education": [term]}],
        "notes": [note]}]}
    if sourced:
        doc["default_source"] = "leicestershire-cc"  # the education term takes it
    return doc


def imported(tmp_path: Path, version: int) -> tuple[TafStore, int]:
    taf = open_taf_store(tmp_path)
    families = parse_families_json(json.dumps(document(version), indent=2), "okafor.json",
                                   TODAY, policy=taf.policy)
    saved = taf.session.import_families(families, "okafor.json")
    assert saved[0].id is not None
    return taf, saved[0].id


@pytest.fixture
def window(qtbot: Any, clock: FakeClock) -> Iterator[MainWindow]:
    holder: dict[str, Any] = {}

    def make(taf: TafStore) -> MainWindow:
        taf.session.lock()
        win = open_programme_window(qtbot, taf.store, clock)
        holder["win"] = win
        return win

    yield make  # type: ignore[misc]
    if "win" in holder:
        close_window(holder["win"])


def column(table: Any, header: str) -> list[str]:
    model = table.model()
    index = next(c for c in range(model.columnCount())
                 if model.headerData(c, Qt.Orientation.Horizontal) == header)
    return [model.index(r, index).data() for r in range(model.rowCount())]


def test_version_2_sources_are_named_in_the_record_the_evidence_and_the_pdf(
        qtbot: Any, window: Any, tmp_path: Path) -> None:
    taf, family_id = imported(tmp_path, 2)
    family = taf.session.families().get(family_id)
    policy = taf.policy
    data = case_summary.build(family, ReportMeta("Case summary", "KW-0901", "RESTRICTED",
                                                 "Handle per the ISA Appendix C.", "Sam Worker",
                                                 datetime(2025, 3, 19, 10, 0)),
                              TODAY, "Support", "Print", policy=policy)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = " ".join(text.split())
    for name in (POLICE, "Department for Work and Pensions", "The family",
                 "Leicestershire County Council"):
        assert name in flat, name

    win = window(taf)
    view = win.open_family(family_id)
    assert view is not None
    assert column(view.offences, "Source") == [POLICE]
    assert column(view.benefits, "Source") == [DWP]
    assert column(view.education, "Source") == [COUNTY]
    assert column(view.notes, "Source") == ["The family"]
    assert "source unknown" not in view.details.text()
    assert view.criteria is not None
    view.tabs.setCurrentWidget(view.criteria)
    qtbot.waitUntil(lambda: view.criteria is not None and view.criteria.loaded, timeout=5000)
    evidence = " ".join(view.criteria.criteria_model.index(r, 2).data() or ""
                        for r in range(view.criteria.criteria_model.rowCount()))
    assert f"(Source: {DWP})" in evidence
    assert f"(Source: {COUNTY})" in evidence
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.tabs.setCurrentIndex(0)
    win.resize(1024, 768)
    for title in ("Indicators", "Contact"):
        for i in range(view.tabs.count()):
            if title.lower() in view.tabs.tabText(i).replace("&", "").lower():
                view.tabs.setCurrentIndex(i)
                view.grab().save(str(SHOTS / f"family_{title.lower()}.png"))
                break
    view.tabs.setCurrentWidget(view.criteria)
    view.grab().save(str(SHOTS / "criteria_evidence.png"))


def test_a_version_1_file_imports_with_every_source_unknown_and_marked(
        window: Any, tmp_path: Path) -> None:
    taf, family_id = imported(tmp_path, 1)
    family = taf.session.families().get(family_id)
    assert unknown_sources(family) == 4
    assert {o.source.partner for p in family.members for o in p.offences} == {"unknown"}
    win = window(taf)
    view = win.open_family(family_id)
    assert view is not None
    assert column(view.offences, "Source") == ["Unknown (to complete)"]
    assert "4 records with source unknown (to complete)" in view.details.text()
