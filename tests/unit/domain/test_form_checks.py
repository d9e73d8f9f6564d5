"""Pure input checks and date formats used by the GUI forms (no Qt)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from keyworker_app.domain.dates import age_on, format_date, format_datetime, parse_date
from keyworker_app.domain.input_checks import (
    date_of_birth_problem,
    passphrase_strength,
    postcode_problem,
)
from keyworker_app.domain.validation import canonical_postcode


@pytest.mark.parametrize("text", ["SW1A 1AA", "sw1a1aa", "LS1 4AP", "M1 1AE", "B33 8TH",
                                  "CR2 6XH", "DN55 1PT", "EC1A 1BB", "GIR 0AA"])
def test_valid_postcodes(text: str) -> None:
    assert postcode_problem(text) is None


@pytest.mark.parametrize("text", ["", "12345", "SW1A", "QQ1 1AA", "LS1 4CI", "not a postcode"])
def test_invalid_postcodes(text: str) -> None:
    assert postcode_problem(text)


def test_canonical_postcode() -> None:
    assert canonical_postcode(" ls14ap ") == "LS1 4AP"


def test_form_and_import_agree_on_pseudo_postcodes() -> None:
    # The NHS "no fixed abode" postcodes appear in real records and in the demo store.
    assert postcode_problem("ZZ99 3WZ") is None


def test_dates_are_british() -> None:
    assert format_date(date(2015, 3, 7)) == "07/03/2015"
    assert format_datetime(datetime(2025, 3, 7, 14, 5)) == "07/03/2025 14:05"
    assert parse_date("7/3/2015") == date(2015, 3, 7)
    with pytest.raises(ValueError, match="DD/MM/YYYY"):
        parse_date("2015-03-07")
    assert format_date(None) == ""


def test_date_of_birth_rules() -> None:
    today = date(2025, 6, 1)
    assert date_of_birth_problem("01/06/2025", today) is None
    assert "future" in (date_of_birth_problem("02/06/2025", today) or "")
    assert date_of_birth_problem("31/02/2020", today)
    assert date_of_birth_problem("", today)
    assert age_on(date(2010, 6, 2), today) == 14
    assert age_on(date(2010, 6, 1), today) == 15


def test_passphrase_strength_explains() -> None:
    assert passphrase_strength("")[0] == 0
    assert passphrase_strength("aaaaaaaaaaaaaaaa")[0] == 0
    assert passphrase_strength("Password1")[0] == 1
    score, reason = passphrase_strength("plum violin harbour seventeen")
    assert score >= 3 and "words" in reason
