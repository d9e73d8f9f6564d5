from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.errors import ValidationError
from keyworker_app.security.recovery import (
    format_recovery_key,
    new_recovery_key,
    parse_recovery_key,
)

secrets20 = st.binary(min_size=20, max_size=20)


@given(secrets20)
def test_format_parse_round_trip(secret: bytes) -> None:
    text = format_recovery_key(secret)
    groups = text.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert parse_recovery_key(text) == secret


@given(secrets20, st.sampled_from(["", " ", "-", "  "]))
def test_parse_tolerates_case_and_separators(secret: bytes, sep: str) -> None:
    text = format_recovery_key(secret).replace("-", sep).lower()
    assert parse_recovery_key(text) == secret


@given(secrets20)
def test_confusables_are_mapped(secret: bytes) -> None:
    text = format_recovery_key(secret)
    misread = text.replace("0", "O").replace("1", "l")
    assert parse_recovery_key(misread) == secret


def test_new_key_is_random_and_consistent() -> None:
    a, text_a = new_recovery_key()
    b, _ = new_recovery_key()
    assert a != b and len(a) == 20
    assert parse_recovery_key(text_a) == a


@pytest.mark.parametrize("bad", ["", "ABCD-EFGH", "ABCD-" * 8 + "A", "UUUU-" * 7 + "UUUU"])
def test_malformed_key_is_a_validation_error(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_recovery_key(bad)
    assert info.value.field == "recovery key"
    assert "UUUU" not in str(info.value)
