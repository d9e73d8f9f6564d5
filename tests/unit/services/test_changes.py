"""One change description per committed operation: which families, which kinds of record.

Through a real encrypted store and the real services: what a page would be told after each
thing a user does, and that a refused (rolled back) operation and an audited view tell
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from keyworker_app.domain.breach import Breach
from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.retention import RetentionDecision, RetentionReview
from keyworker_app.errors import UserFacingError
from tests.gui.samples import LEAD, sample_family
from tests.taf_session import TafStore, open_taf_store
from tests.unit.services.test_meetings import meeting


@pytest.fixture
def taf(tmp_path: Path) -> Iterator[TafStore]:
    store = open_taf_store(tmp_path, owner=LEAD)
    yield store
    if store.session.is_open:
        store.session.lock()


@pytest.fixture
def heard(taf: TafStore) -> list[Changes]:
    seen: list[Changes] = []
    taf.session.set_change_listener(seen.append)
    return seen


def test_saving_a_meeting_names_its_family_meetings_and_actions(
        taf: TafStore, heard: list[Changes]) -> None:
    taf.session.meetings(taf.policy).save_meeting(meeting(taf.family_id))
    assert len(heard) == 1  # once per operation, not once per row
    assert heard[0].families == {taf.family_id}
    assert {RecordKind.MEETING, RecordKind.ACTION} <= heard[0].kinds
    assert not heard[0].caseload_changed


def test_editing_a_family_names_only_that_family(taf: TafStore, heard: list[Changes]) -> None:
    family = taf.session.view_family(taf.other_family_id)
    assert heard == []  # an audited view is not a change
    taf.session.update_family(replace(family, key_worker="Robin Worker"), family)
    assert [c.families for c in heard] == [{taf.other_family_id}]
    assert heard[0].touches_family(taf.other_family_id)
    assert not heard[0].touches_family(taf.family_id)
    assert not heard[0].touches(RecordKind.MEETING, RecordKind.BREACH)


def test_adding_and_deleting_families_change_the_caseload(
        taf: TafStore, heard: list[Changes]) -> None:
    added = taf.session.add_family(sample_family("KW-0103", "Cartwright"))
    assert heard[-1].caseload_changed and added.id in heard[-1].families
    programme = taf.session.programme(taf.policy)
    programme.record_review(RetentionReview(
        taf.family_id, taf.clock.today(), RetentionDecision.DELETE, "No further risk",
        "Team Lead"))
    deleted = heard[-1]
    assert deleted.caseload_changed and taf.family_id in deleted.families
    assert deleted.touches(RecordKind.RETENTION)


def test_a_refused_operation_tells_nothing(taf: TafStore, heard: list[Changes]) -> None:
    service = taf.session.meetings(taf.policy)
    saved = service.save_meeting(meeting(taf.family_id))
    taf.clock.set_day(saved.held_at.date() + timedelta(days=1))  # held: it may be finalised
    service.finalise_meeting(saved.id or 0)
    heard.clear()
    with pytest.raises(UserFacingError):
        service.save_meeting(replace(saved, venue="School"))  # a finalised record is locked
    assert heard == []


def test_records_about_no_family(taf: TafStore, heard: list[Changes]) -> None:
    rights = taf.session.programme(taf.policy).rights
    rights.record_breach(Breach(taf.policy.breach.categories[0].id, taf.clock.now(),
                                "A letter went to the wrong address."))
    assert heard[-1].kinds == {RecordKind.BREACH} and heard[-1].families == frozenset()
    taf.session.save_draft("case-note", f"family:{taf.family_id}/note:new", {"summary": "x"})
    assert heard[-1].only_drafts


def test_a_locked_session_tells_no_one(taf: TafStore, heard: list[Changes]) -> None:
    taf.session.lock()
    assert heard == []  # the lock's own audit event is not a change
