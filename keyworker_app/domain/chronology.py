"""A family's chronology, built from the record: every dated event in one list.

Pure: it reads a family, its meetings, consent decisions and the information shared, and
returns entries in date order (oldest first unless asked otherwise). Nothing is stored; the
chronology is always what the record says now. Source partners are named through the
``partner_names`` the caller passes (the policy's partner ids to names).

The one thing a worker adds to it is a *significance* mark with a reason. A mark names its
entry by (kind, record): the kind of entry and the id of the record it is built from (the
note, the offence, the meeting...; ``FAMILY_DATES`` for entries made from the family's own
dates), so it follows the entry however often the chronology is built again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from keyworker_app.domain.dates import local_day
from keyworker_app.domain.family import Family
from keyworker_app.domain.indicators import Term
from keyworker_app.domain.provenance import SPECIAL_SOURCES, Source
from keyworker_app.domain.taf import Consent, Meeting, SharedInformation


class EntryKind(enum.StrEnum):
    ALLOCATION = "allocation"
    NOTE = "note"
    MEETING = "meeting"
    DECISION = "decision"
    OFFENCE = "offence"
    ASB = "asb"
    EDUCATION = "education"
    BENEFIT = "benefit"
    CONCERN = "concern"
    CONSENT = "consent"
    SHARED = "shared"
    REVIEW = "review"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        return {
            "allocation": "Allocation", "note": "Case note", "meeting": "TAF meeting",
            "decision": "Meeting decision", "offence": "Offence", "asb": "ASB intervention",
            "education": "Exclusion or absence", "benefit": "Benefit spell",
            "concern": "Concern", "consent": "Consent", "shared": "Information shared",
            "review": "Review", "closure": "Closure",
        }[self.value]


FAMILY_DATES = "family"  # the record of entries built from the family's own dates


@dataclass(frozen=True, slots=True)
class Significance:
    """A worker's mark that an entry is a significant event, and why."""

    kind: EntryKind
    record: str
    reason: str
    marked_by: str = ""
    marked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    day: date
    kind: EntryKind
    event: str
    who: str  # the person, worker or agency the entry comes from
    summary: str
    person_refs: tuple[str, ...] = ()  # empty: the household as a whole
    moment: datetime | None = None  # for entries with a time of day (notes, meetings)
    record: str = ""  # the id of the record it is built from ('' for an unsaved one)
    significance: Significance | None = None

    @property
    def key(self) -> tuple[EntryKind, str]:
        return (self.kind, self.record)

    @property
    def can_be_marked(self) -> bool:
        return bool(self.record)

    @property
    def sort_key(self) -> tuple[date, int, str]:
        seconds = 0 if self.moment is None else int(self.moment.timestamp()) % 86400
        return (self.day, seconds, self.kind.value)


# The first day of each term of an academic year starting in September of ``year``.
_TERM_START = {Term.AUTUMN: (0, 9, 1), Term.SPRING: (1, 1, 1), Term.SUMMER: (1, 4, 15)}


SUMMARY_LENGTH = 240  # a chronology entry is a short summary; the record has the rest


