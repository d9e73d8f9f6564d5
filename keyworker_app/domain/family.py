"""Families, their members, addresses, relationships and the contact log.

Pure data: no Qt, no SQL, no I/O. Records are immutable; edits make new values
(``dataclasses.replace``). ``id`` is ``None`` until the store has saved a record.
Members are referred to inside a family by ``ref``, a short key that is stable
before and after saving (relationships and import files use it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from keyworker_app.domain.dates import as_utc
from keyworker_app.domain.indicators import (
    AsbIntervention,
    BenefitSpell,
    Concern,
    EducationTerm,
    Offence,
)
from keyworker_app.domain.provenance import Source


class FamilyStatus(enum.StrEnum):
    REFERRED = "referred"
    ACTIVE = "active"
    STEP_DOWN = "step-down"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"referred": "Referred", "active": "Active", "step-down": "Stepped down",
                "closed": "Closed"}[self.value]


class HouseholdRole(enum.StrEnum):
    PARENT_CARER = "parent-carer"
    CHILD = "child"
    OTHER_ADULT = "other-adult"
    OTHER_CHILD = "other-child"

    @property
    def label(self) -> str:
        return {"parent-carer": "Parent or carer", "child": "Child",
                "other-adult": "Other adult", "other-child": "Other child"}[self.value]


class RelationshipKind(enum.StrEnum):
    PARENT_OF = "parent-of"
    STEP_PARENT_OF = "step-parent-of"
    CARER_OF = "carer-of"
    GRANDPARENT_OF = "grandparent-of"
    SIBLING_OF = "sibling-of"
    HALF_SIBLING_OF = "half-sibling-of"
    PARTNER_OF = "partner-of"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class ContactKind(enum.StrEnum):
    HOME_VISIT = "home-visit"
    PHONE_CALL = "phone-call"
    OFFICE_VISIT = "office-visit"
    SCHOOL_VISIT = "school-visit"
    MESSAGE = "message"
    NOTE = "note"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Person:
    ref: str
    given_names: str
    family_name: str
    date_of_birth: date
    household_role: HouseholdRole
    sex_gender: str = ""  # as recorded by the referrer, free text
    upn: str = ""  # Unique Pupil Number, optional
    nhs_number: str = ""
    ni_number: str = ""
    offences: tuple[Offence, ...] = ()
    education: tuple[EducationTerm, ...] = ()
    benefits: tuple[BenefitSpell, ...] = ()
    id: int | None = field(default=None, compare=False)

    @property
    def display_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def age_on(self, day: date) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


@dataclass(frozen=True, slots=True)
class Relationship:
    subject_ref: str
    kind: RelationshipKind
    object_ref: str
    id: int | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    town: str
    postcode: str
    line2: str = ""
    from_date: date | None = None
    to_date: date | None = None  # None while current
    id: int | None = field(default=None, compare=False)

    @property
    def is_current(self) -> bool:
        return self.to_date is None


@dataclass(frozen=True, slots=True)
class NoteAmendment:
    """A correction or addition to a case note. The note's own text is never changed: the
    original stays as written and each amendment says who made it, when and why."""
    amended_at: datetime
    author: str
    reason: str
    text: str
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "amended_at", as_utc(self.amended_at))


@dataclass(frozen=True, slots=True)
class CaseNote:
    kind: ContactKind
    occurred_at: datetime
    author: str
    summary: str
    person_ref: str = ""  # empty: about the whole family
    source: Source = Source()  # where it came from (ISA §9)
    id: int | None = field(default=None, compare=False)
    # Stored apart from the note (only ever added to, through ``Session.amend_note``), so a
    # save of the family neither writes nor compares them.
    amendments: tuple[NoteAmendment, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        # Kept in UTC; a time typed without a zone is the key worker's local time.
        object.__setattr__(self, "occurred_at", as_utc(self.occurred_at))

    @property
    def current_text(self) -> str:
        """What the note says now: the latest amendment's text, else the original."""
        return self.amendments[-1].text if self.amendments else self.summary


@dataclass(frozen=True, slots=True)
class Family:
    reference: str
    family_name: str
    status: FamilyStatus
    allocated_on: date
    key_worker: str
    members: tuple[Person, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    addresses: tuple[Address, ...] = ()
    asb_interventions: tuple[AsbIntervention, ...] = ()
    concerns: tuple[Concern, ...] = ()
    notes: tuple[CaseNote, ...] = ()
    closed_on: date | None = None
    closure_reason: str = ""
    review_due: date | None = None
    id: int | None = field(default=None, compare=False)
    # The stored row's version when this copy was read (0: never saved). A save based on
    # an older version of the family's own fields is refused rather than applied over it.
    version: int = field(default=0, compare=False)

    def member(self, ref: str) -> Person:
        for person in self.members:
            if person.ref == ref:
                return person
        raise KeyError(ref)

    @property
    def current_address(self) -> Address | None:
        current = [a for a in self.addresses if a.is_current]
        return current[-1] if current else None


@dataclass(frozen=True, slots=True)
class FamilySummary:
    """One caseload row: what the caseload table shows, nothing more."""

    id: int
    reference: str
    family_name: str
    member_count: int
    status: FamilyStatus
    key_worker: str
    postcode: str
    review_due: date | None
    next_action_due: date | None = None
