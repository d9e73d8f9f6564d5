"""The demo store's TAF history: valid under the service's own rules, and it gives the
Today and Team views something to show."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from keyworker_app.services.demo_data import generate_families
from keyworker_app.services.demo_meetings import add_demo_meetings
from tests.taf_session import SettableClock, open_taf_store

TODAY = date(2026, 11, 25)


def test_demo_meetings_fill_today_and_team(tmp_path: Path) -> None:
    clock = SettableClock()
    clock.set_day(TODAY)
    taf = open_taf_store(tmp_path, clock)
    saved = taf.session.import_families(generate_families(12, 5, TODAY), "demo")
    service = taf.session.meetings(taf.policy)
    count = add_demo_meetings(service, saved, 5, TODAY)  # passes every consent/basis check
    assert count >= 10

    for family in saved:
        assert family.id is not None
        meetings = service.meetings_of_family(family.id)
        if meetings:
            assert meetings[0].finalised_at is not None
            assert any(item.from_partner == "leicestershire-police" for item in meetings[0].shared)
    today = service.today(TODAY)
    assert any(due.overdue for due in today.actions)
    assert service.team(TODAY)
    assert taf.session.verify().ok
    taf.session.lock()


def test_demo_meetings_are_deterministic(tmp_path: Path) -> None:
    outlines = []
    for name in ("a", "b"):
        clock = SettableClock()
        clock.set_day(TODAY)
        taf = open_taf_store(tmp_path / name, clock)
        saved = taf.session.import_families(generate_families(8, 9, TODAY), "demo")
        service = taf.session.meetings(taf.policy)
        add_demo_meetings(service, saved, 9, TODAY)
        outlines.append([(m.kind, m.held_at, len(m.actions)) for f in saved
                         for m in service.meetings_of_family(f.id or 0)])
        taf.session.lock()
    assert outlines[0] == outlines[1] and outlines[0]
