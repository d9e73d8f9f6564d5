from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.family import Address, Family, FamilyStatus, HouseholdRole, Person
from keyworker_app.domain.normalise import (
    format_postcode,
    is_valid_uk_postcode,
    name_tokens,
    normalise_name,
    normalise_postcode,
    normalise_reference,
    postcode_terms,
    search_terms_for,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  José  ", "jose"),
        ("ZOË Brontë", "zoe bronte"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Smith-Jones", "smith-jones"),
        ("Łukasz Øberg", "lukasz oberg"),
        ("Straße", "strasse"),
        ("İlker", "ilker"),
        ("Anne–Marie", "anne-marie"),
        ("Mary (Molly), Jr.", "mary molly jr"),
        ("", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_name_tokens_split_hyphens_and_keep_the_joined_form() -> None:
    assert name_tokens("Anne-Marie  Smith-Jones") == [
        "anne", "marie", "annemarie", "smith", "jones", "smithjones"
    ]
    assert name_tokens("Zoë zoe") == ["zoe"]
    assert name_tokens("  - ' ") == []


@given(st.text())
def test_normalise_name_is_idempotent_and_tokens_are_clean(raw: str) -> None:
    once = normalise_name(raw)
    assert normalise_name(once) == once
    for token in name_tokens(raw):
        assert token and " " not in token and "-" not in token


@pytest.mark.parametrize(
    "postcode",
    ["LE1 7RH", "le17rh", " sw1a 1aa ", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX",
     "EC1A 1BB", "GIR 0AA", "gir0aa"],
)
def test_valid_postcodes(postcode: str) -> None:
    assert is_valid_uk_postcode(postcode)


@pytest.mark.parametrize(
    "postcode",
    ["", "LE1", "LE1 7R", "QE1 7RH", "LE1 7CH", "12345", "LE1 7RHX", "GIR 0AB", "L E 1"],
)
def test_invalid_postcodes(postcode: str) -> None:
    assert not is_valid_uk_postcode(postcode)


def test_postcode_forms() -> None:
    assert normalise_postcode(" le1  7rh ") == "LE17RH"
    assert format_postcode("le17rh") == "LE1 7RH"
    assert format_postcode("gir0aa") == "GIR 0AA"
    assert format_postcode("not valid") == "NOTVALID"


def test_reference_keeps_letters_and_digits_only() -> None:
    assert normalise_reference(" LC-2024 / 0012 ") == "lc20240012"


def test_search_terms_cover_names_reference_and_current_postcode() -> None:
    family = Family(
        reference="LC-2024-0012",
        family_name="Brontë",
        status=FamilyStatus.ACTIVE,
        allocated_on=date(2024, 1, 1),
        key_worker="KW",
        members=(Person("p1", "Zoë Anne", "O'Brien", date(2010, 1, 1), HouseholdRole.CHILD),),
        addresses=(
            Address("1 Old Road", "Leicester", "LE3 9AB", to_date=date(2023, 1, 1)),
            Address("2 New Road", "Leicester", "le1 7rh"),
        ),
    )
    assert search_terms_for(family) == {
        "n:bronte", "n:zoe", "n:anne", "n:obrien", "r:lc20240012", "p:LE1 7RH", "p:LE17RH",
    }


def test_postcode_terms() -> None:
    assert postcode_terms("le1 7rh") == ["p:LE1 7RH", "p:LE17RH"]
    # Not valid (C cannot start an inward code): kept with the spacing it was typed with.
    assert postcode_terms("le12 3cd") == ["p:LE12 3CD", "p:LE123CD"]
    assert postcode_terms("  ") == []
