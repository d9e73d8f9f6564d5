"""An invented family's three TAF meetings with long notes, for the TAF reports' tests.

``three_meetings`` builds the records in memory (ids filled in, as the store would);
``save_three_meetings`` puts the same records into a real store through the meeting service.
The reports' "today" is 07/03/2025: the first two meetings are held and finalised, the third
is booked for 17/03/2025 and still a draft.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.provenance import OTHER_NAMED
from keyworker_app.domain.taf import (
    OTHER_AGENCY,
    OUTSIDE_EXCHANGES,
    Action,
    ActionStatus,
    Addendum,
    Attendance,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    Meeting,
    MeetingOutcome,
    MeetingType,
    MemberVoice,
    SharedInformation,
    ShareMethod,
)
from keyworker_app.reports.taf_pack import PackRecords
from keyworker_app.services.case_store import CaseSession
from tests.unit.reports.conftest import LONG

HELD = (datetime(2025, 1, 6, 10, 0), datetime(2025, 2, 10, 14, 30), datetime(2025, 3, 17, 9, 30))
KINDS = (MeetingType.INITIAL, MeetingType.REVIEW, MeetingType.REVIEW)


def _text(seed: int, length: int) -> str:
    return LONG[(seed * 97) % 300:][:length]


def _actions(n: int, held_on: date) -> tuple[Action, ...]:
    """Twelve plan rows, none due before the meeting that sets them."""
    agencies = ("leicester-city", "nhs-lpt", "family", OTHER_AGENCY, "leicestershire-police")
    statuses = (ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.OPEN, ActionStatus.CANCELLED)
    return tuple(Action(
        what=f"Action {n}.{i}: " + _text(i + n, 60 + (i * 53) % 260),
        owner=("Sam Worker", "Pat Teacher", "Alex (parent)", "Jo Nurse")[i % 4],
        agency=agencies[i % len(agencies)], due=max(held_on, date(2025, 1 + n, 3 + i)),
        status=statuses[i % len(statuses)],
        outcome=_text(i, 90) if statuses[i % len(statuses)] is ActionStatus.DONE else "")
        for i in range(12))


def _shared(n: int, day: date) -> tuple[SharedInformation, ...]:
    police = SharedInformation(
        from_partner="leicestershire-police", exchange="police-allocated-families",
        summary=f"Police item {n}: " + _text(n, 700), received_on=day,
        method=ShareMethod.SECURE_EMAIL, data_controller="leicestershire-police",
        category="family-information", about=("p1",), lawful_basis="cda-1998-s115",
        basis_reason="Reducing crime and disorder affecting the children.")
    health = SharedInformation(
        from_partner="nhs-lpt", exchange="nhs-services-involved",
        summary=f"Health item {n}: " + _text(n + 1, 300), received_on=day,
        method=ShareMethod.AT_MEETING, data_controller="nhs-lpt",
        category="services-involved", about=("p1",))  # covered by consent: no basis needed
    outside = SharedInformation(
        from_partner=OTHER_AGENCY, exchange=OUTSIDE_EXCHANGES,
        summary=f"Housing item {n}: " + _text(n + 2, 400), received_on=day,
        method=ShareMethod.PHONE, data_controller=OTHER_NAMED,
        data_controller_name="Riverside Housing Association",
        outside_reason="The landlord raised rent arrears at the meeting.",
        lawful_basis="cda-1998-s17", basis_reason="Preventing crime and disorder.",
        outside_confirmed=True)
    return (police, health, outside) * 2


def three_meetings(family_id: int) -> list[Meeting]:
    meetings = []
    for n, (held, kind) in enumerate(zip(HELD, KINDS, strict=True)):
        meetings.append(Meeting(
            family_id=family_id, kind=kind, held_at=held, venue="Family home, Leicester",
            chair="Sam Worker",
            attendees=(Attendee("Pat Teacher", "leicester-city", "Head of year"),
                       Attendee("Jo Nurse", "nhs-lpt", "School nurse",
                                Attendance.APOLOGIES),
                       Attendee("Chris Lander", OTHER_AGENCY, "Housing officer",
                                agency_name="Riverside Housing Association")),
            members=(MemberVoice("p1", "Mum: " + _text(n, 1400)),
                     MemberVoice("c1", "Child1: " + _text(n + 3, 300))),
            child_voice=f"In Child1's words ({n}): " + _text(n + 5, 1200),
            strengths=_text(n + 7, 1600), worries=_text(n + 9, 2200),
            needs=_text(n + 11, 1800),
            decisions=tuple(Decision(f"Decision {n}.{i}: " + _text(i, 120 + 40 * i))
                            for i in range(4)),
            actions=_actions(n, held.date()), shared=_shared(n, min(held.date(), date(2025, 3, 5))),
            next_review=(held.date().replace(day=28)), id=100 + n))
    first = meetings[0]
    meetings[0] = replace(
        first, finalised_at=datetime(2025, 1, 7, 9, 0), finalised_by="Sam Worker",
        addenda=(Addendum("Correction: " + _text(4, 500), "Sam Worker",
                          datetime(2025, 1, 20, 16, 5), id=1),))
    meetings[1] = replace(meetings[1], finalised_at=datetime(2025, 2, 11, 12, 0),
                          finalised_by="Sam Worker", outcome=MeetingOutcome.CONTINUE,
                          outcome_reason="Attendance is improving; the plan continues.")
    return [replace(m, actions=tuple(replace(a, meeting_id=m.id) for a in m.actions))
            for m in meetings]


def family_record_items() -> list[SharedInformation]:
    """Shared outside meetings: one long before the freshness window, one recent."""
    return [
        SharedInformation(from_partner="nhs-lpt", exchange="nhs-services-involved",
                          summary="GP registration confirmed for both children.",
                          received_on=date(2024, 10, 1), method=ShareMethod.SECURE_EMAIL,
                          data_controller="nhs-lpt", category="services-involved",
                          about=("p1",)),
        SharedInformation(from_partner="leicestershire-police",
                          exchange="police-allocated-families",
                          summary="No call-outs to the address since the last meeting.",
                          received_on=date(2025, 3, 3), method=ShareMethod.SECURE_EMAIL,
                          data_controller="leicestershire-police",
                          category="family-information", about=("p1",),
                          lawful_basis="cda-1998-s115", basis_reason="Crime and disorder."),
    ]


CONSENT = Consent("p1", ConsentState.GIVEN, date(2024, 9, 1), ("nhs-lpt",),
                  ConsentMethod.SIGNED_FORM, "Sam Worker")


def pack_records(family: Family) -> PackRecords:
    assert family.id is not None
    meetings = three_meetings(family.id)
    plan = [a for m in meetings for a in m.actions]
    shared = sorted([*family_record_items(),
                     *(replace(s, meeting_id=m.id) for m in meetings for s in m.shared)],
                    key=lambda s: s.received_on)
    return PackRecords(family, meetings, plan, shared)


def save_three_meetings(session: CaseSession, policy: Policy, family_id: int) -> list[int]:
    """Save the meetings (the first two finalised, an addendum on the first) and the
    family-record items into a real store; returns the meeting ids, oldest first."""
    service = session.meetings(policy)
    service.record_consent(family_id, CONSENT)
    ids = []
    for meeting in three_meetings(family_id):
        saved = service.save_meeting(replace(meeting, id=None, finalised_at=None,
                                             finalised_by="", addenda=()))
        assert saved.id is not None
        ids.append(saved.id)
    service.finalise_meeting(ids[0])
    service.add_addendum(ids[0], "Correction: the venue was the school, not the home.")
    service.finalise_meeting(ids[1])
    for item in family_record_items():
        service.record_shared_item(family_id, item)
    return ids
