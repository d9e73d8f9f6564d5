"""The payment-by-results claim as CSV: references only, safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula (CSV/formula injection, OWASP), so such a
cell gets a leading apostrophe, which spreadsheets show as text and never evaluate. Line
feeds inside a cell are allowed by CSV but become spaces here: a claim row is one line.
The protective marking is the first and last row, as on every page of a report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from keyworker_app.domain.dates import format_date
from keyworker_app.domain.outcomes import ClaimRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADERS = ("Family reference", "Reference date", "Criteria met at entry", "Basis",
           "Results achieved", "Results payment claimed")


def safe_cell(value: str) -> str:
    """The cell as text a spreadsheet will not evaluate."""
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return value.replace("\r\n", " ").replace("\n", " ")


def claim_csv(rows: Sequence[ClaimRow], marking: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(marking)])
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([safe_cell(v) for v in (
            row.reference, format_date(row.as_of), " ".join(row.criteria), row.basis,
            " ".join(row.results), "Yes" if row.claimable else "No")])
    writer.writerow([safe_cell(marking)])
    return out.getvalue()
