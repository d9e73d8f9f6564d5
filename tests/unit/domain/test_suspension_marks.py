"""Which partners' information is shown as suspended, and the family record's banner."""

from __future__ import annotations

from datetime import date, timedelta

from keyworker_app.domain.suspension import (
    WHOLE_AGREEMENT,
    Suspension,
    marked_policy,
    record_banner,
    suspended_partners,
)
from tests.unit.domain.criteria_cases import POLICY

START = date(2025, 3, 10)
POLICE = Suspension("leicestershire-police", START, "IG-1", "Lee Lead")


def test_only_the_suspended_partner_is_marked_while_it_runs() -> None:
    during = START + timedelta(days=44)
    assert suspended_partners([POLICE], POLICY, START - timedelta(days=1)) == frozenset()
    assert suspended_partners([POLICE], POLICY, during) == {"leicestershire-police"}
    assert suspended_partners([POLICE], POLICY, START + timedelta(days=45)) == frozenset()
    shown = marked_policy(POLICY, suspended_partners([POLICE], POLICY, during))
    assert shown.partner("leicestershire-police").name == "Leicestershire Police (suspended)"
    assert shown.partner("dwp").name == POLICY.partner("dwp").name
    assert marked_policy(POLICY, frozenset()) is POLICY


def test_the_whole_agreement_marks_every_partner() -> None:
    whole = Suspension(WHOLE_AGREEMENT, START, "IG-2", "Lee Lead")
    assert suspended_partners([whole], POLICY, START) == {p.id for p in POLICY.partners}
    banner = record_banner([whole], POLICY, START, ["dwp", "the-family"])
    assert "the whole agreement" in banner and "Department for Work" in banner


def test_the_banner_names_only_suspended_partners_whose_information_is_held() -> None:
    assert record_banner([POLICE], POLICY, START, ["dwp"]) == ""
    banner = record_banner([POLICE], POLICY, START, ["dwp", "leicestershire-police"])
    assert banner.startswith("Suspended until 24/04/2025 (ISA §15)")
    assert "Department for Work" not in banner
    lifted = Suspension("leicestershire-police", START, "IG-1", "Lee Lead",
                        lifted_on=START + timedelta(days=2))
    assert record_banner([lifted], POLICY, START + timedelta(days=2),
                         ["leicestershire-police"]) == ""
