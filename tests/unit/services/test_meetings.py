"""The TAF service: consent refusal (acceptance 3), finalising and addenda (4), the plan,
Today and Team views, and audit events that carry ids only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from keyworker_app.domain.audit import AuditAction
from keyworker_app.domain.problems import InvalidRecordError
from keyworker_app.domain.taf import (
    OUTSIDE_EXCHANGES,
    Action,
    ActionStatus,
    Attendee,
    Consent,
    ConsentMethod,
    ConsentState,
    Decision,
    LawfulBasisRequiredError,
    Meeting,
    MeetingFinalisedError,
    MeetingType,
    MemberVoice,
    SharedInformation,
    ShareMethod,
    carry_forward,
)
from keyworker_app.errors import ValidationError
from tests.taf_session import TafStore, open_taf_store


@pytest.fixture
def taf(tmp_path: Path) -> TafStore:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def police_item(**changes: object) -> SharedInformation:
    item = SharedInformation(
        from_partner="leicestershire-police", exchange="police-allocated-families",
        summary="Two call-outs to the address in February.", received_on=date(2025, 3, 3),
        method=ShareMethod.SECURE_EMAIL, data_controller="leicestershire-police",
        category="family-information", about=("p1",))
    return replace(item, **changes)  # type: ignore[arg-type]


def meeting(family_id: int, **changes: object) -> Meeting:
    base = Meeting(
        family_id=family_id, kind=MeetingType.INITIAL, held_at=datetime(2025, 3, 12, 10, 0),
        venue="Family home", chair="Sam Worker",
        attendees=(Attendee("Pat Teacher", "leicester-city", "Head of year"),
                   Attendee("Jo Nurse", "nhs-lpt", "School nurse")),
        members=(MemberVoice("p1", "Wants help with mornings."),),
        child_voice="I like football club.", strengths="Good routines at weekends.",
        worries="School attendance.", needs="A morning routine plan.",
        decisions=(Decision("Key worker to lead the plan."),),
        actions=(Action("Morning routine chart", "Sam Worker", "leicester-city",
                        date(2025, 3, 20)),),
        next_review=date(2025, 4, 23))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_shared_item_without_consent_is_refused_until_basis_and_reason(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    with pytest.raises(LawfulBasisRequiredError) as refused:
        service.record_shared_item(taf.family_id, police_item())
    message = str(refused.value)
    assert "p1 has not consented to sharing with Leicestershire Police" in message
    assert "choose the lawful basis" in message and "give a reason" in message
    with pytest.raises(LawfulBasisRequiredError, match="give the reason"):
        service.record_shared_item(taf.family_id, police_item(lawful_basis="cda-1998-s115"))
    with pytest.raises(LawfulBasisRequiredError, match="does not apply"):
        service.record_shared_item(taf.family_id, police_item(
            lawful_basis="wra-2012-s134", basis_reason="Needed for the plan."))
    assert service.shared_items(taf.family_id) == []
    saved = service.record_shared_item(taf.family_id, police_item(
        lawful_basis="cda-1998-s115", basis_reason="Risk of harm to the children."))
    assert service.shared_items(taf.family_id) == [saved]


def test_consent_in_scope_needs_no_basis_and_withdrawal_ends_it(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    service.record_consent(taf.family_id, Consent(
        "p1", ConsentState.GIVEN, date(2025, 3, 1), ("leicestershire-police", "nhs-lpt"),
        ConsentMethod.SIGNED_FORM, "Sam Worker"))
    service.record_shared_item(taf.family_id, police_item())
    service.record_consent(taf.family_id, Consent(
        "p1", ConsentState.WITHDRAWN, date(2025, 3, 5), (), ConsentMethod.VERBAL, "Sam Worker"))
    with pytest.raises(LawfulBasisRequiredError):
        service.record_shared_item(taf.family_id, police_item(received_on=date(2025, 3, 6)))
    # Information received before the withdrawal was covered when it came.
    service.record_shared_item(taf.family_id, police_item(received_on=date(2025, 3, 4)))


def test_outside_the_agreed_exchanges_needs_reason_basis_and_confirmation(
        taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    with pytest.raises(ValidationError, match="outside the agreed exchanges"):
        service.record_shared_item(taf.family_id, police_item(
            exchange=OUTSIDE_EXCHANGES, about=()))
    with pytest.raises(InvalidRecordError, match="Confirm that you are recording"):
        service.record_shared_item(taf.family_id, police_item(
            exchange=OUTSIDE_EXCHANGES, outside_reason="Raised at a JAG meeting.",
            lawful_basis="cda-1998-s115", about=()))
    saved = service.record_shared_item(taf.family_id, police_item(
        exchange=OUTSIDE_EXCHANGES, outside_reason="Raised at a JAG meeting.",
        lawful_basis="cda-1998-s115", outside_confirmed=True, about=()))
    assert service.shared_items(taf.family_id) == [saved]
    assert any(e.detail.endswith("confirmed-outside")
               for e in taf.session.audit().events(limit=5))


def test_finalised_meeting_is_locked_addendum_stored_and_audited(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    saved = service.save_meeting(meeting(taf.family_id))  # held on 12/03/2025
    assert saved.id is not None
    with pytest.raises(InvalidRecordError, match="dated in the future cannot be finalised"):
        service.finalise_meeting(saved.id)  # the clock says 10/03/2025
    assert not service.view_meeting(saved.id).is_finalised
    taf.clock.set_day(date(2025, 3, 12))
    final = service.finalise_meeting(saved.id)
    assert final.is_finalised and final.finalised_by == "Sam Worker"
    with pytest.raises(MeetingFinalisedError) as refused:
        service.save_meeting(replace(final, worries="Changed afterwards."))
    assert "addendum" in refused.value.advice
    with pytest.raises(MeetingFinalisedError):
        service.finalise_meeting(saved.id)
    with pytest.raises(MeetingFinalisedError):
        service.record_shared_item(taf.family_id, police_item(
            meeting_id=saved.id, lawful_basis="cda-1998-s115", basis_reason="Risk."))
    after = service.add_addendum(saved.id, "The nurse's surname was misspelt.")
    assert after.worries == "School attendance."  # the original stays as it was
    assert [a.text for a in after.addenda] == ["The nurse's surname was misspelt."]
    assert after.addenda[0].author == "Sam Worker"
    # Direct SQL cannot change a finalised record either.
    with pytest.raises(Exception, match="finalised meeting cannot be changed"):
        taf.session.connection.execute("UPDATE meeting SET worries = 'x' WHERE id = ?",
                                       (saved.id,))
    events = taf.session.audit().events(limit=20)
    kinds = [(e.action, e.object_type, e.detail) for e in events]
    assert (AuditAction.UPDATE, "meeting", "finalised") in kinds
    assert (AuditAction.CREATE, "addendum", f"meeting={saved.id}") in kinds
    assert any(k[:2] == (AuditAction.CREATE, "meeting") for k in kinds)
    text = " ".join(f"{e.object_id} {e.detail}" for e in events)
    for personal in ("Pat", "Jo Nurse", "football", "misspelt", "Ashworth", "Sam Worker"):
        assert personal not in text


def test_an_action_is_not_due_before_its_meeting(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    early = Action("Book the nurse", "Jo Nurse", "nhs-lpt", date(2025, 3, 11))
    with pytest.raises(InvalidRecordError) as refused:
        service.save_meeting(meeting(taf.family_id, actions=(early,)))  # held 12/03/2025
    assert [(p.path, p.message) for p in refused.value.problems] == [
        (("actions", 0, "due"), "An action cannot be due before the meeting that set it.")]
    assert "Action 1" in str(refused.value)
    assert service.meetings_of_family(taf.family_id) == []
    on_the_day = service.save_meeting(meeting(taf.family_id, actions=(
        replace(early, due=date(2025, 3, 12)),)))
    assert on_the_day.actions[0].due == date(2025, 3, 12)


def test_editing_replaces_rows_and_keeps_action_ids(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    saved = service.save_meeting(meeting(taf.family_id))
    edited = replace(saved, attendees=saved.attendees[:1],
                     actions=(*saved.actions, Action("Attendance check", "Pat Teacher",
                                                     "leicester-city", date(2025, 4, 1))))
    again = service.save_meeting(edited)
    assert again.actions[0].id == saved.actions[0].id
    assert service.view_meeting(saved.id or 0) == again
    with pytest.raises(ValidationError):
        service.save_meeting(replace(again, members=(MemberVoice("nobody"),)))


def test_plan_carry_over_today_and_team(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    first = service.save_meeting(meeting(taf.family_id))
    assert first.id is not None
    taf.clock.set_day(date(2025, 3, 12))
    service.finalise_meeting(first.id)
    service.save_meeting(meeting(taf.other_family_id, held_at=datetime(2025, 3, 14, 14, 0),
                                 members=(), actions=()))
    # Review in two weeks carries the open action forward.
    review = service.save_meeting(meeting(
        taf.family_id, kind=MeetingType.REVIEW, held_at=datetime(2025, 3, 24, 10, 0),
        actions=carry_forward(service.family_plan(taf.family_id), date(2025, 4, 7))))
    plan = service.family_plan(taf.family_id)
    assert [a.status for a in plan] == [ActionStatus.CARRIED_OVER, ActionStatus.OPEN]
    assert plan[1].carried_from == plan[0].id and plan[1].meeting_id == review.id
    service.record_shared_item(taf.family_id, police_item(
        received_on=date(2025, 3, 18), lawful_basis="cda-1998-s115", basis_reason="Risk."))

    today = service.today(date(2025, 4, 8))
    assert [(d.action.what, d.overdue) for d in today.actions] == [
        ("Morning routine chart", True)]
    assert service.today(date(2025, 4, 1)).actions[0].overdue is False
    this_week = service.today(date(2025, 3, 12)).meetings
    # The first meeting is finalised: it has taken place, so it is not one to prepare for.
    assert [m.family_id for m in this_week] == [taf.other_family_id]

    team = service.team(date(2025, 3, 20))
    assert len(team) == 1 and team[0].meeting_id == review.id
    assert team[0].previous_finalised is True
    assert team[0].open_actions == 1 and team[0].new_information == 1
    assert service.team(date(2025, 3, 1))[0].previous_finalised is None

    summary = taf.session.summaries([taf.family_id])[0]
    assert summary.next_action_due == date(2025, 4, 7)
    done = service.update_action(plan[1].id or 0, ActionStatus.DONE, "Chart in use.")
    assert done.status is ActionStatus.DONE and done.outcome == "Chart in use."
    assert taf.session.summaries([taf.family_id])[0].next_action_due is None
    assert service.today(date(2025, 4, 8)).actions == ()


def test_reviews_due_without_a_meeting_booked(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    service.save_meeting(meeting(taf.family_id))  # next review 23/04/2025
    due = service.today(date(2025, 4, 14)).reviews
    assert [(r.family_id, r.due) for r in due] == [(taf.family_id, date(2025, 4, 23))]
    service.save_meeting(meeting(taf.family_id, kind=MeetingType.REVIEW,
                                 held_at=datetime(2025, 4, 23, 10, 0), next_review=None,
                                 actions=()))
    assert all(r.family_id != taf.family_id for r in service.today(date(2025, 4, 14)).reviews)
