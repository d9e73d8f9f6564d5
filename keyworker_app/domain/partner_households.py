"""From matched partner rows to candidate households, their Appendix D evaluation, and the
import log's frequencies. Pure code.

A candidate household becomes a ``Family`` (not saved) whose members carry the facts the
partners sent, each with its source partner, so the existing evaluator
(``domain.criteria.evaluate``) decides and explains it exactly as it does for a family in the
store. Deletion markers (ISA §10) are matched on name and date of birth: a person once
deleted from the programme is flagged, never silently added again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from keyworker_app.domain.criteria import Evaluation, evaluate
from keyworker_app.domain.dates import age_on, parse_iso_date
from keyworker_app.domain.family import Address, Family, FamilyStatus, HouseholdRole, Person
from keyworker_app.domain.indicators import (
    AsbIntervention,
    BenefitSpell,
    EducationTerm,
    Offence,
)
from keyworker_app.domain.normalise import format_postcode, normalise_name
from keyworker_app.domain.partner_data import FileKind, PartnerField, PartnerRow, indicator
from keyworker_app.domain.partner_match import Household
from keyworker_app.domain.periods import add_months
from keyworker_app.domain.policy import Criteria, Exchange
from keyworker_app.domain.provenance import Source
from keyworker_app.domain.retention import DeletionMarker


@dataclass(frozen=True, slots=True)
class RowSource:
    """What the household builder needs to know about each row's file."""

    kind: FileKind
    source: Source
    exchange_id: str


@dataclass(frozen=True, slots=True)
class Candidate:
    household: Household
    family: Family  # unsaved: what "create the family" would save
    evaluation: Evaluation
    row_ids: tuple[int, ...]
    member_keys: tuple[tuple[str, ...], ...]  # record keys per member, as family.members
    deleted_before: tuple[str, ...]  # member refs matching a deletion marker
    sources: tuple[str, ...]  # exchange ids the rows came from
    existing: tuple[str, ...] = ()  # references of store families it matches

    @property
    def qualifies(self) -> bool:
        return self.evaluation.qualifies

    def to_json(self) -> dict[str, Any]:
        """For a report file: references, counts and reasons, never a name."""
        return {"household": self.household.number, "qualifies": self.qualifies,
                "basis": self.evaluation.basis, "confidence": self.household.confidence,
                "evidence": list(self.household.evidence), "members": len(self.family.members),
                "rows": len(self.row_ids), "sources": list(self.sources),
                "criteria": sorted(c.value for c in self.evaluation.met),
                "deleted_before": list(self.deleted_before),
                "matches_families": list(self.existing)}


def _common(values: Sequence[str]) -> str:
    return Counter(values).most_common(1)[0][0] if values else ""


def _row_id(key: str) -> int | None:
    return int(key.split(":", 1)[1]) if key.startswith("row:") else None


def core_criterion(row: PartnerRow, kind: FileKind, as_of: date,
                   criteria: Criteria) -> str:
    """The core criterion a row could count towards ('' for none): a youth's offence or an
    ASB intervention to crime, a school term to education, an adult's benefit to work. An
    adult's offence adds local discretion only."""
    if kind is FileKind.OFFENCES:
        when = row.fact(PartnerField.OFFENCE_DATE)
        if when and age_on(row.date_of_birth, parse_iso_date(when)) < criteria.youth_age_below:
            return "crime"
        return ""
    if kind is FileKind.BENEFITS:
        return "work" if age_on(row.date_of_birth, as_of) >= criteria.youth_age_below else ""
    return {FileKind.ASB: "crime", FileKind.EDUCATION: "education"}.get(kind, "")


def could_qualify(core: set[str], criteria: Criteria) -> bool:
    """Whether rows counting towards these core criteria could qualify the household: all
    three, or the local-discretion minimum."""
    return len(core - {""}) >= min(3, max(1, criteria.local_discretion_min_criteria))


