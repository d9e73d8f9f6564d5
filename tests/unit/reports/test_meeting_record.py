"""The TAF meeting record: marked pages, draft or finalised on its face, the sharing trail,
tables split across pages with repeated headers, and nothing from the case file it does not
need."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.taf import Meeting
from keyworker_app.reports import meeting_record
from keyworker_app.reports.meta import ReportMeta
from tests.taf_session import shipped_policy
from tests.unit.reports.conftest import HANDLING, MARKING, TODAY, long_notes_family
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages
from tests.unit.reports.taf_fixtures import three_meetings

NOW = datetime(2025, 3, 7, 14, 30)


@pytest.fixture
def policy() -> Policy:
    return shipped_policy()


@pytest.fixture
def family() -> Family:
    return replace(long_notes_family(), id=7)


def render(meeting: Meeting, family: Family, policy: Policy, tmp_path: Path,
           name: str = "record.pdf") -> tuple[bytes, list[str]]:
    meta = ReportMeta(meeting_record.title_for(meeting), family.reference, MARKING, HANDLING,
                      "Sam Worker (Key worker), Leeds City Council", NOW)
    data = meeting_record.build(meeting, family, policy, meta, TODAY,
                                purpose_label="Provide support", destination_label="Print")
    path = tmp_path / name
    path.write_bytes(data)
    return data, pdftotext_pages(path)


def flat(pages: list[str]) -> str:
    return " ".join(" ".join(pages).split())


def reading_text(data: bytes, tmp_path: Path) -> str:
    """The text in reading order (pdftotext without -layout keeps each cell together)."""
    path = tmp_path / "reading.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_page_is_marked_with_the_right_page_count(index: int, family: Family,
                                                        policy: Policy, tmp_path: Path) -> None:
    data, pages = render(three_meetings(7)[index], family, policy, tmp_path)
    total = assert_marked_every_page(data, MARKING)
    assert total == len(pages) >= 4
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {total}" in page
        assert "Handle per the ISA Appendix C" in page


def test_draft_says_so_on_every_page_finalised_says_by_whom(family: Family, policy: Policy,
                                                             tmp_path: Path) -> None:
    finalised, draft = three_meetings(7)[0], three_meetings(7)[2]
    _data, pages = render(draft, family, policy, tmp_path, "draft.pdf")
    for page in pages:
        assert "TAF meeting record (DRAFT — not finalised) — KW-0042" in page
    assert "DRAFT — NOT FINALISED. This record may still change" in flat(pages)
    _data, pages = render(finalised, family, policy, tmp_path, "final.pdf")
    text = flat(pages)
    assert "DRAFT" not in text
    assert "Finalised by Sam Worker on 07/01/2025 09:00" in text
    assert "20/01/2025 16:05 Sam Worker Correction:" in text  # the addendum, by whom and when


def test_record_holds_what_the_meeting_said_and_the_sharing_trail(
        family: Family, policy: Policy, tmp_path: Path) -> None:
    meeting = three_meetings(7)[1]
    data, _pages = render(meeting, family, policy, tmp_path)
    text = reading_text(data, tmp_path)
    for expected in (
            "Family reference KW-0042", "Meeting Review TAF", "Date and time 10/02/2025 14:30",
            "Venue Family home, Leicester", "Chair Sam Worker", "Next review 28/02/2025",
            "Leicester City Council (Troubled Families team)", "Sent apologies",
            "Riverside Housing Association", "Alex Ashworth", "The child's voice",
            "In Child1's words (1)", "What is working well", "What we are worried about",
            "What needs to happen", "Decision 1.3", "Action 1.11",
            "OVERDUE by", "Appendix B row 6:", "Outside the agreed exchanges: The landlord",
            "Data controller: Leicestershire Police", "Secure e-mail", "At the meeting",
            "Telephone", "Crime and Disorder Act 1998, s.115",
            "Reason: Reducing", "Consent",
            "The next review is due by 28/02/2025.", "by Sam Worker"):
        assert expected in text, expected
    assert "Not finalised" not in text and "No addenda." in text


def test_minimised_for_the_family_and_attendees(family: Family, policy: Policy,
                                                tmp_path: Path) -> None:
    _data, pages = render(three_meetings(7)[0], family, policy, tmp_path)
    text = flat(pages)
    for absent in ("12/04/1985", "Date of birth", "1 High Street", "LS1 4AP", "Contact log",
                   "Visit 3.", "Child2 Ashworth"):  # Child2 neither took part nor is a subject
        assert absent not in text, absent


def test_three_long_meetings_split_tables_with_repeated_headers(
        family: Family, policy: Policy, tmp_path: Path) -> None:
    """Acceptance 6: long notes split across pages, the header row repeated on each page a
    table reaches, every word on the page; page 1 and a middle page rendered for a look."""
    for index, meeting in enumerate(three_meetings(7)):
        _data, pages = render(meeting, family, policy, tmp_path, f"m{index}.pdf")
        plan_pages = [p for p in pages if re.search(r"Action \d+\.\d+", p)]
        shared_pages = [p for p in pages if "Police item" in p or "Housing item" in p]
        assert len(plan_pages) >= 2 and len(shared_pages) >= 2
        for page in plan_pages:
            assert re.search(r"Need and action\s+Who\s+Agency\s+By when\s+Status\s+Outcome",
                             page)
        for page in shared_pages:
            assert re.search(r"Received\s+Source\s+Agreed exchange\s+Lawful basis\s+What was",
                             page)
        text = flat(pages)
        for n in range(12):
            assert f"Action {index}.{n}:" in text
        assert text.count("(continued)") >= 3
        assert text.count(f"Police item {index}:") == 2
    path = tmp_path / "m1.pdf"
    middle = len(pdftotext_pages(path)) // 2 + 1
    for page in (1, middle):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page),
                        str(path), str(tmp_path / f"page{page}")], check=True)
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == 2 and all(p.stat().st_size > 10_000 for p in images)


def test_a_review_record_shows_its_outcome_and_reason(family: Family, policy: Policy,
                                                      tmp_path: Path) -> None:
    from keyworker_app.domain.taf import MeetingOutcome, MeetingType, finalise_problems

    review = replace(three_meetings(7)[1], kind=MeetingType.REVIEW, outcome=None,
                     outcome_reason="")
    assert [p.path for p in finalise_problems(replace(review, held_at=NOW), TODAY)] == [
        ("outcome",), ("outcome_reason",)]
    data, _pages = render(review, family, policy, tmp_path, "none.pdf")
    assert "No outcome has been recorded yet." in reading_text(data, tmp_path)
    decided = replace(review, outcome=MeetingOutcome.STEP_UP,
                      outcome_reason="New concerns shared by the school on 03/03.")
    assert finalise_problems(replace(decided, held_at=NOW), TODAY) == []
    data, _pages = render(decided, family, policy, tmp_path, "outcome.pdf")
    text = reading_text(data, tmp_path)
    assert "Outcome of the meeting" in text
    assert "Outcome: Step up to children's social care." in text
    assert "Reason: New concerns shared by the school on 03/03." in text
