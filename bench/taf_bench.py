"""TAF benchmark: saving a 50-row meeting (encrypted against plain), and the Team view over
20,000 meetings.

Builds a store with the real (calibrated) key derivation, generates families and meetings,
then times the same work on the encrypted store and on an unencrypted copy made in the same
run, and prints the figures with their ratio. Not a test: nothing here asserts time.

    .venv/bin/python bench/taf_bench.py [--meetings 20000] [--families 2000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSPHRASE, elapsed_ms, plain_copy, timed  # noqa: E402
from keyworker_app.domain.audit import Actor, Role  # noqa: E402
from keyworker_app.domain.taf import (  # noqa: E402
    Action,
    Attendee,
    Meeting,
    MeetingType,
    SharedInformation,
    ShareMethod,
)
from keyworker_app.paths import StorePaths  # noqa: E402
from keyworker_app.services.case_store import CaseStore  # noqa: E402
from keyworker_app.services.clock import SystemClock  # noqa: E402
from keyworker_app.services.demo_data import generate_families  # noqa: E402
from keyworker_app.services.meetings import MeetingService  # noqa: E402
from keyworker_app.services.policy_loader import find_policy  # noqa: E402
from keyworker_app.store.audit import AuditLog  # noqa: E402
from keyworker_app.store.connection import Connection, transaction  # noqa: E402
from keyworker_app.store.taf_repo import MeetingRepository  # noqa: E402

ACTOR = Actor("Bench", Role.TEAM_LEAD, "Leicester City Council")


def big_meeting(family_id: int, refs: list[str], held: datetime) -> Meeting:
    """50 rows: 20 attendees, 15 shared items (with a lawful basis), 15 actions."""
    attendees = tuple(Attendee(f"Attendee {i}", "leicester-city", "Practitioner")
                      for i in range(20))
    shared = tuple(SharedInformation(
        "leicestershire-police", "police-allocated-families", f"Item {i}",
        held.date() - timedelta(days=i), ShareMethod.AT_MEETING, "Leicestershire Police",
        about=(refs[i % len(refs)],), lawful_basis="cda-1998-s115",
        basis_reason="Risk of harm.") for i in range(15))
    actions = tuple(Action(f"Action {i}", "Key worker", "leicester-city",
                           held.date() + timedelta(days=7 + i)) for i in range(15))
    return Meeting(family_id, MeetingType.REVIEW, held, venue="Family home",
                   chair="Team Lead", attendees=attendees, shared=shared, actions=actions,
                   strengths="Working well.", worries="Attendance.", needs="A plan.")


def commit_times(service: MeetingService, family_id: int, refs: list[str],
                 repeat: int) -> list[float]:
    meetings = [big_meeting(family_id, refs, datetime(2031, 1, 1, 10) + timedelta(days=i))
                for i in range(repeat)]
    return [elapsed_ms(partial(service.save_meeting, meeting)) for meeting in meetings]


def fill_meetings(conn: Connection, family_ids: list[int], count: int, seed: int,
                  today: date) -> None:
    """``count`` meetings spread over two years around today, with actions and shared items."""
    rng = random.Random(seed)
    repo = MeetingRepository(conn)
    with transaction(conn):
        for i in range(count):
            fid = family_ids[i % len(family_ids)]
            held = datetime.combine(today, datetime.min.time()) + timedelta(
                days=rng.randint(-600, 120), hours=rng.randint(9, 16))
            meeting = Meeting(
                fid, MeetingType.REVIEW, held, chair="Team Lead",
                attendees=(Attendee("A", "leicester-city", "Role"),),
                actions=(Action("Do", "KW", "family", held.date() + timedelta(days=14)),),
                shared=(SharedInformation("leicestershire-police", "police-allocated-families",
                                          "Item", held.date(), ShareMethod.PHONE, "Police",
                                          lawful_basis="cda-1998-s115", basis_reason="r"),))
            saved = repo.add(meeting)
            if held.date() < today and rng.random() < 0.8 and saved.id is not None:
                repo.finalise(saved.id, datetime.now(UTC), "Team Lead")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=20000)
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    policy, _ = find_policy()
    today = date.today()
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = CaseStore(StorePaths(root / "store"))
        session, _ = store.create(PASSPHRASE, ACTOR)
        t0 = time.perf_counter()
        families = session.import_families(generate_families(args.families, 11, today), "bench")
        ids = [f.id for f in families if f.id is not None]
        fill_meetings(session.connection, ids, args.meetings, 11, today)
        print(f"store: {len(ids)} families, {args.meetings} meetings, built in "
              f"{time.perf_counter() - t0:.1f} s")
        first = families[0]
        refs = [p.ref for p in first.members]
        assert first.id is not None
        plain = plain_copy(session.connection, root / "plain.db")
        services = {
            "encrypted": session.meetings(policy),
            "plain": MeetingService(plain, lambda: AuditLog(plain, ACTOR, clock.now), clock,
                                    ACTOR.name, policy),
        }
        results: dict[str, dict[str, float]] = {}
        for name, service in services.items():
            commit_times(service, first.id, refs, 3)  # warm up
            commits = commit_times(service, first.id, refs, args.repeat)
            team = timed(partial(service.team, today), args.repeat)
            results[name] = {"commit": statistics.median(commits),
                             "team": statistics.median(team), "rows": len(service.team(today))}
        plain.close()
        session.lock()
    enc, pln = results["encrypted"], results["plain"]
    print(f"save a 50-row meeting (20 attendees, 15 shared items, 15 actions), median of "
          f"{args.repeat}: encrypted {enc['commit']:.1f} ms, plain {pln['commit']:.1f} ms, "
          f"ratio {enc['commit'] / pln['commit']:.2f}x (target ≤ 50 ms, ≤ 1.2x)")
    print(f"Team view over {args.meetings} meetings ({int(enc['rows'])} in the next 14 days), "
          f"median: encrypted {enc['team']:.1f} ms, plain {pln['team']:.1f} ms, "
          f"ratio {enc['team'] / pln['team']:.2f}x (target ≤ 300 ms)")


if __name__ == "__main__":
    main()
