"""Acceptance 1: meetings with attendees, consent, shared items, decisions and actions, saved,
the store locked and reopened, read back equal."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyworker_app.domain.taf import Meeting
from tests.taf_session import PASSPHRASE, open_taf_store
from tests.taf_strategies import consents, meetings


def test_taf_records_survive_close_and_reopen(tmp_path: Path) -> None:
    taf = open_taf_store(tmp_path)
    family = taf.session.view_family(taf.family_id)
    refs = [p.ref for p in family.members]
    state = {"session": taf.session}

    @settings(max_examples=int(os.environ.get("TAF_EXAMPLES", "40")), deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        service = state["session"].meetings(taf.policy)
        for consent in data.draw(st.lists(consents(taf.policy, refs), max_size=3)):
            service.record_consent(taf.family_id, consent)
        drawn: list[Meeting] = data.draw(st.lists(meetings(taf.family_id, refs, taf.policy),
                                                  min_size=1, max_size=3))
        saved = [service.save_meeting(m) for m in drawn]
        if data.draw(st.booleans()) and saved[0].held_at.date() <= taf.clock.today():
            assert saved[0].id is not None  # only a meeting that has taken place is finalised
            service.finalise_meeting(saved[0].id)
            service.add_addendum(saved[0].id, data.draw(st.text(min_size=1).filter(str.strip)))
        expected_meetings = {m.id: service.view_meeting(m.id) for m in saved if m.id}
        expected_consents = service.consents(taf.family_id)
        expected_plan = service.family_plan(taf.family_id)
        expected_shared = service.shared_items(taf.family_id)

        state["session"].lock()
        state["session"] = taf.store.unlock(PASSPHRASE)
        reopened = state["session"].meetings(taf.policy)
        for meeting_id, meeting in expected_meetings.items():
            back = reopened.view_meeting(meeting_id)
            assert back == meeting
            assert [a.id for a in back.actions] == [a.id for a in meeting.actions]
        for original, meeting in zip(drawn, saved, strict=True):
            assert reopened.view_meeting(meeting.id or 0).attendees == original.attendees
            assert reopened.view_meeting(meeting.id or 0).shared == original.shared
            assert reopened.view_meeting(meeting.id or 0).actions == original.actions
        assert reopened.consents(taf.family_id) == expected_consents
        assert reopened.family_plan(taf.family_id) == expected_plan
        assert reopened.shared_items(taf.family_id) == expected_shared
        assert {m.id for m in reopened.meetings_of_family(taf.family_id)} >= set(
            expected_meetings)

    check()
    assert state["session"].verify().ok
    state["session"].lock()
