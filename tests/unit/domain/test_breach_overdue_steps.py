"""Which ISA §12 steps are late for a breach: partners told, regulator, police, learning,
circulation; each one goes away when it is recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from keyworker_app.domain.breach import (
    Breach,
    FollowUpStep,
    follow_up_notices,
    overdue_follow_ups,
    overdue_steps,
)
from tests.unit.domain.criteria_cases import POLICY

FOUND = datetime(2025, 3, 14, 16, 30, tzinfo=UTC)
PARTNER = POLICY.partners[0].id


def breach(**changes: object) -> Breach:
    return replace(Breach(POLICY.breach.categories[0].id, FOUND, "Laptop left on a train",
                          (PARTNER,), serious=True, id=7), **changes)


def test_a_fresh_serious_breach_has_no_late_step() -> None:
    assert overdue_steps(breach(), POLICY, FOUND + timedelta(hours=1)) == []


def test_partners_then_regulator_then_police_and_learning_fall_due_in_turn() -> None:
    rules = POLICY.breach
    after_notice = FOUND + timedelta(hours=rules.partner_notice_hours, minutes=1)
    assert overdue_steps(breach(), POLICY, after_notice) == [FollowUpStep.PARTNERS]
    after_ico = FOUND + timedelta(hours=rules.regulator_deadline_hours, minutes=1)
    assert overdue_steps(breach(), POLICY, after_ico) == [FollowUpStep.PARTNERS,
                                                          FollowUpStep.REGULATOR]
    late = FOUND + timedelta(days=rules.follow_up_days, minutes=1)
    assert overdue_steps(breach(), POLICY, late) == [
        FollowUpStep.PARTNERS, FollowUpStep.REGULATOR, FollowUpStep.POLICE,
        FollowUpStep.LEARNING]
    done = breach(partners_told_at=FOUND + timedelta(hours=2), partners_told_whom="IG Manager",
                  regulator_told_at=FOUND + timedelta(hours=5), police_consulted=True,
                  police_decision="No investigation", learning="Encrypt the laptops")
    assert overdue_steps(done, POLICY, late) == []


def test_a_closed_breach_still_owes_its_learning_and_circulation() -> None:
    closed = breach(serious=False, outcome="Recovered", closed_at=FOUND + timedelta(days=1))
    now = FOUND + timedelta(days=2)
    assert overdue_steps(closed, POLICY, now) == [FollowUpStep.LEARNING,
                                                  FollowUpStep.CIRCULATION]
    circulated = replace(closed, learning="Lock the car",
                         circulated_at=FOUND + timedelta(days=1, hours=1))
    assert overdue_steps(circulated, POLICY, now) == []


def test_a_shorter_policy_deadline_brings_the_partners_step_forward() -> None:
    strict = replace(POLICY, breach=replace(POLICY.breach, partner_notice_hours=2))
    at = FOUND + timedelta(hours=3)
    assert overdue_steps(breach(), POLICY, at) == []
    assert overdue_steps(breach(), strict, at) == [FollowUpStep.PARTNERS]


def test_the_today_lines_name_the_breach_by_reference_and_say_what_is_late() -> None:
    older = breach(id=3, found_at=FOUND - timedelta(days=40))
    now = FOUND + timedelta(hours=30)
    assert overdue_follow_ups([breach(), older], POLICY, now) == [older, breach()]
    lines = follow_up_notices([breach(), older], POLICY, now)
    assert lines[0].startswith("Breach BR-0003 (") and "police" in lines[0]
    assert lines[1].startswith("Breach BR-0007 (")
    assert "partners whose information it was have not been told" in lines[1]
    assert "Laptop" not in " ".join(lines)  # the summary stays in the breach record
