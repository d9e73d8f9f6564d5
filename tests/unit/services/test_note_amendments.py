"""A case note is amended, never overwritten: the original text stays, the amendment says
who, when and why, a later save of the family leaves both alone, and the case summary PDF
(parsed back) shows both."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlcipher3

from keyworker_app.errors import UserFacingError
from keyworker_app.paths import StorePaths
from keyworker_app.reports import case_summary
from keyworker_app.reports.meta import ReportMeta
from keyworker_app.security.device_secret import DeviceSecrets
from keyworker_app.security.kdf import FAST_TEST_KDF
from keyworker_app.services.case_store import CaseSession, CaseStore
from tests.gui.samples import OWNER, sample_family
from tests.keyring_memory import MemoryKeyring
from tests.unit.reports.conftest import HANDLING, MARKING, TODAY
from tests.unit.reports.pdf_checks import pdftotext_pages


def pdftotext_flow(path: Path) -> str:
    """The text in reading order (a wrapped table cell's lines follow each other)."""
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


PASSPHRASE = "amber lantern cobalt meadow 4417"
AMENDED_AT = datetime(2025, 7, 14, 15, 5, tzinfo=UTC)  # 16:05 in London (summer time)


class FixedClock:
    def now(self) -> datetime:
        return AMENDED_AT

    def today(self) -> date:
        return date(2025, 7, 14)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CaseSession]:
    store = CaseStore(StorePaths(tmp_path / "store"), DeviceSecrets(MemoryKeyring()),
                      kdf=FAST_TEST_KDF, clock=FixedClock())
    opened, _recovery = store.create(PASSPHRASE, OWNER)
    try:
        yield opened
    finally:
        opened.lock()


def test_amendment_keeps_the_original_and_survives_later_saves(session: CaseSession,
                                                               london: None) -> None:
    family = session.add_family(sample_family("KW-0042", "Ashworth"))
    assert family.id is not None
    note = family.notes[0]
    assert note.id is not None
    original = note.summary
    amended = session.amend_note(family.id, note.id, "Wrong school named",
                                 "Visited; Mum said Oakfield Primary, not Oakwood.")
    kept = amended.notes[0]
    assert kept.summary == original
    assert kept.current_text == "Visited; Mum said Oakfield Primary, not Oakwood."
    (amendment,) = kept.amendments
    assert (amendment.author, amendment.reason, amendment.amended_at) == (
        OWNER.name, "Wrong school named", AMENDED_AT)
    # an ordinary save of the family (another note added) leaves the amendment in place
    again = session.update_family(replace(amended, closure_reason=""), amended)
    assert again.notes[0].amendments == kept.amendments
    assert session.view_family(family.id).notes[0].summary == original
    details = [e.detail for e in session.audit().events()]
    assert f"note {note.id} amended" in details


def test_amendment_needs_a_reason_and_text(session: CaseSession) -> None:
    family = session.add_family(sample_family("KW-0042", "Ashworth"))
    assert family.id is not None and family.notes[0].id is not None
    with pytest.raises(UserFacingError, match="needs the amended text and a reason"):
        session.amend_note(family.id, family.notes[0].id, "  ", "New text")
    assert session.view_family(family.id).notes[0].amendments == ()


def test_stored_amendments_cannot_be_rewritten(session: CaseSession) -> None:
    family = session.add_family(sample_family("KW-0042", "Ashworth"))
    assert family.id is not None and family.notes[0].id is not None
    session.amend_note(family.id, family.notes[0].id, "Typo", "Corrected text")
    with pytest.raises(sqlcipher3.dbapi2.IntegrityError, match="append-only"):
        session.connection.execute("UPDATE note_amendment SET text = 'rewritten'")


def test_case_summary_shows_the_original_and_the_amendment(session: CaseSession,
                                                           tmp_path: Path,
                                                           london: None) -> None:
    family = session.add_family(sample_family("KW-0042", "Ashworth"))
    assert family.id is not None and family.notes[0].id is not None
    original = family.notes[0].summary
    amended = session.amend_note(family.id, family.notes[0].id, "Wrong school named",
                                 "Mum said Oakfield Primary, not Oakwood.")
    meta = ReportMeta("Case summary", "KW-0042", MARKING, HANDLING,
                      "Sam Worker (Key worker), Leeds City Council", datetime(2025, 7, 15, 9))
    path = tmp_path / "summary.pdf"
    path.write_bytes(case_summary.build(amended, meta, TODAY, "Provide support", "Print"))
    text = " ".join(" ".join(pdftotext_pages(path)).split())
    assert " ".join(original.split()[:4]) in text
    assert "Amendments to case notes" in text
    flowing = " ".join(pdftotext_flow(path).split())
    # The note's cell is narrow since the Source column came: its marker may wrap.
    assert "(amended: see below)" in flowing
    assert "Mum said Oakfield Primary, not Oakwood." in flowing
    assert "Wrong school named" in flowing
    assert "14/07/2025 16:05" in flowing  # shown in local time
