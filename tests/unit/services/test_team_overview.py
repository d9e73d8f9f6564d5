"""The team lead's overview: every per-worker figure equals a count made straight from the
store's tables for a demo team (families, actions and meetings read raw, worked out here)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyworker_app.domain.dates import start_of_day
from keyworker_app.domain.taf import ActionStatus, Meeting, MeetingType
from keyworker_app.domain.team import NOT_ALLOCATED, worker_loads
from keyworker_app.services.demo_data import generate_families
from keyworker_app.services.demo_meetings import add_demo_meetings
from tests.taf_session import SettableClock, open_taf_store

TODAY = date(2026, 11, 25)


def _raw_counts(conn: object, today: date) -> dict[str, dict[str, int]]:
    """The figures per key worker, from plain SELECTs of whole tables, added up in Python."""
    execute = conn.execute  # type: ignore[attr-defined]
    families = {int(r[0]): (r[1].strip() or NOT_ALLOCATED, r[2]) for r in execute(
        "SELECT id, key_worker, review_due FROM family WHERE status <> 'closed'")}
    meetings: dict[int, list[tuple[datetime, bool, str | None]]] = defaultdict(list)
    for fid, held, finalised, review in execute(
            "SELECT family_id, held_at, finalised_at, next_review FROM meeting"):
        meetings[int(fid)].append((datetime.fromisoformat(held), finalised is not None, review))
    start, end = start_of_day(today), start_of_day(today + timedelta(days=14))
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for fid, (worker, review_due) in families.items():
        counts = out[worker]
        counts["families"] += 1
        history = sorted(meetings[fid])
        with_review = [review for _held, _fin, review in history if review is not None]
        review = with_review[-1] if with_review else review_due
        if review is not None and date.fromisoformat(review) <= today + timedelta(days=14):
            counts["reviews"] += 1
        for i, (held, _final, _review) in enumerate(history):
            if start <= held < end:
                counts["meetings"] += 1
                counts["ready"] += 1 if i == 0 or history[i - 1][1] else 0
    for fid, status, due in execute("SELECT family_id, status, due FROM action"):
        if int(fid) in families and status == "open" and date.fromisoformat(due) < today:
            out[families[int(fid)][0]]["overdue"] += 1
    return {worker: dict(counts) for worker, counts in out.items()}


def test_team_figures_equal_counts_taken_straight_from_the_store(tmp_path: Path) -> None:
    clock = SettableClock()
    clock.set_day(TODAY)
    taf = open_taf_store(tmp_path, clock)
    saved = taf.session.import_families(generate_families(40, 3, TODAY), "demo")
    service = taf.session.meetings(taf.policy)
    add_demo_meetings(service, saved, 3, TODAY)
    closed = saved[0]
    assert closed.id is not None
    taf.session.close_family(closed.id, TODAY, "Plan completed")
    # Variety the demo lacks: a meeting that follows an unfinalised record, a review set far
    # off, an overdue action done.
    varied = next(f for f in saved[1:] if f.id is not None and service.meetings_of_family(f.id))
    assert varied.id is not None
    service.save_meeting(Meeting(varied.id, MeetingType.REVIEW,
                                 datetime(2026, 11, 24, 10, 0, tzinfo=UTC), chair="Team Lead",
                                 next_review=TODAY + timedelta(days=60)))
    service.save_meeting(Meeting(varied.id, MeetingType.REVIEW,
                                 datetime(2026, 11, 30, 10, 0, tzinfo=UTC), chair="Team Lead"))
    overdue = next(d for d in service.today(TODAY).actions if d.overdue)
    assert overdue.action.id is not None
    service.update_action(overdue.action.id, ActionStatus.DONE, "Done at the review")
    programme = taf.session.programme(taf.policy)

    overview = service.team_overview(TODAY)
    meets = {f.family_id: programme.evaluate(f.family_id, TODAY).qualifies
             for f in overview.families}
    loads = {w.key_worker: w for w in worker_loads(overview, meets.get)}
    raw = _raw_counts(taf.session.connection, TODAY)

    assert closed.id not in {f.family_id for f in overview.families}
    assert set(loads) == set(raw) and len(loads) >= 3  # a team, not one worker
    for worker, counts in raw.items():
        load = loads[worker]
        assert load.families_open == counts.get("families", 0), worker
        assert load.actions_overdue == counts.get("overdue", 0), worker
        assert load.reviews_due == counts.get("reviews", 0), worker
        assert load.meetings == counts.get("meetings", 0), worker
        assert load.meetings_ready == counts.get("ready", 0), worker
        assert load.criteria_unknown == 0
        assert load.meeting_criteria == sum(
            1 for f in overview.families if f.worker == worker and meets[f.family_id])
    assert sum(w.actions_overdue for w in loads.values()) > 0
    assert sum(w.meetings for w in loads.values()) > 0
    assert sum(w.reviews_due for w in loads.values()) > 0
    assert any(w.meetings_unready for w in loads.values())
    assert any(w.reviews_due < w.families_open for w in loads.values())
    taf.session.lock()