def short(text: str, length: int = SUMMARY_LENGTH) -> str:
    """The text on one line, cut at a word before ``length`` characters with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    return flat[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def term_start(academic_year: int, term: Term) -> date:
    offset, month, day = _TERM_START[term]
    return date(academic_year + offset, month, day)


def _id(record_id: int | None) -> str:
    return "" if record_id is None else str(record_id)


def _source(source: Source, partner_names: Mapping[str, str]) -> str:
    if source.partner in SPECIAL_SOURCES:
        return SPECIAL_SOURCES[source.partner]
    return partner_names.get(source.partner, source.partner)


def _family_entries(family: Family, names: Mapping[str, str]) -> Iterable[Entry]:
    yield Entry(family.allocated_on, EntryKind.ALLOCATION, "Allocated to key worker",
                family.key_worker, f"Case allocated to {family.key_worker}.",
                record=FAMILY_DATES)
    for note in family.notes:
        refs = (note.person_ref,) if note.person_ref else ()
        text = short(note.current_text) + (" (amended)" if note.amendments else "")
        yield Entry(local_day(note.occurred_at), EntryKind.NOTE, note.kind.label, note.author,
                    text, refs, note.occurred_at, _id(note.id))
    for person in family.members:
        for offence in person.offences:
            yield Entry(offence.offence_date, EntryKind.OFFENCE,
                        offence.disposal.label, _source(offence.source, names),
                        offence.description or offence.disposal.label, (person.ref,),
                        record=_id(offence.id))
        for term in person.education:
            parts = []
            if term.fixed_exclusions:
                parts.append(f"{term.fixed_exclusions} fixed-period exclusion(s)")
            if term.permanent_exclusion:
                parts.append("permanent exclusion")
            parts.append(f"unauthorised absence {term.unauthorised_absence_pct:.1f}%")
            year = f"{term.academic_year}/{(term.academic_year + 1) % 100:02d}"
            yield Entry(term_start(term.academic_year, term.term), EntryKind.EDUCATION,
                        f"{term.term.label} term {year}", _source(term.source, names),
                        ", ".join(parts).capitalize() + ".", (person.ref,), record=_id(term.id))
        for spell in person.benefits:
            label = spell.benefit.value.replace("-", " ")
            label = label.upper() if len(label) <= 3 else label.capitalize()
            yield Entry(spell.from_date, EntryKind.BENEFIT, label,
                        _source(spell.source, names),
                        f"{label} started"
                        + ("" if spell.to_date is None else " (since ended)") + ".",
                        (person.ref,), record=_id(spell.id))
    for asb in family.asb_interventions:
        refs = (asb.person_ref,) if asb.person_ref else ()
        yield Entry(asb.start_date, EntryKind.ASB, asb.kind.label, _source(asb.source, names),
                    f"{asb.kind.label} started.", refs, record=_id(asb.id))
    for concern in family.concerns:
        refs = (concern.person_ref,) if concern.person_ref else ()
        yield Entry(concern.noted_on, EntryKind.CONCERN, concern.kind.label,
                    _source(concern.source, names), short(concern.detail) or concern.kind.label,
                    refs, record=_id(concern.id))
    if family.review_due is not None:
        yield Entry(family.review_due, EntryKind.REVIEW, "Review due", family.key_worker,
                    "The case is due for review.", record=FAMILY_DATES)
    if family.closed_on is not None:
        yield Entry(family.closed_on, EntryKind.CLOSURE, "Case closed", family.key_worker,
                    family.closure_reason or "Case closed.", record=FAMILY_DATES)


def _shared_entry(item: SharedInformation, names: Mapping[str, str]) -> Entry:
    return Entry(item.received_on, EntryKind.SHARED, "Information received",
                 names.get(item.from_partner, item.from_partner), short(item.summary), item.about,
                 record=_id(item.id))


def build_chronology(family: Family, meetings: Sequence[Meeting] = (),
                     consents: Sequence[Consent] = (),
                     shared: Sequence[SharedInformation] = (), *,
                     partner_names: Mapping[str, str] | None = None,
                     newest_first: bool = False,
                     marks: Iterable[Significance] = ()) -> tuple[Entry, ...]:
    """Every dated event of the family, in date (and time) order, with the worker's
    significance marks on the entries they name (a mark whose record is gone is left out)."""
    names = partner_names or {}
    entries = list(_family_entries(family, names))
    for meeting in meetings:
        day = local_day(meeting.held_at)
        found = [Entry(day, EntryKind.MEETING, meeting.kind.label,
                            meeting.chair or "TAF meeting",
                            meeting.needs or meeting.worries or "Meeting held.",
                            moment=meeting.held_at, record=_id(meeting.id))]
        found += [Entry(day, EntryKind.DECISION, "Decision", meeting.chair or "TAF meeting",
                             decision.text, moment=meeting.held_at, record=_id(decision.id))
                       for decision in meeting.decisions]
        if meeting.next_review is not None:
            found.append(Entry(meeting.next_review, EntryKind.REVIEW, "TAF review due",
                                    meeting.chair or "TAF meeting",
                                    f"Review set at the {meeting.kind.label} meeting.",
                                    record="" if meeting.id is None else f"meeting-{meeting.id}"))
        entries += found
        entries += [_shared_entry(item, names) for item in meeting.shared]
    for consent in consents:
        entries.append(Entry(consent.recorded_on, EntryKind.CONSENT,
                             f"Consent {consent.state.label.lower()}", consent.recorded_by,
                             f"Consent {consent.state.label.lower()} ({consent.how.label}).",
                             (consent.person_ref,), record=_id(consent.id)))
    seen = {item.id for m in meetings for item in m.shared if item.id is not None}
    entries += [_shared_entry(item, names) for item in shared
                if item.id is None or item.id not in seen]
    entries.sort(key=lambda e: e.sort_key, reverse=newest_first)
    return with_marks(entries, marks)


def with_marks(entries: Iterable[Entry], marks: Iterable[Significance]) -> tuple[Entry, ...]:
    by_key = {(m.kind, m.record): m for m in marks}
    return tuple(replace(e, significance=by_key.get(e.key)) if e.can_be_marked else e
                 for e in entries)


def filter_entries(entries: Iterable[Entry], *, kinds: frozenset[EntryKind] | None = None,
                   person_ref: str | None = None,
                   significant_only: bool = False) -> tuple[Entry, ...]:
    """The entries of the given kinds about the given member (or all, for None); a member's
    filter keeps household entries too, since they concern everyone in it. With
    ``significant_only``, just the entries marked significant."""
    return tuple(e for e in entries
                 if (kinds is None or e.kind in kinds)
                 and (person_ref is None or not e.person_refs or person_ref in e.person_refs)
                 and (not significant_only or e.significance is not None))


def significance_text(entry: Entry) -> str:
    """What the significance column says: the reason, or nothing for an unmarked entry."""
    if entry.significance is None:
        return ""
    return f"Significant: {entry.significance.reason}"
