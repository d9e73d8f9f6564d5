"""Reports print local time: a case note made at 10:30 in summer reads 10:30 in the case
summary, and a breach found on the Friday before the clocks go back has its 72 hours counted
in real hours (the deadline is 09:00 GMT on Monday, not 10:00)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from keyworker_app.domain.breach import Breach
from keyworker_app.domain.family import CaseNote, ContactKind
from keyworker_app.reports import breach_record, case_summary
from keyworker_app.reports.page import ReportMeta
from tests.gui.samples import sample_family
from tests.taf_session import shipped_policy
from tests.unit.reports.conftest import HANDLING, MARKING
from tests.unit.reports.pdf_checks import positioned_text

pytestmark = pytest.mark.usefixtures("london")

NOON_UTC = datetime(2025, 7, 15, 11, 0, tzinfo=UTC)


def text(data: bytes) -> str:
    """The words pypdf reads back, in order (a table cell may wrap onto two lines)."""
    return " ".join(t for page in positioned_text(data) for t, _y in page)


def meta(title: str) -> ReportMeta:
    return ReportMeta(title, "KW-0042", MARKING, HANDLING, "Sam Worker (Key worker)", NOON_UTC)


def test_case_summary_shows_the_note_at_local_time() -> None:
    note = CaseNote(ContactKind.HOME_VISIT, datetime(2025, 7, 15, 9, 30, tzinfo=UTC),
                    "Sam Worker", "Visited at home; the morning routine is holding.")
    family = replace(sample_family("KW-0042", "Ashworth"), notes=(note,))
    words = text(case_summary.build(family, meta("Case summary"), NOON_UTC.date(),
                                    "Provide support", "Print"))
    assert "15/07/2025 10:30" in words and "09:30" not in words
    assert "Generated 15/07/2025 12:00" in words


def test_breach_deadline_counts_real_hours_across_the_clock_change() -> None:
    policy = shipped_policy()
    found = datetime(2024, 10, 25, 9, 0, tzinfo=UTC)  # Friday 10:00 BST
    breach = Breach(policy.breach.categories[0].id, found, "Laptop left on a train",
                    (policy.partners[0].id,), serious=True, id=3)
    now = datetime(2024, 10, 26, 9, 0, tzinfo=UTC)
    words = text(breach_record.build(breach, policy, meta("Breach record"), now))
    assert "Found 25/10/2024 10:00" in words
    hours = policy.breach.regulator_deadline_hours
    assert hours == 72  # noqa: PLR2004 (the shipped policy: UK GDPR Art. 33)
    assert "deadline 28/10/2024 09:00" in words
