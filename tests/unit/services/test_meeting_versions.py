"""A TAF meeting saved from an editor that opened an older version is refused, never
written over what was changed since (another window's edit, the plan updating an action)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from keyworker_app.domain.taf import ActionStatus, Decision
from keyworker_app.errors import StaleRecordError
from tests.taf_session import TafStore, open_taf_store
from tests.unit.services.test_meetings import meeting


@pytest.fixture
def taf(tmp_path: Path) -> TafStore:
    store = open_taf_store(tmp_path)
    yield store
    store.session.lock()


def test_a_stale_meeting_save_is_refused_and_the_newer_one_kept(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    saved = service.save_meeting(meeting(taf.family_id))
    assert saved.id is not None and saved.version == 1
    first = service.view_meeting(saved.id)  # two editors open the same draft record
    second = service.view_meeting(saved.id)
    kept = service.save_meeting(replace(second, decisions=(
        *second.decisions, Decision("School to offer a breakfast club place."))))
    assert kept.version == 2
    attempt = replace(first, venue="Children's centre")
    with pytest.raises(StaleRecordError) as caught:
        service.save_meeting(attempt)
    assert "meeting was changed in another Keyworker window" in caught.value.message
    stored = service.view_meeting(saved.id)
    assert len(stored.decisions) == 2 and stored.venue == "Family home"
    assert service.save_meeting(replace(stored, venue="Children's centre")).version == 3


def test_the_plan_updating_an_action_makes_an_open_editor_stale(taf: TafStore) -> None:
    service = taf.session.meetings(taf.policy)
    saved = service.save_meeting(meeting(taf.family_id))
    assert saved.id is not None
    editor_copy = service.view_meeting(saved.id)
    action_id = editor_copy.actions[0].id
    assert action_id is not None
    service.update_action(action_id, ActionStatus.DONE, "Chart on the fridge.")
    with pytest.raises(StaleRecordError):  # its copy would put the action back to open
        service.save_meeting(replace(editor_copy, worries="Mornings."))
    assert service.view_meeting(saved.id).actions[0].status is ActionStatus.DONE
