"""The TAF meeting editor's draft: what was typed into the meeting, its rows, and the row
dialog that was open when the screen locked.

Rows are rebuilt field by field with each value's type checked (dates as ISO text, choices by
their stored value, ids as whole numbers), never by passing a stored mapping to a constructor:
a row of another shape raises ``DraftUnreadable`` so the draft is kept and shown as text.
Pure functions: no Qt, no SQL, no I/O.
"""

from __future__ import annotations

import enum
import json
import types
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from typing import Any, Union, get_args, get_origin, get_type_hints

from keyworker_app.domain.dates import iso_text, parse_iso_date
from keyworker_app.domain.draft_payload import (
    LEGACY_VERSION,
    DraftPayload,
    DraftUnreadable,
    form_values,
    require_version,
)
from keyworker_app.domain.taf import Action, Attendee, Decision, MemberVoice, SharedInformation

VERSION = 2  # 0: {"state": JSON text} with no open row dialog
ROW_TYPES: dict[str, type] = {"attendees": Attendee, "members": MemberVoice,
                              "decisions": Decision, "actions": Action,
                              "shared": SharedInformation}
FIELDS = ("kind", "held_at", "venue", "chair", "next_review", "child_voice", "strengths",
          "worries", "needs", "outcome", "outcome_reason", "progress", "note_taker",
          "consent_explained")
CHECKED = "yes"  # a ticked box's value among FIELDS
ADDENDUM = "addendum"  # the open dialog of a finalised meeting
OPEN_PARTS = frozenset({*ROW_TYPES, ADDENDUM})


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    fields: dict[str, str]  # the meeting's own boxes, as typed
    rows: dict[str, tuple[Any, ...]]  # attendees, members, decisions, actions, shared
    open_part: str | None = None  # the row dialog open at the lock (a ROW_TYPES key or ADDENDUM)
    open_values: dict[str, str] = field(default_factory=dict)


# -- writing -------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return iso_text(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def row_data(row: Any) -> dict[str, Any]:
    return {f.name: _plain(getattr(row, f.name)) for f in fields(row)}


def encode_data(draft: MeetingDraft) -> dict[str, Any]:
    return {"meeting": {**draft.fields,
                        **{key: [row_data(r) for r in rows] for key, rows in draft.rows.items()}},
            "open": (None if draft.open_part is None
                     else {"part": draft.open_part, "values": dict(draft.open_values)})}


# -- reading -------------------------------------------------------------------------------------
def _bad() -> DraftUnreadable:
    return DraftUnreadable("A row of the meeting no longer fits the meeting record.")


def _value(kind: Any, raw: Any) -> Any:
    if get_origin(kind) in (Union, types.UnionType):
        options = [k for k in get_args(kind) if k is not type(None)]
        if raw is None and len(options) < len(get_args(kind)):
            return None
        if len(options) != 1:
            raise _bad()
        return _value(options[0], raw)
    if get_origin(kind) is tuple:
        (inner, *_rest) = get_args(kind)
        if not isinstance(raw, list):
            raise _bad()
        return tuple(_value(inner, r) for r in raw)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(raw)
        except ValueError:
            raise _bad() from None
    if kind is date:
        if not isinstance(raw, str):
            raise _bad()
        try:
            return parse_iso_date(raw)
        except ValueError:
            raise _bad() from None
    if kind is bool:
        if not isinstance(raw, bool):
            raise _bad()
        return raw
    if kind is int:
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise _bad()
        return raw
    if kind is str:
        if not isinstance(raw, str):
            raise _bad()
        return raw
    raise _bad()


def read_row(kind: type, raw: Any) -> Any:
    """One row of type ``kind`` from its stored mapping, every field checked."""
    if not isinstance(raw, Mapping):
        raise _bad()
    hints = get_type_hints(kind)
    known = {f.name: f for f in fields(kind)}
    if set(raw) - set(known):
        raise _bad()
    values: dict[str, Any] = {}
    for name, spec in known.items():
        if name in raw:
            values[name] = _value(hints[name], raw[name])
        elif spec.default is MISSING and spec.default_factory is MISSING:
            raise _bad()
    return kind(**values)


def _meeting(raw: Any) -> tuple[dict[str, str], dict[str, tuple[Any, ...]]]:
    if not isinstance(raw, Mapping) or set(raw) - {*FIELDS, *ROW_TYPES}:
        raise DraftUnreadable("The meeting's parts are not the ones the meeting record has now.")
    texts = form_values({k: v for k, v in raw.items() if k in FIELDS})
    rows: dict[str, tuple[Any, ...]] = {}
    for key, kind in ROW_TYPES.items():
        stored = raw.get(key, [])
        if not isinstance(stored, list):
            raise _bad()
        rows[key] = tuple(read_row(kind, r) for r in stored)
    return texts, rows


def decode_draft(payload: DraftPayload) -> MeetingDraft:
    """The meeting draft in ``payload`` (this version's shape or the version 0 one)."""
    require_version(payload, LEGACY_VERSION, VERSION)
    data = payload.data
    if payload.version == LEGACY_VERSION:
        state = data.get("state")
        if set(data) != {"state"} or not isinstance(state, str):
            raise DraftUnreadable("It was saved in a shape this version of the app cannot read.")
        try:
            texts, rows = _meeting(json.loads(state))
        except ValueError:
            raise DraftUnreadable("It was saved in a shape this version of the app cannot "
                                  "read.") from None
        return MeetingDraft(texts, rows)
    if set(data) != {"meeting", "open"}:
        raise DraftUnreadable("It was saved in a shape this version of the app cannot read.")
    texts, rows = _meeting(data["meeting"])
    opened = data["open"]
    if opened is None:
        return MeetingDraft(texts, rows)
    if (not isinstance(opened, Mapping) or set(opened) != {"part", "values"}
            or opened["part"] not in OPEN_PARTS or not isinstance(opened["values"], Mapping)):
        raise DraftUnreadable("The dialog open in the meeting is not one the meeting has now.")
    return MeetingDraft(texts, rows, str(opened["part"]), form_values(opened["values"]))
