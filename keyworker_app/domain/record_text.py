"""What the full-text search finds: a record of a family that holds the words looked for.

Pure data: the kinds of record whose free text is indexed (each with a small code the store
keeps beside the text) and one hit. The store's index (``store/fulltext.py``) and the
schema's triggers use the codes; the GUI uses the labels and opens the record's tab.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class TextKind(enum.IntEnum):
    """Each kind of record whose free text is indexed. The values are stored: never reuse."""

    NOTE = 1
    AMENDMENT = 2
    MEETING = 3
    MEMBER_VIEWS = 4
    DECISION = 5
    ACTION = 6
    CONCERN = 7
    OFFENCE = 8
    SHARED = 9
    ADDENDUM = 10

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[TextKind, str] = {
    TextKind.NOTE: "Case note",
    TextKind.AMENDMENT: "Amendment to a case note",
    TextKind.MEETING: "TAF meeting discussion",
    TextKind.MEMBER_VIEWS: "Views at a TAF meeting",
    TextKind.DECISION: "TAF meeting decision",
    TextKind.ACTION: "TAF plan action",
    TextKind.CONCERN: "Concern",
    TextKind.OFFENCE: "Offence",
    TextKind.SHARED: "Information shared",
    TextKind.ADDENDUM: "Addendum to a TAF meeting",
}

# Around the words found in a snippet; never typed in a record (they are control characters).
HIT_START = "\x02"
HIT_END = "\x03"


@dataclass(frozen=True, slots=True)
class RecordHit:
    """One record holding every word looked for; ``snippet`` marks the words found with
    ``HIT_START``/``HIT_END``."""

    family_id: int
    reference: str
    family_name: str
    kind: TextKind
    record_id: int
    snippet: str

    def snippet_text(self, start: str = "«", end: str = "»") -> str:
        """The snippet with the found words between ``start`` and ``end``, on one line."""
        text = self.snippet.replace(HIT_START, start).replace(HIT_END, end)
        return " ".join(text.split())
