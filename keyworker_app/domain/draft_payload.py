"""What a draft (``domain.draft``) holds: a versioned payload, and the checks that decide
whether it still fits the form it came from.

A payload is stored as ``{"version": n, "data": {...}}``, the version being the shape the form
wrote. Payloads from before versions were written (a bare mapping) read as version 0. Decoding
never guesses: a payload that does not fit raises ``DraftUnreadable``, and the caller keeps the
draft and offers what was typed as text (``typed_lines``) rather than losing or misreading it.
Pure functions: no Qt, no SQL, no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

VERSION_KEY = "version"
DATA_KEY = "data"
LEGACY_VERSION = 0
KEPT = "kept"  # the record-key part of a draft set aside: kept to be read, not reopened


class DraftUnreadable(Exception):  # noqa: N818 - says what the draft is, as users meet it
    """A draft that no longer fits its form. The message says why in plain words and never
    echoes what was typed."""


@dataclass(frozen=True, slots=True)
class DraftPayload:
    version: int
    data: Mapping[str, Any]


def encode(version: int, data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form of ``data`` written by a form at payload ``version``."""
    return {VERSION_KEY: version, DATA_KEY: dict(data)}


def decode(payload: Mapping[str, Any]) -> DraftPayload:
    """The version and data of a stored payload; a bare mapping is version 0."""
    if VERSION_KEY not in payload:
        return DraftPayload(LEGACY_VERSION, payload)
    version, data = payload.get(VERSION_KEY), payload.get(DATA_KEY)
    if (not isinstance(version, int) or isinstance(version, bool) or version < 0
            or not isinstance(data, Mapping) or set(payload) != {VERSION_KEY, DATA_KEY}):
        raise DraftUnreadable("It was saved in a shape this version of the app cannot read.")
    return DraftPayload(version, data)


def require_version(payload: DraftPayload, *readable: int) -> None:
    if payload.version not in readable:
        raise DraftUnreadable("It was saved by a different version of this form.")


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The text of each field of a form draft; every value must be text."""
    values: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise DraftUnreadable("Its fields are not the ones this form has now.")
        values[key] = value
    return values


def shaped(data: Mapping[str, Any], spec: Mapping[str, type]) -> dict[str, Any]:
    """A draft of named values of fixed types (``str``, ``bool``, or ``list`` of text); any
    other key or type does not fit."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = spec.get(key)
        if isinstance(value, list):
            fits = kind is list and all(isinstance(v, str) for v in value)
        else:
            fits = kind is not None and kind is not list and isinstance(value, kind) and (
                kind is bool or not isinstance(value, bool))
        if not fits:
            raise DraftUnreadable("Its fields are not the ones this form has now.")
        out[key] = list(value) if kind is list else value
    return out


def fields_fit(values: Mapping[str, str], known: Mapping[str, object] | set[str]) -> None:
    """Refuse values for fields the form no longer has: they would be silently dropped."""
    unknown = set(values) - set(known)
    if unknown:
        raise DraftUnreadable(f"It has {len(unknown)} field{'s' if len(unknown) != 1 else ''} "
                              "this form no longer has.")


# -- record keys ---------------------------------------------------------------------------------
def key_part(record_key: str, name: str) -> str | None:
    """The value after ``name:`` in one of the key's ``/``-separated parts, else None."""
    for part in record_key.split("/"):
        head, sep, tail = part.partition(":")
        if sep and head == name:
            return tail
    return None


def key_id(record_key: str, name: str) -> int | None:
    """The record id in the key's ``name:<id>`` part; None for ``name:new`` or no such part.
    Raises DraftUnreadable for a part that is neither."""
    value = key_part(record_key, name)
    if value is None or value == "new":
        return None
    if not value.isdigit():
        raise DraftUnreadable("It does not say which record it belongs to.")
    return int(value)


def kept_key(record_key: str, draft_id: int) -> str:
    """The key a draft is set aside under: still under its family (a retention deletion
    removes it with the family), never the key a form saves its next draft under."""
    return f"{record_key}/{KEPT}:{draft_id}"


def is_kept(record_key: str) -> bool:
    return key_part(record_key, KEPT) is not None


def family_of(record_key: str) -> int:
    """The family a family-record draft belongs to."""
    family_id = key_id(record_key, "family")
    if family_id is None:
        raise DraftUnreadable("It does not say which family it belongs to.")
    return family_id


# -- as text -------------------------------------------------------------------------------------
def _label(key: str) -> str:
    text = key.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


_IDS = frozenset({"id", "meeting_id", "carried_from", VERSION_KEY})
_WRAPPERS = frozenset({DATA_KEY, "state", "meeting", "open"})  # containers, not what was typed


def _walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("{", "[")):  # drafts of old shapes kept whole records as JSON text
            try:
                inner = json.loads(text)
            except ValueError:
                inner = None
            if isinstance(inner, dict | list):
                yield from _walk(inner, path)
                return
        if text:
            yield " — ".join(path) or "Text", value
    elif isinstance(value, bool):
        if value:
            yield " — ".join(path), "Yes"
    elif isinstance(value, Mapping):
        if set(value) == {"part", "values"}:  # a row dialog that was open on a larger form
            part = f"Being added ({_label(str(value['part']))})"
            yield from _walk(value["values"], (*path, part))
            return
        for key, inner in value.items():
            if key in _IDS:
                continue  # record ids mean nothing to the reader
            yield from _walk(inner, path if key in _WRAPPERS else (*path, _label(str(key))))
    elif isinstance(value, list | tuple):
        for number, inner in enumerate(value, 1):
            yield from _walk(inner, (*path, str(number)))
    elif value is not None:
        yield " — ".join(path), str(value)


def typed_lines(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Everything typed in a draft of any shape, as (where, what) pairs in the order stored:
    what a user can read, copy and type again when the draft cannot reopen its form."""
    return list(_walk(payload, ()))


def typed_text(payload: Mapping[str, Any]) -> str:
    lines = typed_lines(payload)
    if not lines:
        return "Nothing was typed."
    return "\n\n".join(f"{where}:\n{what}" for where, what in lines)
