"""Fictitious Team Around the Family history for demo stores.

For each demo family: consent from the lead parent or carer, an initial TAF meeting about
three weeks after allocation (finalised, with attendees, views, decisions, a plan and
information a partner shared), and for about a third of families a review meeting booked
in the next fortnight, so the Today and Team views have something to show. Deterministic
for a seed. Every name of a professional or a school is invented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from keyworker_app.domain.dates import local_day
from keyworker_app.domain.family import Family, HouseholdRole
from keyworker_app.domain.taf import (
    OTHER_AGENCY,
    Action,
    ActionStatus,
    Attendance,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    Meeting,
    MeetingType,
    MemberVoice,
    SharedInformation,
    ShareMethod,
)
from keyworker_app.services.meetings import MeetingService

SCOPE = ("leicestershire-police", "leicester-city", "leicestershire-cc", "nhs-lpt", "dwp")
OFFICERS = ("PC Demo Ashby", "PC Demo Quorn", "PC Demo Sileby")
HEALTH = ("Demo Health Visitor Hale", "Demo School Nurse Pryor")
SCHOOLS = ("Notatown Primary (fictitious)", "Imaginary Row Academy (fictitious)")


def _consent(family: Family, today: date) -> Consent | None:
    lead = next((m for m in family.members if m.household_role is HouseholdRole.PARENT_CARER),
                None)
    if lead is None:
        return None
    return Consent(person_ref=lead.ref, state=ConsentState.GIVEN,
                   recorded_on=min(family.allocated_on + timedelta(days=7), today),
                   scope=SCOPE, how=ConsentMethod.SIGNED_FORM, recorded_by=family.key_worker)


def _attendees(rng: random.Random, family: Family) -> tuple[Attendee, ...]:
    return (
        Attendee(family.key_worker, "leicester-city", "Key worker and chair"),
        Attendee(rng.choice(OFFICERS), "leicestershire-police", "Neighbourhood officer",
                 rng.choice([Attendance.ATTENDED, Attendance.ATTENDED, Attendance.APOLOGIES])),
        Attendee(rng.choice(HEALTH), "nhs-lpt", "Health"),
        Attendee("Demo Safeguarding Lead", OTHER_AGENCY, "Designated safeguarding lead",
                 agency_name=rng.choice(SCHOOLS)),
    )


def _initial(rng: random.Random, family: Family, consent: Consent | None,
             today: date) -> Meeting:
    assert family.id is not None
    held = datetime.combine(family.allocated_on + timedelta(days=21), time(10, 0))
    children = [m for m in family.members if m.household_role is HouseholdRole.CHILD]
    voices = tuple(MemberVoice(m.ref, "Wants the household to be calmer in the mornings.")
                   for m in family.members if consent and m.ref == consent.person_ref)
    shared: tuple[SharedInformation, ...] = ()
    if consent is not None:
        shared = (SharedInformation(
            from_partner="leicestershire-police", exchange="police-allocated-families",
            summary="Two call-outs to the address in the last quarter; no arrests.",
            received_on=local_day(held), method=ShareMethod.AT_MEETING,
            data_controller="leicestershire-police", category="family-information",
            about=(consent.person_ref,)),)
    return Meeting(
        family_id=family.id, kind=MeetingType.INITIAL, held_at=held,
        venue=rng.choice(["Family home", "Children's centre", "School meeting room"]),
        chair=family.key_worker, attendees=_attendees(rng, family), members=voices,
        child_voice="Likes football club; finds mornings hard." if children else "",
        strengths="Parent engages with the key worker; children attend clubs.",
        worries="School attendance has dropped this term; rent arrears are growing.",
        needs="A morning routine, a school attendance plan and debt advice.",
        decisions=(Decision("Key worker to lead a morning routine plan."),
                   Decision("School to share weekly attendance with the key worker.")),
        actions=(
            Action("Agree a morning routine with the family", family.key_worker,
                   "leicester-city", local_day(held) + timedelta(days=14), ActionStatus.DONE,
                   "Routine agreed and on the fridge."),
            Action("Refer to debt advice", family.key_worker, "leicester-city",
                   today - timedelta(days=rng.randint(2, 9))),
            Action("Weekly attendance update to the key worker", "Demo Safeguarding Lead",
                   OTHER_AGENCY, today + timedelta(days=rng.randint(3, 20))),
        ),
        shared=shared,
        next_review=today + timedelta(days=rng.randint(1, 13)),
    )


def add_demo_meetings(service: MeetingService, families: list[Family], seed: int,
                      today: date) -> int:
    """Adds the history above to saved demo families; returns how many meetings."""
    rng = random.Random(seed * 7919 + 17)
    count = 0
    for family in families:
        assert family.id is not None
        if family.allocated_on + timedelta(days=21) >= today:
            continue
        consent = _consent(family, today)
        if consent is not None:
            service.record_consent(family.id, consent)
        initial = service.save_meeting(_initial(rng, family, consent, today))
        assert initial.id is not None
        service.finalise_meeting(initial.id)
        count += 1
        if rng.random() < 0.35 and initial.next_review is not None:
            service.save_meeting(Meeting(
                family_id=family.id, kind=MeetingType.REVIEW,
                held_at=datetime.combine(initial.next_review, time(14, 0)),
                venue="Children's centre", chair=family.key_worker,
                attendees=_attendees(rng, family)))
            count += 1
    return count
