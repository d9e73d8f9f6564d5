"""The family rules (``domain.family_rules``): each returns every problem with its field
path and a plain message that never repeats the value."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings

from keyworker_app.domain.dates import parse_date, parse_datetime
from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.family_rules import (
    closure_problems,
    family_problems,
    new_problems,
    require_valid_family,
)
from keyworker_app.domain.indicators import (
    Benefit,
    BenefitSpell,
    Concern,
    ConcernKind,
    Disposal,
    EducationTerm,
    Offence,
    Term,
)
from keyworker_app.domain.problems import InvalidRecordError, Problem
from tests.gui.samples import sample_family
from tests.rule_samples import BROKEN, invalid_family
from tests.strategies import PAST, families

TODAY = date(2026, 3, 15)


def good() -> Family:
    return sample_family("KW-0001", "Ashworth")


def paths(family: Family) -> list[tuple[object, ...]]:
    return [p.path for p in family_problems(family, TODAY)]


def test_a_good_family_has_no_problems() -> None:
    assert family_problems(good(), TODAY) == []
    assert require_valid_family(good(), TODAY) == good()


def test_the_invalid_family_breaks_three_rules_each_said_plainly() -> None:
    problems = family_problems(invalid_family(TODAY), TODAY)
    assert problems == [
        Problem(BROKEN[0], "Another address is current: add a leaving date."),
        Problem(BROKEN[1], "This relationship is already recorded."),
        Problem(BROKEN[2], "A case note cannot be dated in the future."),
    ]
    with pytest.raises(InvalidRecordError) as refused:
        require_valid_family(invalid_family(TODAY), TODAY)
    assert refused.value.problems == tuple(problems)
    assert refused.value.lines() == [
        "Address 1: Another address is current: add a leaving date.",
        "Relationship 2: This relationship is already recorded.",
        "Case note 2: A case note cannot be dated in the future.",
    ]
    assert str(refused.value).startswith("Address 1: Another address is current")
    assert "2 more problems" in str(refused.value)


def test_a_note_later_today_is_not_in_the_future_but_tomorrow_is() -> None:
    note = CaseNote(ContactKind.NOTE, datetime(2026, 3, 15, 23, 0), "Sam", "Late call.")
    assert family_problems(replace(good(), notes=(note,)), TODAY) == []
    tomorrow = replace(note, occurred_at=datetime(2026, 3, 16, 0, 5))
    assert paths(replace(good(), notes=(tomorrow,))) == [("notes", 0, "occurred_at")]


def test_one_current_address_is_the_last() -> None:
    ended = Address("2 Low Road", "Leeds", "LS1 4AP", from_date=date(2010, 1, 1),
                    to_date=date(2019, 12, 31))
    assert family_problems(replace(good(), addresses=(ended, *good().addresses)), TODAY) == []
    reopened = replace(ended, to_date=None)
    three = (reopened, reopened, *good().addresses)
    assert paths(replace(good(), addresses=three)) == [("addresses", 0, "to_date"),
                                                        ("addresses", 1, "to_date")]


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda f: replace(f, relationships=(Relationship("p1", RelationshipKind.OTHER, "p1"),)),
     ("relationships", 0, "object_ref"), "two different members"),
    (lambda f: replace(f, relationships=(Relationship("p1", RelationshipKind.OTHER, "zz"),)),
     ("relationships", 0, "object_ref"), "member of this family"),
    (lambda f: replace(f, members=(*f.members, replace(f.members[0], given_names="Jo"))),
     ("members", 3, "ref"), "same ref"),
    (lambda f: replace(f, allocated_on=date(2026, 4, 1)), ("allocated_on",), "future"),
    (lambda f: replace(f, closed_on=date(2024, 12, 31)), ("closed_on",),
     "before the allocation date"),
    (lambda f: replace(f, key_worker="  "), ("key_worker",), "Enter the key worker"),
    (lambda f: replace(f, addresses=(replace(f.addresses[0], postcode="LS1 4CC"),)),
     ("addresses", 0, "postcode"), "UK postcode"),
    (lambda f: replace(f, addresses=(replace(f.addresses[0], to_date=date(2019, 1, 1)),)),
     ("addresses", 0, "to_date"), "before the moving-in date"),
    (lambda f: replace(f, concerns=(Concern(ConcernKind.OTHER, date(2025, 1, 1)),)),
     ("concerns", 0, "detail"), "Describe the concern"),
    (lambda f: replace(f, concerns=(Concern(ConcernKind.ARRESTS, date(2025, 1, 1),
                                            person_ref="nobody"),)),
     ("concerns", 0, "person_ref"), "member of this family"),
], ids=["self", "stranger", "same-ref", "allocated-future", "closed-early", "key-worker",
        "postcode", "address-order", "other-concern", "concern-about"])
def test_family_rules(change: object, path: tuple[object, ...], words: str) -> None:
    problems = family_problems(change(good()), TODAY)  # type: ignore[operator]
    assert [p.path for p in problems] == [path]
    assert words in problems[0].message


def _member(**changes: object) -> Family:
    family = good()
    return replace(family, members=(replace(family.members[0], **changes),  # type: ignore[arg-type]
                                    *family.members[1:]))


def _child(**changes: object) -> Family:
    family = good()
    return replace(family, members=(family.members[0],
                                    replace(family.members[1], **changes),  # type: ignore[arg-type]
                                    *family.members[2:]))


@pytest.mark.parametrize(("family", "path", "words"), [
    (_member(date_of_birth=date(2026, 3, 16)), ("members", 0, "date_of_birth"), "future"),
    (_member(date_of_birth=date(1900, 1, 1)), ("members", 0, "date_of_birth"), "120 years"),
    (_member(nhs_number="999 000 0019"), ("members", 0, "nhs_number"), "check digit"),
    (_member(ni_number="QQ 12 34 56"), ("members", 0, "ni_number"), "National Insurance"),
    (_member(given_names=""), ("members", 0, "given_names"), "Enter given names"),
    (_member(offences=(Offence(date(2025, 5, 1), Disposal.FINE,
                               disposal_date=date(2025, 4, 1)),)),
     ("members", 0, "offences", 0, "disposal_date"), "before the offence date"),
    (_member(offences=(Offence(date(2026, 5, 1), Disposal.FINE),)),
     ("members", 0, "offences", 0, "offence_date"), "future"),
    (_member(education=(EducationTerm(2024, Term.AUTUMN),)),
     ("members", 0, "education", 0), "recorded for children"),
    (_child(benefits=(BenefitSpell(Benefit.JSA, date(2025, 1, 1)),)),
     ("members", 1, "benefits", 0), "recorded for adults"),
    (_child(benefits=()), None, ""),
    (_child(education=(EducationTerm(2025, Term.SUMMER),)),  # starts April 2026
     ("members", 1, "education", 0, "term"), "not started"),
    (_child(education=(EducationTerm(2024, Term.AUTUMN), EducationTerm(2024, Term.AUTUMN))),
     ("members", 1, "education", 1, "term"), "already recorded"),
    (_child(education=(EducationTerm(1999, Term.AUTUMN),)),
     ("members", 1, "education", 0, "academic_year"), "2000/01 onwards"),
    (_child(education=(EducationTerm(2024, Term.AUTUMN, unauthorised_absence_pct=101),)),
     ("members", 1, "education", 0, "unauthorised_absence_pct"), "0 to 100"),
    (_child(education=(EducationTerm(2024, Term.AUTUMN, fixed_exclusions=100),)),
     ("members", 1, "education", 0, "fixed_exclusions"), "0 to 99"),
])
def test_member_rules(family: Family, path: tuple[object, ...] | None, words: str) -> None:
    problems = family_problems(family, TODAY)
    assert [p.path for p in problems] == ([path] if path else [])
    if path:
        assert words in problems[0].message


def test_messages_never_repeat_the_value() -> None:
    secret = "Quillfeather-9999"
    family = replace(good(), reference=secret * 5, members=(
        replace(good().members[0], given_names=secret * 20, upn=secret),))
    problems = family_problems(family, TODAY)
    assert {p.path for p in problems} == {("reference",), ("members", 0, "given_names"),
                                          ("members", 0, "upn")}
    assert all(secret not in p.message for p in problems)


def test_closing_a_case() -> None:
    assert closure_problems(good(), TODAY, "Goals met.", TODAY) == []
    assert [p.path for p in closure_problems(good(), date(2026, 3, 16), " ", TODAY)] == [
        ("closed_on",), ("closure_reason",)]
    assert "before the allocation date" in closure_problems(
        good(), date(2024, 1, 1), "Moved away.", TODAY)[0].message


@settings(max_examples=60, deadline=None)
@given(families())
def test_the_shared_test_families_keep_the_rules(family: Family) -> None:
    # Store, report and criteria tests build on them: they must be families a user can save.
    assert family_problems(family, PAST) == []


def test_for_form_puts_each_problem_by_its_field() -> None:
    family = invalid_family(TODAY)
    error = InvalidRecordError.for_form(family_problems(family, TODAY), ("notes", 1))
    assert error.field == "occurred_at"
    assert error.by_field == (
        ("occurred_at", "A case note cannot be dated in the future."),
        ("", "Address 1: Another address is current: add a leaving date."),
        ("", "Relationship 2: This relationship is already recorded."))
    whole = InvalidRecordError.for_form(family_problems(family, TODAY), ("relationships", 1),
                                        whole_record="kind")
    assert whole.by_field[0] == ("kind", "This relationship is already recorded.")


@pytest.mark.parametrize(("text", "message"), [
    ("31/02/2026", "31/02/2026 is not a date."),
    ("29/2/2025", "29/02/2025 is not a date."),
    ("00/01/2026", "00/01/2026 is not a date."),
    ("2026-02-01", "Enter a date as DD/MM/YYYY, for example 07/03/2015."),
])
def test_an_impossible_date_says_so(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text)


def test_an_impossible_date_and_time_says_so() -> None:
    assert parse_date("29/02/2024") == date(2024, 2, 29)
    with pytest.raises(ValueError, match=r"^31/04/2026 is not a date\.$"):
        parse_datetime("31/04/2026 10:00")
    with pytest.raises(ValueError, match="25:10 is not a time of day"):
        parse_datetime("30/04/2026 25:10")
    with pytest.raises(ValueError, match="DD/MM/YYYY HH:MM"):
        parse_datetime("30/04/2026")



def test_an_edit_is_refused_only_for_what_it_makes_worse() -> None:
    legacy = invalid_family(TODAY)  # three problems from before the rules
    noted = replace(legacy, notes=legacy.notes[:1])  # one fixed, two left
    assert new_problems(noted, legacy, TODAY) == []
    require_valid_family(noted, TODAY, before=legacy)
    worse = replace(noted, key_worker="")
    assert [p.path for p in new_problems(worse, legacy, TODAY)] == [("key_worker",)]
    assert len(new_problems(worse, None, TODAY)) == 3  # without a base: every problem
