"""Pure TAF rules: consent in force, lawful basis, overdue, currency checks, finalised records."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from keyworker_app.domain.taf import (
    Action,
    ActionStatus,
    Consent,
    ConsentMethod,
    ConsentState,
    LawfulBasisRequiredError,
    Meeting,
    MeetingFinalisedError,
    MeetingType,
    SharedInformation,
    ShareMethod,
    carry_forward,
    consent_covers,
    finalise,
    is_overdue,
    needs_currency_check,
    require_lawful_basis,
)
from tests.taf_session import shipped_policy

POLICE = "leicestershire-police"


def consent(state: ConsentState, on: date, *scope: str, ref: str = "p1") -> Consent:
    return Consent(ref, state, on, scope, ConsentMethod.SIGNED_FORM, "Sam Worker")


def test_latest_consent_on_or_before_the_day_is_in_force() -> None:
    history = [consent(ConsentState.GIVEN, date(2025, 1, 1), POLICE),
               consent(ConsentState.WITHDRAWN, date(2025, 2, 1))]
    assert consent_covers(history, "p1", POLICE, date(2025, 1, 31))
    assert not consent_covers(history, "p1", POLICE, date(2025, 2, 1))
    assert not consent_covers(history, "p1", POLICE, date(2024, 12, 31))
    assert not consent_covers(history, "p1", "nhs-lpt", date(2025, 1, 15))  # out of scope
    assert not consent_covers(history, "c1", POLICE, date(2025, 1, 15))  # someone else's
    assert not consent_covers([consent(ConsentState.REFUSED, date(2025, 1, 1), POLICE)],
                              "p1", POLICE, date(2025, 3, 1))


def test_refusal_names_who_and_partner_and_takes_a_label() -> None:
    item = SharedInformation(POLICE, "police-allocated-families", "Call-outs", date(2025, 3, 1),
                             ShareMethod.PHONE, "Leicestershire Police", about=("p1", "c1"))
    with pytest.raises(LawfulBasisRequiredError) as refused:
        require_lawful_basis(item, [consent(ConsentState.GIVEN, date(2025, 1, 1), POLICE)],
                             shipped_policy(), member_label=lambda ref: f"<{ref}>")
    assert refused.value.member_refs == ("c1",)
    assert refused.value.problem.startswith(
        "<c1> has not consented to sharing with Leicestershire Police: choose the lawful basis")


def test_overdue_and_currency() -> None:
    action = Action("Chart", "Sam", "other", date(2025, 3, 20))
    assert not is_overdue(action, date(2025, 3, 20))
    assert is_overdue(action, date(2025, 3, 21))
    assert not is_overdue(Action("Chart", "Sam", "other", date(2025, 3, 1),
                                 status=ActionStatus.DONE), date(2025, 4, 1))
    item = SharedInformation(POLICE, "x", "s", date(2025, 1, 1), ShareMethod.PHONE, "dc")
    assert not needs_currency_check(item, date(2025, 4, 1), 90)  # 90 days old
    assert needs_currency_check(item, date(2025, 4, 2), 90)


def test_finalised_meeting_cannot_be_finalised_again_and_carry_forward() -> None:
    meeting = Meeting(1, MeetingType.REVIEW, datetime(2025, 3, 1, 10, 0), chair="Sam")
    done = finalise(meeting, datetime(2025, 3, 1, 12, 0, tzinfo=UTC), "Sam")
    with pytest.raises(MeetingFinalisedError, match="finalised on 01/03/2025"):
        finalise(done, datetime(2025, 3, 2, tzinfo=UTC), "Sam")
    previous = [Action("A", "Sam", "other", date(2025, 3, 1), id=4),
                Action("B", "Sam", "other", date(2025, 3, 1), status=ActionStatus.DONE, id=5)]
    carried = carry_forward(previous, date(2025, 4, 1))
    assert [(a.what, a.carried_from, a.due) for a in carried] == [("A", 4, date(2025, 4, 1))]
