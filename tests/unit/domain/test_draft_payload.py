"""Draft payloads: versioned, decoded only when they fit, readable as text whatever their shape;
the meeting editor's draft round-trips its rows and refuses rows of another shape."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyworker_app.domain.draft_payload import (
    DraftPayload,
    DraftUnreadable,
    decode,
    encode,
    family_of,
    fields_fit,
    form_values,
    is_kept,
    kept_key,
    key_id,
    shaped,
    typed_lines,
    typed_text,
)
from keyworker_app.domain.meeting_draft import (
    VERSION,
    MeetingDraft,
    decode_draft,
    encode_data,
    read_row,
)
from keyworker_app.domain.taf import Action, ActionStatus, Decision, Meeting
from tests.taf_session import shipped_policy
from tests.taf_strategies import meetings

POLICY = shipped_policy()


def test_payload_carries_its_version_and_bare_payloads_read_as_version_0() -> None:
    stored = encode(1, {"summary": "Called school"})
    assert stored == {"version": 1, "data": {"summary": "Called school"}}
    assert decode(stored) == DraftPayload(1, {"summary": "Called school"})
    assert decode({"summary": "Called school"}) == DraftPayload(0, {"summary": "Called school"})


@pytest.mark.parametrize("payload", [
    {"version": "1", "data": {}}, {"version": -1, "data": {}}, {"version": True, "data": {}},
    {"version": 1, "data": []}, {"version": 1, "data": {}, "extra": 1}, {"version": 1},
])
def test_payload_of_another_shape_is_unreadable(payload: dict[str, Any]) -> None:
    with pytest.raises(DraftUnreadable):
        decode(payload)


def test_form_values_must_all_be_text_and_fit_the_form() -> None:
    assert form_values({"a": "x", "b": ""}) == {"a": "x", "b": ""}
    with pytest.raises(DraftUnreadable):
        form_values({"count": 3})
    fields_fit({"summary": "x"}, {"summary", "occurred_at"})
    with pytest.raises(DraftUnreadable, match="1 field this form no longer has"):
        fields_fit({"summary": "x", "mood": "calm"}, {"summary"})


def test_shaped_checks_each_value_type() -> None:
    spec = {"summary": str, "serious": bool, "partners": list}
    assert shaped({"summary": "s", "serious": False, "partners": ["p1"]}, spec) == {
        "summary": "s", "serious": False, "partners": ["p1"]}
    for bad in ({"summary": 1}, {"serious": "yes"}, {"partners": [1]}, {"summary": True},
                {"other": "x"}, {"summary": ["x"]}):
        with pytest.raises(DraftUnreadable):
            shaped(bad, spec)


def test_record_keys_name_records_by_id() -> None:
    key = "family:12/meeting:new"
    assert family_of(key) == 12
    assert key_id(key, "meeting") is None
    assert key_id("family:12/address-edit:5", "address-edit") == 5
    assert key_id("family:12/address-edit:5", "address") is None
    with pytest.raises(DraftUnreadable):
        key_id("family:twelve/note:new", "family")
    with pytest.raises(DraftUnreadable):
        family_of("breach:new")
    kept = kept_key(key, 7)
    assert is_kept(kept) and not is_kept(key) and family_of(kept) == 12


def test_typed_text_shows_every_typed_value_of_any_shape_and_no_ids() -> None:
    legacy = {"state": json.dumps({"venue": "Children's centre", "decisions": [
        {"text": "Key worker leads.", "owner": "Sam", "id": 41}], "worries": ""})}
    lines = typed_lines(legacy)
    assert ("Venue", "Children's centre") in lines
    assert ("Decisions — 1 — Text", "Key worker leads.") in lines
    assert ("Decisions — 1 — Owner", "Sam") in lines
    assert not any("41" in what or "Id" in where for where, what in lines)
    assert not any(where == "Worries" for where, _ in lines)  # nothing typed there
    assert typed_text({}) == "Nothing was typed."
    opened = encode(2, {"meeting": {"venue": "Hub"},
                        "open": {"part": "actions", "values": {"what": "Book GP"}}})
    assert ("Being added (Actions) — What", "Book GP") in typed_lines(opened)


def test_meeting_draft_refuses_rows_of_another_shape() -> None:
    good = {"text": "Key worker leads.", "id": None}
    assert read_row(Decision, good) == Decision("Key worker leads.")
    for bad in ({"text": "x", "owner": "Sam"}, {}, {"text": 3}, "text"):
        with pytest.raises(DraftUnreadable):
            read_row(Decision, bad)
    action = {"what": "Book GP", "owner": "Sam", "agency": "family", "due": "2025-04-01",
              "status": "open", "outcome": "", "carried_from": None, "meeting_id": None,
              "id": 5}
    assert read_row(Action, action) == Action("Book GP", "Sam", "family", date(2025, 4, 1),
                                              ActionStatus.OPEN, id=5)
    for change in ({"due": "01/04/2025"}, {"status": "maybe"}, {"id": "5"}, {"id": True}):
        with pytest.raises(DraftUnreadable):
            read_row(Action, {**action, **change})


def test_legacy_meeting_draft_is_read_when_it_fits_and_refused_when_not() -> None:
    fits = {"venue": "Hub", "decisions": [{"text": "Leads.", "id": None}]}
    draft = decode_draft(decode({"state": json.dumps(fits)}))
    assert draft.fields == {"venue": "Hub"}
    assert draft.rows["decisions"] == (Decision("Leads."),)
    for state in ('{"venue": "Hub", "decisions": [{"decision": "Leads."}]}', "not json",
                  '{"agenda": "x"}'):
        with pytest.raises(DraftUnreadable):
            decode_draft(decode({"state": state}))
    with pytest.raises(DraftUnreadable):
        decode_draft(DraftPayload(3, {}))


@settings(max_examples=40, deadline=None)
@given(meeting=meetings(7, ("a1", "c1"), POLICY),
       part=st.sampled_from([None, "attendees", "decisions", "addendum"]))
def test_meeting_draft_round_trips_through_stored_json(meeting: Meeting, part: str | None
                                                       ) -> None:
    rows = {"attendees": meeting.attendees, "members": meeting.members,
            "decisions": meeting.decisions, "actions": meeting.actions,
            "shared": meeting.shared}
    draft = MeetingDraft({"venue": meeting.venue, "chair": meeting.chair}, rows, part,
                         {} if part is None else {"text": "half typed"})
    stored = json.loads(json.dumps(encode(VERSION, encode_data(draft))))
    back = decode_draft(decode(stored))
    assert back == draft
    for key, original in rows.items():  # ids are kept, so an edited row stays an edit
        assert [r.id for r in back.rows[key]] == [r.id for r in original]
