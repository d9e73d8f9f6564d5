from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from keyworker_app.domain.family import CaseNote, ContactKind, Family
from keyworker_app.reports.meta import ReportMeta
from tests.gui.samples import sample_family

MARKING = "OFFICIAL-SENSITIVE"
HANDLING = ("Handle per the ISA Appendix C: keep locked away, send only by secure e-mail or in "
            "a password-protected attachment, destroy securely.")
LONG = " ".join(["Mum said the mornings are easier since the school bus changed; the family "
                 "agreed to keep the attendance diary and to call the school by 9:30."] * 30)


@pytest.fixture
def meta() -> ReportMeta:
    return ReportMeta("Case summary", "KW-0042", MARKING, HANDLING,
                      "Sam Worker (Key worker), Leeds City Council", datetime(2025, 3, 7, 14, 30))


def long_notes_family(reference: str = "KW-0042", name: str = "Ashworth") -> Family:
    family = sample_family(reference, name)
    notes = tuple(CaseNote(ContactKind.HOME_VISIT, datetime(2025, 2, 1 + i % 27, 10, 30),
                           "Sam Worker", f"Visit {i}. " + LONG[: 400 + (i * 577) % 3000])
                  for i in range(30))
    return replace(family, notes=notes)


@pytest.fixture
def long_family() -> Family:
    return long_notes_family()


TODAY = date(2025, 3, 7)
