"""An unsaved edit kept (encrypted, inside the store) across a screen lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Draft:
    """An unsaved edit kept (encrypted, inside the store) across a lock."""

    id: int
    form: str  # which editor, e.g. "person", "case-note", "family"
    record_key: str  # what it edits, e.g. "family:12/person:new"
    payload: dict[str, Any]
    saved_at: datetime
