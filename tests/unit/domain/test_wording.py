"""Counts read as English ("1 request", "2 breaches recorded", "3 families") and report
names sit in a sentence as they should ("the case summary", "the TAF meeting record")."""

from __future__ import annotations

import pytest

from keyworker_app.domain.dates import parse_date
from keyworker_app.domain.references import reference_placeholder
from keyworker_app.domain.wording import in_sentence, plural


@pytest.mark.parametrize(("count", "noun", "said"), [
    (1, "request", "1 request"), (0, "request", "0 requests"), (1, "breach", "1 breach"),
    (2, "breach", "2 breaches"), (3, "open family", "3 open families"),
    (1, "open family", "1 open family"), (2, "child", "2 children"),
    (2, "day", "2 days"), (4, "match", "4 matches"), (2, "review", "2 reviews"),
])
def test_counts_take_the_right_number(count: int, noun: str, said: str) -> None:
    assert plural(count, noun) == said


def test_report_names_read_in_a_sentence() -> None:
    assert f"The {in_sentence('TAF meeting record')} was saved" == (
        "The TAF meeting record was saved")
    assert in_sentence("Case summary") == "case summary"
    assert in_sentence("PbR claim") == "PbR claim"
    assert in_sentence("Payment-by-results claim") == "payment-by-results claim"


def test_an_impossible_date_is_called_so_and_the_placeholder_uses_the_year() -> None:
    with pytest.raises(ValueError, match="31/02/2026 is not a date"):
        parse_date("31/02/2026")
    assert reference_placeholder(2026) == "e.g. KW-2026-001"
