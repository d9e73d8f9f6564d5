"""A new referral's suggested reference, and the New family form's text read into a family
with its problems named by field."""

from __future__ import annotations

from datetime import date

from keyworker_app.domain.references import next_reference, reference_placeholder
from keyworker_app.gui.new_family_values import NO_MEMBERS, check_new_family

TODAY = date(2026, 3, 10)


def test_the_next_reference_follows_the_highest_of_this_year() -> None:
    assert next_reference(2026, []) == "KW-2026-001"
    assert next_reference(2026, ["KW-2026-009", "KW-2026-010", "KW-2026-0x1"]) == "KW-2026-011"
    assert next_reference(2027, ["KW-2026-099"]) == "KW-2027-001"
    assert reference_placeholder(2026) == "e.g. KW-2026-001"


def _form(**extra: str) -> dict[str, str]:
    values = {"reference": "KW-2026-001", "family_name": "Wolstenholme", "status": "referred",
              "allocated_on": "01/03/2026", "key_worker": "Sam Worker", "review_due": "",
              "member.0.given_names": "Morwenna", "member.0.family_name": "Wolstenholme",
              "member.0.date_of_birth": "02/03/1988", "member.0.household_role": "parent-carer",
              "member.0.upn": "", "member.0.nhs_number": "", "member.0.ni_number": "",
              "member.1.given_names": "", "member.1.family_name": "",
              "member.1.date_of_birth": "", "member.1.household_role": "child",
              "member.1.upn": "", "member.1.nhs_number": "", "member.1.ni_number": ""}
    values.update(extra)
    return values


def test_a_blank_member_row_is_left_out_and_an_address_is_optional() -> None:
    checked = check_new_family(_form(), TODAY)
    assert checked.problems == {}
    assert checked.family is not None
    assert [p.ref for p in checked.family.members] == ["p1"]
    assert checked.family.addresses == ()


def test_each_problem_is_named_by_its_field() -> None:
    checked = check_new_family(_form(**{
        "member.1.given_names": "Tobiah", "member.1.date_of_birth": "31/02/2014",
        "member.0.nhs_number": "1234567890", "address.line1": "14 Orchard Row",
        "address.postcode": "LS6 2QD", "review_due": "2026-04-01",
        "rel.0.subject_ref": "p1", "rel.0.kind": "parent-of", "rel.0.object_ref": "p1"}),
        TODAY)
    assert checked.family is None
    assert checked.problems["member.1.date_of_birth"] == "31/02/2014 is not a date."
    assert "NHS number" in checked.problems["member.0.nhs_number"]
    assert checked.problems["address.town"] == "Enter the town."
    assert "review_due" in checked.problems
    assert checked.problems["rel.0.object_ref"] == (
        "A relationship is between two different members.")


def test_a_family_needs_a_member() -> None:
    values = {k: v for k, v in _form().items() if not k.startswith("member.0.")}
    assert check_new_family(values, TODAY).problems == {"": NO_MEMBERS}
