"""The PbR claim CSV neutralises spreadsheet formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker_app.domain.outcomes import ClaimRow
from keyworker_app.reports.claim_csv import FORMULA_STARTS, claim_csv, safe_cell


@pytest.mark.parametrize("dangerous", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx",
                                       "=HYPERLINK(\"http://x\")"])
def test_dangerous_cells_are_prefixed(dangerous: str) -> None:
    assert safe_cell(dangerous).startswith("'")


@given(st.text())
def test_no_cell_ever_starts_a_formula(value: str) -> None:
    cell = safe_cell(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert "\n" not in cell.replace("\r", "")


def test_claim_rows_round_trip_with_every_cell_safe() -> None:
    rows = [ClaimRow("=cmd|'/c calc'!A0", date(2025, 3, 15), ("crime-asb", "work"),
                     "-Meets all three criteria", ("education",), True),
            ClaimRow("TF-0002", date(2025, 3, 15), ("education",), "@x", (), False)]
    text = claim_csv(rows, "RESTRICTED")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == ["RESTRICTED"] and parsed[-1] == ["RESTRICTED"]
    for row in parsed:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS)
    assert parsed[2][0] == "'=cmd|'/c calc'!A0"
    assert parsed[2][1] == "15/03/2025"
    assert parsed[3][-1] == "No"
