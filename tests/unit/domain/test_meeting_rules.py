"""The meeting rules (``domain.taf``): every problem with its row's path and a plain message;
the date rules users expect (nothing due before the meeting, no finalising ahead of it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from keyworker_app.domain.problems import Problem
from keyworker_app.domain.taf import (
    OTHER_AGENCY,
    Action,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    Meeting,
    MeetingType,
    MemberVoice,
    consent_problems,
    finalise_problems,
    meeting_problems,
)
from tests.taf_session import shipped_policy

HELD = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)
REFS = ("p1", "c1")


def meeting(**changes: object) -> Meeting:
    base = Meeting(1, MeetingType.INITIAL, HELD, chair="Sam Worker",
                   attendees=(Attendee("Pat", "leicester-city", "Teacher"),),
                   members=(MemberVoice("p1"),), decisions=(Decision("Lead the plan."),),
                   actions=(Action("Chart", "Sam", "family", date(2025, 3, 12)),))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_good_meeting_has_no_problems() -> None:
    assert meeting_problems(meeting(), REFS) == []


def test_every_problem_is_listed_by_its_row() -> None:
    bad = meeting(
        chair=" ",
        attendees=(Attendee("", "leicester-city", ""), Attendee("Chris", OTHER_AGENCY, "")),
        members=(MemberVoice("p1"), MemberVoice("p1"), MemberVoice("zz")),
        decisions=(Decision("  "),),
        actions=(Action("", "", "family", date(2025, 3, 11)),),
        next_review=date(2025, 3, 1))
    assert [p.path for p in meeting_problems(bad, REFS)] == [
        ("chair",), ("attendees", 0, "name"), ("attendees", 1, "agency_name"),
        ("members", 1, "person_ref"), ("members", 2, "person_ref"), ("decisions", 0, "text"),
        ("actions", 0, "what"), ("actions", 0, "owner"), ("actions", 0, "due"),
        ("next_review",)]


def test_an_action_is_due_on_or_after_its_meeting() -> None:
    early = meeting(actions=(Action("Chart", "Sam", "family", date(2025, 3, 11)),))
    assert meeting_problems(early, REFS) == [
        Problem(("actions", 0, "due"), "An action cannot be due before the meeting that set it.")]
    on_the_day = meeting(actions=(Action("Chart", "Sam", "family", date(2025, 3, 12)),))
    assert meeting_problems(on_the_day, REFS) == []


def test_a_meeting_is_finalised_only_once_it_has_taken_place() -> None:
    assert finalise_problems(meeting(), date(2025, 3, 12)) == []
    assert [p.message for p in finalise_problems(meeting(), date(2025, 3, 11))] == [
        "A meeting dated in the future cannot be finalised: finalise the record once the "
        "meeting has taken place."]


def test_consent_rules() -> None:
    policy = shipped_policy()
    partner = policy.partners[0].id
    good = Consent("p1", ConsentState.GIVEN, date(2025, 3, 1), (partner,),
                   ConsentMethod.VERBAL, "Sam Worker")
    assert consent_problems(good, REFS, policy) == []
    bad = replace(good, person_ref="zz", scope=(partner, "nobody"), recorded_by=" ")
    assert [p.path for p in consent_problems(bad, REFS, policy)] == [
        ("person_ref",), ("scope",), ("recorded_by",)]
