"""The TAF preparation pack: marked pages, criteria status, open and overdue actions, the last
meeting's decisions, what was shared since, and older information flagged for a check at
source (ISA Appendix A, fourth principle)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from keyworker_app.domain.family import Family
from keyworker_app.domain.policy import Policy
from keyworker_app.reports import taf_pack
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.services.demo_data import generate_families
from tests.taf_session import shipped_policy
from tests.unit.reports.conftest import HANDLING, MARKING, long_notes_family
from tests.unit.reports.pdf_checks import assert_marked_every_page, pdftotext_pages
from tests.unit.reports.taf_fixtures import pack_records

NOW = datetime(2025, 3, 7, 14, 30)


@pytest.fixture
def policy() -> Policy:
    return shipped_policy()


def render(records: taf_pack.PackRecords, policy: Policy, tmp_path: Path,
           now: datetime = NOW) -> tuple[bytes, list[str], str]:
    meta = ReportMeta(taf_pack.TITLE, records.family.reference, MARKING, HANDLING,
                      "Sam Lead (Team lead), Leeds City Council", now)
    data = taf_pack.build(records, policy, meta, now, purpose_label="Provide support",
                          destination_label="Print")
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    reading = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                             text=True).stdout
    return data, pdftotext_pages(path), " ".join(reading.split())


@pytest.fixture
def family() -> Family:
    return replace(long_notes_family(), id=7)


def test_every_page_is_marked_with_the_right_page_count(family: Family, policy: Policy,
                                                        tmp_path: Path) -> None:
    data, pages, _text = render(pack_records(family), policy, tmp_path)
    total = assert_marked_every_page(data, MARKING)
    assert total == len(pages) >= 4
    for number, page in enumerate(pages, 1):
        assert "TAF preparation pack — KW-0042" in page and f"Page {number} of {total}" in page


def test_pack_contents(family: Family, policy: Policy, tmp_path: Path) -> None:
    _data, pages, text = render(pack_records(family), policy, tmp_path)
    # family summary and members, with ages from dates of birth on the day
    assert "Alex Ashworth 12/04/1985 39 Parent or carer" in " ".join(" ".join(pages).split())
    # the criteria, each met or not, with the overall result
    for label in ("Crime and anti-social behaviour", "Education", "Adult out of work",
                  "Local discretion"):
        assert label in text
    assert "Does not qualify: Meets 0 of the three criteria." in text
    # the next meeting is the booked third one; the last is the second
    assert "Next meeting: Review TAF, 17/03/2025 09:30" in text
    assert "Decisions at the last meeting: Review TAF, 10/02/2025 14:30" in text
    assert "Decision 1.0" in text and "Decision 0.0" not in text and "Decision 2.0" not in text
    # open actions only, overdue first and flagged in words
    assert re.search(r"Open actions: \d+, of which \d+ overdue", text)
    assert "OVERDUE by 60 days" in text  # due on the day of the first meeting, 06/01/2025
    assert "Action 0.1:" not in text  # done
    assert "Action 0.3:" not in text  # cancelled
    first_open = text.index("Open actions:")
    assert text.index("OVERDUE", first_open) < text.index(" Open ", first_open)


def test_shared_since_the_last_meeting_and_older_items_flagged(family: Family, policy: Policy,
                                                              tmp_path: Path) -> None:
    _data, _pages, text = render(pack_records(family), policy, tmp_path)
    since = text[text.index("Information shared since the last meeting (10/02/2025)"):
                 text.index("Older information:")]
    older = text[text.index("Older information:"):]
    # since the last meeting: the booked meeting's items and the recent family-record item,
    # not what was shared at the last meeting itself
    assert "Police item 2:" in since and "No call-outs to the address" in since
    assert "Police item 1:" not in since and "Police item 0:" not in since
    assert "Data controller: Leicestershire Police" in since
    # older than 90 days: flagged for a check at source; newer ones are not flagged
    assert "check with the source that this is still current" in older
    assert "GP registration confirmed" in older
    assert "CHECK WITH THE SOURCE THAT THIS IS STILL CURRENT (over 90 days old)" in older
    assert "CHECK WITH THE SOURCE" not in since
    assert "Police item 0:" not in older  # 06/01/2025 is within 90 days of 07/03/2025


def test_no_meeting_yet(policy: Policy, tmp_path: Path) -> None:
    family = replace(long_notes_family(), id=7)
    data, _pages, text = render(taf_pack.PackRecords(family, [], [], []), policy, tmp_path)
    assert assert_marked_every_page(data, MARKING) >= 1
    assert "No TAF meetings recorded yet." in text and "No meeting has been held yet." in text
    assert "No open actions." in text


def test_criteria_evidence_names_members_and_near_misses(policy: Policy,
                                                         tmp_path: Path) -> None:
    families = generate_families(40, 3, date(2025, 3, 7))
    from keyworker_app.domain.criteria import evaluate

    family = next(f for f in families
                  if evaluate(f, NOW.date(), policy.criteria).qualifies)
    data, _pages, text = render(taf_pack.PackRecords(replace(family, id=1), [], [], []),
                                policy, tmp_path)
    assert assert_marked_every_page(data, MARKING) >= 1
    assert "Qualifies:" in text and " Met " in text
    evaluation = evaluate(family, NOW.date(), policy.criteria)
    first = next(e for r in evaluation.results for e in r.evidence)
    assert first.explanation.split()[0] in text
    if first.person_ref:
        assert family.member(first.person_ref).display_name.split()[0] in text
