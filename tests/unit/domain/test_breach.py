"""Breach records: categories from the policy, the 72-hour clock, contacts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from keyworker_app.domain.breach import (
    Breach,
    ReportingState,
    category_label,
    check_breach,
    contacts,
    hours_left,
    regulator_deadline,
    reporting_state,
)
from keyworker_app.errors import ValidationError
from tests.unit.domain.criteria_cases import POLICY

FOUND = datetime(2025, 3, 14, 16, 30, tzinfo=UTC)
CATEGORY = POLICY.breach.categories[0].id
PARTNER = POLICY.partners[0].id


def breach(**changes: object) -> Breach:
    return replace(Breach(CATEGORY, FOUND, "Laptop left on a train", (PARTNER,), serious=True),
                   **changes)


def test_deadline_is_72_hours_from_when_found() -> None:
    assert POLICY.breach.regulator_deadline_hours == 72
    assert regulator_deadline(breach(), POLICY) == datetime(2025, 3, 17, 16, 30, tzinfo=UTC)
    assert hours_left(breach(), POLICY, FOUND + timedelta(hours=70)) == pytest.approx(2)


def test_reporting_states() -> None:
    b = breach()
    assert reporting_state(b, POLICY, FOUND + timedelta(hours=72)) is ReportingState.CLOCK_RUNNING
    assert reporting_state(b, POLICY, FOUND + timedelta(hours=72, seconds=1)) is (
        ReportingState.OVERDUE)
    told = breach(regulator_told_at=FOUND + timedelta(hours=5))
    assert reporting_state(told, POLICY, FOUND + timedelta(days=9)) is ReportingState.REPORTED
    decided = breach(not_reported_reason="Encrypted device; no risk to people")
    assert reporting_state(decided, POLICY, FOUND + timedelta(days=9)) is (
        ReportingState.DECIDED_NOT_TO_REPORT)
    minor = breach(serious=False)
    assert reporting_state(minor, POLICY, FOUND + timedelta(days=9)) is (
        ReportingState.NOT_SERIOUS)


def test_contacts_come_from_the_policy() -> None:
    [(partner, held)] = contacts(breach(), POLICY)
    assert partner.id == PARTNER
    assert held == POLICY.partner(PARTNER).contacts
    assert category_label(CATEGORY, POLICY) == POLICY.breach.categories[0].label


@pytest.mark.parametrize(("bad", "field"), [
    (breach(category="made-up"), "Category"),
    (breach(found_at=FOUND + timedelta(days=2)), "Found"),
    (breach(summary=" "), "What happened"),
    (breach(partners=("nobody",)), "Partners"),
    (breach(partners=(PARTNER, PARTNER)), "Partners"),
    (breach(regulator_told_at=FOUND - timedelta(hours=1)), "Regulator told"),
    (breach(regulator_told_at=FOUND, not_reported_reason="x"), "Decision not to report"),
    (breach(closed_at=FOUND + timedelta(hours=1)), "Outcome"),
])
def test_bad_breaches_are_refused(bad: Breach, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_breach(bad, POLICY, FOUND + timedelta(days=1))
    assert info.value.field == field


def test_every_policy_category_is_accepted_from_the_moment_found() -> None:
    assert POLICY.breach.categories
    for category in POLICY.breach.categories:
        record = breach(category=category.id)
        check_breach(record, POLICY, FOUND)  # recorded the moment it was found: accepted
        assert category_label(category.id, POLICY) == category.label
        with pytest.raises(ValidationError) as info:  # ...but not a second before
            check_breach(record, POLICY, FOUND - timedelta(seconds=1))
        assert info.value.field == "Found"


def test_partners_of_a_serious_breach_are_due_to_be_told_within_the_policy_hours() -> None:
    from keyworker_app.domain.breach import (
        overdue_follow_ups,
        partner_notice_deadline,
        partners_notice_overdue,
    )
    hours = POLICY.breach.partner_notice_hours
    assert partner_notice_deadline(breach(), POLICY) == FOUND + timedelta(hours=hours)
    just_before = FOUND + timedelta(hours=hours) - timedelta(minutes=1)
    after = FOUND + timedelta(hours=hours, minutes=1)
    assert not partners_notice_overdue(breach(), POLICY, just_before)
    assert partners_notice_overdue(breach(), POLICY, after)
    told = breach(partners_told_at=FOUND + timedelta(hours=2), partners_told_whom="IG Manager")
    assert not partners_notice_overdue(told, POLICY, after)
    assert not partners_notice_overdue(breach(serious=False), POLICY, after)
    assert not partners_notice_overdue(breach(partners=()), POLICY, after)
    older = breach(found_at=FOUND - timedelta(days=1))
    assert overdue_follow_ups([breach(), told, older], POLICY, after) == [older, breach()]


def test_follow_up_rules() -> None:
    now = FOUND + timedelta(days=10)
    ok = breach(partners_told_at=FOUND + timedelta(hours=3), partners_told_whom="IG Manager",
                police_consulted=True, police_decision="No crime", outcome="Recovered",
                learning="Encrypt laptops", circulated_at=FOUND + timedelta(days=9))
    check_breach(ok, POLICY, now)
    bad = {
        "Partners told": [replace(ok, partners_told_at=now + timedelta(hours=1)),
                          replace(ok, partners_told_at=FOUND - timedelta(hours=1)),
                          replace(ok, partners=())],
        "Whom told": [replace(ok, partners_told_whom=" ")],
        "Circulated to partners": [replace(ok, circulated_at=now + timedelta(days=1)),
                                   replace(ok, outcome="", learning="")],
        "Police decision": [replace(ok, police_consulted=False)],
    }
    for field_label, records in bad.items():
        for record in records:
            with pytest.raises(ValidationError) as caught:
                check_breach(record, POLICY, now)
            assert field_label in str(caught.value)
