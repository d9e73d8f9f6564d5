"""The team lead's overview: each key worker's open families and what is coming up for them.

The store reads one row per open family (``TeamFamily``); the counts per key worker are added up
here, so the GUI can fold in "meets the criteria" from the caseload's cache without another read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

NOT_ALLOCATED = "Not allocated"


@dataclass(frozen=True, slots=True)
class TeamFamily:
    family_id: int
    reference: str
    family_name: str
    key_worker: str  # as recorded; "" when the family has no key worker yet
    actions_overdue: int
    next_review: date | None  # from the latest meeting, else the family record
    meetings_ahead: int  # booked in the window
    meetings_ready: int  # of those, the previous meeting's record is finalised (or none)
    postcode: str = ""  # the current address's, to tell families with one name apart

    @property
    def worker(self) -> str:
        return self.key_worker.strip() or NOT_ALLOCATED

    def review_due_by(self, until: date) -> bool:
        return self.next_review is not None and self.next_review <= until


@dataclass(frozen=True, slots=True)
class TeamOverview:
    today: date
    review_until: date  # reviews on or before this day count as due (overdue ones too)
    families: tuple[TeamFamily, ...]

    def workers(self) -> list[str]:
        return sorted({f.worker for f in self.families}, key=lambda w: (w == NOT_ALLOCATED,
                                                                          w.casefold()))

    def of_worker(self, worker: str | None) -> list[TeamFamily]:
        return [f for f in self.families if worker is None or f.worker == worker]


@dataclass(frozen=True, slots=True)
class WorkerLoad:
    key_worker: str
    families_open: int
    actions_overdue: int
    reviews_due: int
    meetings: int
    meetings_ready: int
    meeting_criteria: int  # families known to meet the programme's criteria
    criteria_unknown: int  # families not yet worked out

    @property
    def meetings_unready(self) -> int:
        return self.meetings - self.meetings_ready


def worker_loads(overview: TeamOverview, meets: Callable[[int], bool | None],
                 families: Iterable[TeamFamily] | None = None) -> list[WorkerLoad]:
    """One line per key worker (alphabetical, "Not allocated" last). ``meets`` answers from
    a cache: None while a family's criteria are not yet worked out."""
    grouped: dict[str, list[TeamFamily]] = {}
    for family in overview.families if families is None else families:
        grouped.setdefault(family.worker, []).append(family)
    loads = []
    for worker in sorted(grouped, key=lambda w: (w == NOT_ALLOCATED, w.casefold())):
        rows = grouped[worker]
        answers = [meets(f.family_id) for f in rows]
        loads.append(WorkerLoad(
            key_worker=worker, families_open=len(rows),
            actions_overdue=sum(f.actions_overdue for f in rows),
            reviews_due=sum(1 for f in rows if f.review_due_by(overview.review_until)),
            meetings=sum(f.meetings_ahead for f in rows),
            meetings_ready=sum(f.meetings_ready for f in rows),
            meeting_criteria=sum(1 for a in answers if a),
            criteria_unknown=sum(1 for a in answers if a is None)))
    return loads
