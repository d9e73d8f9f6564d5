"""Chronology benchmark: the Key events tab of a family with 2,000 events, built and painted.

One family on an encrypted store (raw key: key derivation is not what is measured) with four
members and about 2,000 dated events: case notes, offences, ASB interventions, concerns and
benefit spells. Times (a) the record read from the store plus ``build_chronology`` and (b) the
chronology page reloaded (filters, the model, column widths) and painted offscreen at
1280 x 800, each repeated. Target: ≤ 100 ms painted. Not a test: nothing here asserts time.

    .venv/bin/python -m bench.chronology_bench [--events 2000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import timed  # noqa: E402
from keyworker_app.domain.audit import Actor, Role  # noqa: E402
from keyworker_app.domain.chronology import build_chronology  # noqa: E402
from keyworker_app.domain.family import (  # noqa: E402
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
)
from keyworker_app.domain.indicators import (  # noqa: E402
    AsbIntervention,
    AsbKind,
    Benefit,
    BenefitSpell,
    Concern,
    ConcernKind,
    Disposal,
    Offence,
)
from keyworker_app.services.case_store import CaseSession  # noqa: E402
from keyworker_app.services.policy_loader import find_policy  # noqa: E402
from keyworker_app.store.connection import open_encrypted  # noqa: E402
from keyworker_app.store.schema import migrate  # noqa: E402

START = date(2016, 1, 4)


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    def today(self) -> date:
        return date(2026, 6, 1)


def big_family(events: int, seed: int) -> Family:
    rng = random.Random(seed)

    def day(i: int, total: int) -> date:
        return START + timedelta(days=int(i * 3650 / max(total, 1)))

    share = events // 10  # a tenth each for offences, ASB, concerns; a twentieth benefits
    offences = tuple(Offence(day(i, share), rng.choice(list(Disposal)), f"Offence {i}")
                     for i in range(share))
    parent = Person("p1", "Alex", "Chronicle", date(1980, 3, 2), HouseholdRole.PARENT_CARER,
                    benefits=tuple(BenefitSpell(Benefit.JSA, day(i, share // 2),
                                                day(i, share // 2) + timedelta(days=20))
                                   for i in range(share // 2)))
    son = Person("c1", "Sam", "Chronicle", date(2004, 5, 6), HouseholdRole.CHILD,
                 offences=offences)
    others = (Person("c2", "Jo", "Chronicle", date(2008, 7, 8), HouseholdRole.CHILD),
              Person("c3", "Ade", "Chronicle", date(2010, 9, 10), HouseholdRole.CHILD))
    notes_count = events - 3 * share - share // 2
    notes = tuple(CaseNote(rng.choice(list(ContactKind)),
                           datetime.combine(day(i, notes_count), datetime.min.time())
                           + timedelta(hours=9 + i % 8),
                           "Bench Worker", f"Contact {i}: talked about school and the week.",
                           rng.choice(("", "p1", "c1", "c2")))
                  for i in range(notes_count))
    return Family(
        "CH-0001", "Chronicle", FamilyStatus.ACTIVE, START, "Bench Worker",
        members=(parent, son, *others),
        addresses=(Address("1 Long Road", "Leicester", "LE1 1AA", from_date=START),),
        asb_interventions=tuple(AsbIntervention(rng.choice(list(AsbKind)), day(i, share),
                                                person_ref="c1") for i in range(share)),
        concerns=tuple(Concern(rng.choice(list(ConcernKind)), day(i, share),
                               detail=f"Concern {i}", person_ref="p1") for i in range(share)),
        notes=notes)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    policy, _ = find_policy()
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_encrypted(Path(tmp) / "store.db", os.urandom(32))
        migrate(conn)
        session = CaseSession(conn, Actor("Bench", Role.KEY_WORKER, "Bench Council"), _Clock())
        saved = session.add_family(big_family(args.events, 5))
        assert saved.id is not None
        family_id = saved.id
        meetings = session.meetings(policy)
        names = {p.id: p.name for p in policy.partners}

        def entries(newest_first: bool = False) -> tuple[object, ...]:
            family = session.families().get(family_id)
            return build_chronology(family, meetings.meetings_of_family(family_id),
                                    meetings.consents(family_id),
                                    meetings.shared_items(family_id), partner_names=names,
                                    newest_first=newest_first,
                                    marks=session.chronology_marks(family_id))

        count = len(entries())
        built = timed(entries, args.repeat)

        from PySide6.QtWidgets import QApplication

        from keyworker_app.gui.chronology_page import ChronologyPage

        app = QApplication.instance() or QApplication([])
        page = ChronologyPage(entries)  # type: ignore[arg-type]
        page.set_family(session.families().get(family_id))
        page.resize(1280, 800)
        page.show()
        app.processEvents()

        def painted() -> object:
            page.reload()
            return page.grab()

        painted()
        shown = timed(painted, args.repeat)
        page.clear()
        conn.close()
    print(f"chronology: {count} events")
    print(f"record read + chronology built: median {statistics.median(built):.1f} ms, "
          f"p95 {p95(built):.1f} ms")
    print(f"Key events tab reloaded and painted (1280 x 800, includes the build): median "
          f"{statistics.median(shown):.1f} ms, p95 {p95(shown):.1f} ms (target ≤ 100 ms)")


if __name__ == "__main__":
    main()
