"""The payment-by-results claim as a marked PDF: qualifying families by reference only.

Claims are anonymised (ISA §4.3.3): the rows come from ``ClaimRow``, which holds a family's
reference, the criteria codes and the results achieved, and never a name. The same rows go to
the CSV (``reports.claim_csv``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import Flowable

from keyworker_app.domain.criteria import Criterion
from keyworker_app.domain.dates import format_date
from keyworker_app.domain.outcomes import ClaimRow, Outcome
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.reports.page import render
from keyworker_app.reports.styles import (
    NOTE,
    TABLE_WIDTH,
    data_table,
    gap,
    heading,
    key_values,
    para,
    title_block,
)

TITLE = "Payment-by-results claim"


def _labels(codes: Sequence[str], kind: type[Criterion] | type[Outcome]) -> str:
    labels = []
    for code in codes:
        try:
            labels.append(kind(code).label)
        except ValueError:
            labels.append(code)
    return "; ".join(labels) or "None"


def story(rows: Sequence[ClaimRow], as_of: date) -> list[Flowable]:
    claimed = [r for r in rows if r.claimable]
    table = [[r.reference, _labels(r.criteria, Criterion), r.basis,
              _labels(r.results, Outcome), "Yes" if r.claimable else "No"] for r in rows]
    return [
        *title_block(TITLE, f"Results up to {format_date(as_of)}"),
        key_values([("Reference date", format_date(as_of)),
                    ("Qualifying families", str(len(rows))),
                    ("Results payments claimed", str(len(claimed)))], TABLE_WIDTH),
        para("Families are listed by reference only. The criteria are those met at entry to "
             "the programme (ISA Appendix D); results are measured against that baseline.",
             NOTE),
        gap(),
        heading("Qualifying families"),
        data_table(["Family reference", "Criteria met at entry", "Basis", "Results achieved",
                    "Results payment claimed"], table, [1.8, 3, 4, 3, 1.6],
                   "No family qualifies on this date."),
    ]


def build(rows: Sequence[ClaimRow], meta: ReportMeta, as_of: date) -> bytes:
    return render(meta, story(rows, as_of))
