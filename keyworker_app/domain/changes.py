"""What one committed operation changed: which families, which kinds of record.

The store works it out for every transaction that commits (``store.change_log``), the session
hands it to one listener, and the GUI passes it on once to every page, which decides from it
whether it needs to read again. A page never refreshes by being reopened, and never by
guessing: if ``Changes`` does not name what it shows, it stays as it is.

``families`` are the ids of the families whose records were written (empty for records about
no family, such as a breach). ``kinds`` say what was written; ``CASELOAD`` means a family was
added or removed, so lists of families must be read again rather than row by row.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class RecordKind(enum.StrEnum):
    CASELOAD = "caseload"  # a family was added or removed
    FAMILY = "family"  # the family itself, its addresses and relationships
    MEMBER = "member"
    NOTE = "note"  # the contact log
    INDICATOR = "indicator"  # offences, ASB, education, benefits, concerns
    MEETING = "meeting"  # TAF meetings with attendees, views, decisions and addenda
    ACTION = "action"  # the family plan
    CONSENT = "consent"
    SHARED = "shared"  # information partners shared
    RETENTION = "retention"  # reviews and deletion markers
    SUBJECT_ACCESS = "subject-access"
    BREACH = "breach"
    DRAFT = "draft"
    CHRONOLOGY = "chronology"  # significance marks on a family's chronology
    OTHER = "other"  # a table this version does not name: refresh to be safe


# Everything shown in a family's record (and what its criteria are worked out from).
FAMILY_RECORD = frozenset({
    RecordKind.CASELOAD, RecordKind.FAMILY, RecordKind.MEMBER, RecordKind.NOTE,
    RecordKind.INDICATOR, RecordKind.MEETING, RecordKind.ACTION, RecordKind.CONSENT,
    RecordKind.SHARED, RecordKind.CHRONOLOGY, RecordKind.OTHER,
})


@dataclass(frozen=True, slots=True)
class Changes:
    kinds: frozenset[RecordKind] = frozenset()
    families: frozenset[int] = frozenset()

    @classmethod
    def of(cls, kinds: Iterable[RecordKind], families: Iterable[int] = ()) -> Changes:
        return cls(frozenset(kinds), frozenset(families))

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.kinds | other.kinds, self.families | other.families)

    def touches(self, *kinds: RecordKind) -> bool:
        """Any of ``kinds`` was written (``OTHER`` counts as any kind)."""
        return RecordKind.OTHER in self.kinds or not self.kinds.isdisjoint(kinds)

    def touches_family(self, family_id: int, kinds: Iterable[RecordKind] = FAMILY_RECORD
                       ) -> bool:
        """The family's records of one of ``kinds`` may have changed."""
        return family_id in self.families and self.touches(*kinds)

    @property
    def caseload_changed(self) -> bool:
        return RecordKind.CASELOAD in self.kinds

    @property
    def only_drafts(self) -> bool:
        return self.kinds <= {RecordKind.DRAFT}