def build_candidate(household: Household, rows: Mapping[int, PartnerRow],
                    sources: Mapping[int, RowSource], *, as_of: date, criteria: Criteria,
                    markers: Sequence[DeletionMarker] = (),
                    existing: Sequence[str] = ()) -> Candidate:
    marked = {(normalise_name(m.name), m.date_of_birth) for m in markers}
    born_marked = {d for _, d in marked}
    members: list[Person] = []
    keys: list[tuple[str, ...]] = []
    asb: list[AsbIntervention] = []
    addresses: list[PartnerRow] = []
    flagged: list[str] = []
    row_ids: list[int] = []
    used: set[str] = set()
    for person_keys in household.people:
        ids = [i for i in (_row_id(k) for k in person_keys) if i is not None]
        if not ids:
            continue  # a store member with nothing new
        mine = [rows[i] for i in ids]
        row_ids += ids
        ref = f"p{len(members) + 1}"
        born = Counter(r.date_of_birth for r in mine).most_common(1)[0][0]
        given = _common([r.given_names for r in mine])
        family_name = _common([r.family_name for r in mine])
        offences: list[Offence] = []
        education: list[EducationTerm] = []
        benefits: list[BenefitSpell] = []
        for r in mine:
            src = sources[r.id or 0]
            used.add(src.exchange_id)
            fact = indicator(r, src.kind, src.source)
            if isinstance(fact, Offence):
                offences.append(fact)
            elif isinstance(fact, EducationTerm):
                key = (fact.academic_year, fact.term)
                if all((e.academic_year, e.term) != key for e in education):
                    education.append(fact)
            elif isinstance(fact, BenefitSpell):
                benefits.append(fact)
            elif isinstance(fact, AsbIntervention):
                asb.append(replace(fact, person_ref=ref))
            addresses.append(r)
        role = (HouseholdRole.CHILD if age_on(born, as_of) < criteria.youth_age_below
                else HouseholdRole.PARENT_CARER)
        members.append(Person(ref, given, family_name, born, role,
                              offences=tuple(sorted(offences, key=lambda o: o.offence_date)),
                              education=tuple(education), benefits=tuple(benefits)))
        keys.append(person_keys)
        if born in born_marked and (normalise_name(f"{given} {family_name}"),
                                    born) in marked:
            flagged.append(ref)
    home = max(addresses, key=lambda r: (bool(r.postcode), r.id or 0))
    family = Family(f"PD-{household.number:05d}",
                    _common([m.family_name for m in members]), FamilyStatus.REFERRED,
                    as_of, "", members=tuple(members),
                    addresses=(Address(home.address, home.town or "-",
                                       format_postcode(home.postcode) if home.postcode
                                       else ""),),
                    asb_interventions=tuple(asb))
    return Candidate(household, family, evaluate(family, as_of, criteria), tuple(row_ids),
                     tuple(keys), tuple(flagged), tuple(sorted(used)), tuple(existing))


# -- the import log -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LogEntry:
    exchange_id: str
    frequency: str  # as the agreement says it
    last_received: datetime | None
    files: int
    due_on: date | None  # when the next file is due; None when no frequency is agreed
    overdue: bool


_EVERY = (("week", timedelta(days=7)), ("month", 1), ("term", 4))


def next_due(frequency: str, last: date) -> date | None:
    """When the next file is due after one received on ``last``; None if not agreed."""
    text = frequency.casefold()
    for word, step in _EVERY:
        if re.search(rf"\b{word}", text):
            if isinstance(step, timedelta):
                return last + step
            return add_months(last, step)
    return None


def log_entry(exchange: Exchange, received: Sequence[datetime], today: date,
              local_day: Any) -> LogEntry:
    last = max(received) if received else None
    due = next_due(exchange.frequency, local_day(last)) if last is not None else None
    return LogEntry(exchange.id, exchange.frequency, last, len(received), due,
                    due is not None and today > due)
