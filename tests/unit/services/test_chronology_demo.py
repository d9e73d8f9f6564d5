"""The chronology of a demo family lists every kind of event, in date order either way, and
its exported PDF is marked on every page and protected per the recipient rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from keyworker_app.domain.chronology import EntryKind, build_chronology, filter_entries
from keyworker_app.domain.disclosure import DisclosureBasis
from keyworker_app.errors import UserFacingError
from keyworker_app.reports.protect import is_protected
from keyworker_app.services.demo_data import generate_families
from keyworker_app.services.demo_meetings import add_demo_meetings
from keyworker_app.services.export import ExportRequest, ExportService, ReportKind
from tests.taf_session import SettableClock, TafStore, open_taf_store
from tests.unit.reports.pdf_checks import assert_marked_every_page
from tests.unit.services.export_env import STRONG

TODAY = date(2025, 6, 2)
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_demo_family_chronology_has_every_kind_in_date_order(tmp_path: Path) -> None:
    clock = SettableClock()
    clock.set_day(TODAY)
    taf = open_taf_store(tmp_path, clock)
    saved = taf.session.import_families(generate_families(12, 5, TODAY), "demo")
    service = taf.session.meetings(taf.policy)
    add_demo_meetings(service, saved, 5, TODAY)
    names = {p.id: p.name for p in taf.policy.partners}

    def chronology(family_id: int, newest_first: bool = False):  # type: ignore[no-untyped-def]
        return build_chronology(taf.session.view_family(family_id),
                                service.meetings_of_family(family_id),
                                service.consents(family_id), service.shared_items(family_id),
                                partner_names=names, newest_first=newest_first)

    ids = [f.id for f in saved if f.id is not None]
    kinds = {i: {e.kind for e in chronology(i)} for i in ids}
    best = max(ids, key=lambda i: (EntryKind.ASB in kinds[i], len(kinds[i])))
    missing = set(EntryKind) - kinds[best]
    if EntryKind.CLOSURE in missing:
        taf.session.close_family(best, TODAY, "Outcomes met; family agreed to closure")
    entries = chronology(best)
    assert {e.kind for e in entries} == set(EntryKind)
    days = [e.day for e in entries]
    assert days == sorted(days)
    assert [e.day for e in chronology(best, newest_first=True)] == sorted(days, reverse=True)
    shared = [e for e in entries if e.kind is EntryKind.SHARED]
    assert any(e.who == names.get("leicestershire-police") for e in shared)
    only = filter_entries(entries, kinds=frozenset({EntryKind.NOTE}))
    assert only and all(e.kind is EntryKind.NOTE for e in only)
    _export_is_marked_and_protected(taf, best, tmp_path)
    taf.session.lock()


def _export_is_marked_and_protected(taf: TafStore, family_id: int, tmp_path: Path) -> None:
    """The demo family's chronology through the secure export: every page marked; to a
    partner's secure address it may go unprotected, to an ordinary one only with a
    password (and, holding partners' information, on a recorded statutory basis)."""
    exports = ExportService(taf.session, taf.policy, now=lambda: NOW)
    marking = taf.policy.protective_marking
    out = tmp_path / "out"
    out.mkdir()

    def request(address: str, name: str, **extra: Any) -> ExportRequest:
        return ExportRequest(family_id=family_id, report=ReportKind.CHRONOLOGY,
                             destination=out / name, recipient=exports.recipient_for(address),
                             purpose_id="support", **extra)

    secure = exports.export(request("officer@leicestershire.pnn.police.uk", "secure.pdf"))
    data = secure.destination.read_bytes()
    assert not is_protected(data) and assert_marked_every_page(data, marking) >= 2
    with pytest.raises(UserFacingError, match="not a secure e-mail address"):
        exports.export(request("someone@example.com", "plain.pdf"))
    basis = DisclosureBasis(statutory=taf.policy.gateways[0].id)
    protected = exports.export(request("someone@example.com", "protected.pdf",
                                       password=STRONG, basis=basis))
    data = protected.destination.read_bytes()
    assert is_protected(data) and protected.protected
    assert assert_marked_every_page(data, marking, STRONG) >= 2
