"""Domain records (meetings, consent, shared information) to plain JSON values and back, for
handover bundles. Generic over the dataclasses' own type hints, so a field added to a record
travels without anyone remembering to list it. Store ids are left out: they mean nothing in
another store. Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

from keyworker_app.domain.dates import iso_text, parse_iso_date, parse_iso_moment

T = TypeVar("T")
# Ids and links that belong to the sending store; a record gets new ones where it lands.
LOCAL_FIELDS = frozenset({"id", "family_id", "meeting_id", "version", "carried_from"})


class RecordFormatError(ValueError):
    """A value in a bundle does not fit the record it is for."""


def to_plain(record: object) -> dict[str, Any]:
    if not dataclasses.is_dataclass(record) or isinstance(record, type):
        raise TypeError("a dataclass instance is needed")
    return {f.name: _plain(getattr(record, f.name)) for f in dataclasses.fields(record)
            if f.name not in LOCAL_FIELDS}


def _plain(value: object) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return iso_text(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_plain(value)
    return value


def from_plain(kind: type[T], obj: object, **local: Any) -> T:
    """A ``kind`` record from ``to_plain``'s output; ``local`` fills the store's own fields."""
    if not isinstance(obj, dict):
        raise RecordFormatError(f"{kind.__name__} must be an object")
    hints = typing.get_type_hints(kind)
    values: dict[str, Any] = dict(local)
    names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    unknown = set(obj) - names
    if unknown:
        raise RecordFormatError(f"{kind.__name__} has no field {sorted(unknown)[0]}")
    for name, value in obj.items():
        if name in LOCAL_FIELDS:
            continue
        values[name] = _typed(hints[name], value, f"{kind.__name__}.{name}")
    try:
        return kind(**values)
    except TypeError as exc:
        raise RecordFormatError(f"{kind.__name__} is incomplete") from exc


def _typed(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _typed(inner, value, where)
    if origin is tuple:
        if not isinstance(value, list):
            raise RecordFormatError(f"{where} must be a list")
        return tuple(_typed(args[0], v, where) for v in value)
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            try:
                return hint(value)
            except ValueError:
                raise RecordFormatError(f"{where} has an unknown value") from None
        if issubclass(hint, datetime):
            return parse_iso_moment(_text(value, where))
        if issubclass(hint, date):
            return parse_iso_date(_text(value, where))
        if dataclasses.is_dataclass(hint):
            return from_plain(hint, value)
        if hint is bool or hint is str:
            if not isinstance(value, hint):
                raise RecordFormatError(f"{where} must be {hint.__name__}")
            return value
        if hint is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    raise RecordFormatError(f"{where} has a value of the wrong kind")


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise RecordFormatError(f"{where} must be text")
    return value
