"""The chronology of a demo family lists every kind of event, in date order either way."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from keyworker_app.domain.chronology import EntryKind, build_chronology, filter_entries
from keyworker_app.services.demo_data import generate_families
from keyworker_app.services.demo_meetings import add_demo_meetings
from tests.taf_session import SettableClock, open_taf_store

TODAY = date(2025, 6, 2)


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
    taf.session.lock()
