"""What a council's TAF plan/review form records, the meeting record records too: the
progress since the last meeting, who took the notes and whether confidentiality and consent
were explained to the family. Kept in the store and shown in the meeting record PDF."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from keyworker_app.domain.taf import Meeting, MeetingType
from tests.taf_session import open_taf_store
from tests.unit.reports.taf_fixtures import three_meetings
from tests.unit.reports.test_meeting_record import (  # noqa: F401 (fixtures)
    family,
    policy,
    reading_text,
    render,
)

PROGRESS = "Attendance up from 81% to 93%; mornings calmer since the new routine."


def test_review_form_fields_are_kept_and_printed(family, policy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    review = replace(three_meetings(7)[1], kind=MeetingType.REVIEW, progress=PROGRESS,
                     note_taker="Pat Teacher", consent_explained=True)
    data, _pages = render(review, family, policy, tmp_path)
    text = reading_text(data, tmp_path)
    assert f"What has changed since the last meeting {PROGRESS}" in text
    assert "Notes taken by Pat Teacher" in text
    assert "Confidentiality and consent explained to the family Yes" in text
    plain = replace(review, progress="", note_taker="", consent_explained=False)
    text = reading_text(render(plain, family, policy, tmp_path, "plain.pdf")[0], tmp_path)
    assert "Notes taken by Not recorded" in text
    assert "What has changed since the last meeting Nothing recorded." in text


def test_the_store_keeps_them(tmp_path: Path) -> None:
    taf = open_taf_store(tmp_path)
    service = taf.session.meetings(taf.policy)
    meeting = Meeting(taf.family_id, MeetingType.INITIAL,
                      datetime(2025, 3, 3, 10, 0, tzinfo=UTC), chair="Sam Worker",
                      progress=PROGRESS, note_taker="Pat Teacher", consent_explained=True)
    saved = service.save_meeting(meeting)
    assert saved.id is not None
    again = service.view_meeting(saved.id)
    assert (again.progress, again.note_taker, again.consent_explained) == (
        PROGRESS, "Pat Teacher", True)
    service.save_meeting(replace(again, consent_explained=False, note_taker=""))
    after = service.view_meeting(saved.id)
    assert (after.note_taker, after.consent_explained) == ("", False)
    taf.session.lock()
