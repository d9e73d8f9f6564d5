"""Demo data: deterministic, plainly fictitious, valid by the import rules, a realistic mix."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from keyworker_app.domain.family import Family, HouseholdRole
from keyworker_app.domain.validation import is_valid_uk_postcode
from keyworker_app.services.demo_data import generate_families
from keyworker_app.services.family_export import families_to_json
from keyworker_app.services.family_import import parse_families_json

TODAY = date(2025, 3, 14)


def test_same_seed_gives_the_same_families() -> None:
    assert generate_families(50, seed=7, today=TODAY) == generate_families(50, 7, TODAY)


def test_another_seed_gives_other_families() -> None:
    assert generate_families(50, seed=7, today=TODAY) != generate_families(50, 8, TODAY)


def test_counts_and_fictitious_markers() -> None:
    families = generate_families(200, seed=1, today=TODAY)
    assert len(families) == 200
    assert len({f.reference for f in families}) == 200
    for family in families:
        assert family.reference.startswith("DEMO-")
        assert 3 <= len(family.members) <= 7
        assert any(p.household_role is HouseholdRole.PARENT_CARER for p in family.members)
        assert family.relationships and family.notes
        address = family.current_address
        assert address is not None
        assert address.postcode.startswith("ZZ99 ") and is_valid_uk_postcode(address.postcode)
        for person in family.members:
            assert not person.nhs_number or person.nhs_number.startswith("999")
            assert not person.ni_number or person.ni_number.startswith("QQ")
    assert generate_families(0, seed=1, today=TODAY) == []


def test_every_record_passes_the_import_rules() -> None:
    families = generate_families(300, seed=3, today=TODAY)
    assert parse_families_json(families_to_json(families), "demo.json", TODAY) == families


def _youth_offence(f: Family) -> bool:
    return any(
        o.disposal.is_formal and o.offence_date >= TODAY - timedelta(days=365)
        for p in f.members if p.age_on(TODAY) < 18 for o in p.offences
    )


def _education(f: Family) -> bool:
    return any(sum(t.fixed_exclusions for t in p.education) >= 3
               or any(t.unauthorised_absence_pct >= 15 for t in p.education)
               for p in f.members)


def _work(f: Family) -> bool:
    return any(b.benefit.is_out_of_work and b.active_on(TODAY)
               for p in f.members for b in p.benefits)


def test_a_mix_of_families_meeting_and_missing_the_criteria() -> None:
    families = generate_families(500, seed=11, today=TODAY)
    met = [sum((_youth_offence(f) or bool(f.asb_interventions), _education(f), _work(f)))
           for f in families]
    assert {0, 1, 2, 3} <= set(met)
    # Near misses exist: informal disposals that must not count as proven.
    assert any(not o.disposal.is_formal for f in families for p in f.members
               for o in p.offences)


def test_nothing_is_dated_after_today() -> None:
    for family in generate_families(300, seed=5, today=TODAY):
        assert family.allocated_on <= TODAY
        assert all(n.occurred_at.date() <= TODAY for n in family.notes)
        assert all(p.date_of_birth <= TODAY for p in family.members)


def test_five_thousand_families_are_distinct_cases() -> None:
    """A benchmark-sized caseload (bench/store_bench.py times it): every family its own."""
    families = generate_families(5000, seed=2, today=TODAY)
    assert len(families) == 5000
    assert len({f.reference for f in families}) == 5000
    assert all(f.members for f in families)


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        generate_families(-1, seed=1, today=TODAY)
