"""The rules a family record keeps, whoever writes it: a form, the importer or the store.

Each ``*_problems`` function is pure and returns every ``Problem`` it finds (an empty list
when the record is acceptable), with paths in the records' own attribute names:
``family_problems`` checks a whole family, the others one record on its own. ``today`` is the
key worker's local date, against which "not in the future" is judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from keyworker_app.domain import validation as v
from keyworker_app.domain.dates import local_day
from keyworker_app.domain.family import (
    Address,
    CaseNote,
    Family,
    HouseholdRole,
    Person,
    Relationship,
)
from keyworker_app.domain.indicators import (
    AsbIntervention,
    BenefitSpell,
    Concern,
    ConcernKind,
    EducationTerm,
    Offence,
    current_academic_year,
    term_start,
)
from keyworker_app.domain.problems import FieldPath, InvalidRecordError, Problem, prefixed

SHORT_TEXT_MAX = 200  # names, address lines, towns, authors
REF_MAX = 40  # family references and member refs
LONG_TEXT_MAX = 20_000  # descriptions, details, summaries, reasons
OLDEST_YEARS = 120
EARLIEST_ACADEMIC_YEAR = 2000
MOST_FIXED_EXCLUSIONS = 99

T = TypeVar("T")

CHILD_ROLES = frozenset({HouseholdRole.CHILD, HouseholdRole.OTHER_CHILD})
ADULT_ROLES = frozenset({HouseholdRole.PARENT_CARER, HouseholdRole.OTHER_ADULT})


# -- single fields -----------------------------------------------------------------------------
def text_problem(text: str, what: str, *, required: bool = True,
                 max_length: int = SHORT_TEXT_MAX) -> str | None:
    """``what`` names the field in the message: "the town", "a summary"."""
    if required and not text.strip():
        return f"Enter {what}."
    if len(text) > max_length:
        return f"Keep {what} to {max_length:,} characters or fewer."
    return None


def not_future_problem(day: date | None, what: str, today: date) -> str | None:
    """``what`` as it starts a sentence: "The offence date"."""
    if day is not None and day > today:
        return f"{what} cannot be in the future."
    return None


def order_problem(start: date | None, end: date | None, end_what: str,
                  start_what: str) -> str | None:
    if start is not None and end is not None and end < start:
        return f"{end_what} is before {start_what}."
    return None


def postcode_problem(text: str) -> str | None:
    if not text.strip():
        return "Enter a postcode."
    if not v.is_valid_uk_postcode(text):
        return "Enter a UK postcode, for example SW1A 1AA."
    return None


def date_of_birth_problem(born: date, today: date) -> str | None:
    if born > today:
        return "A date of birth cannot be in the future."
    if today.year - born.year > OLDEST_YEARS:
        return f"A date of birth cannot be more than {OLDEST_YEARS} years ago."
    return None


def academic_year_problem(start: int, today: date) -> str | None:
    """``start``: the year the academic year starts (2025 for 2025/26)."""
    if start > current_academic_year(today):
        return "The academic year cannot be in the future."
    if start < EARLIEST_ACADEMIC_YEAR:
        return (f"Enter an academic year from {EARLIEST_ACADEMIC_YEAR}/"
                f"{(EARLIEST_ACADEMIC_YEAR + 1) % 100:02d} onwards.")
    return None


class _Found:
    """Collects the problems of one record."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str | FieldPath, problem: str | None) -> None:
        if problem:
            path = (field,) if isinstance(field, str) else field
            self.problems.append(Problem(path, problem))

    def period(self, start: tuple[str, date | None, str], end: tuple[str, date | None, str],
               today: date) -> None:
        """A period's rules: neither end in the future, and it does not end before it
        starts. Each end is (field, value, label as it starts a sentence)."""
        (start_field, start_day, start_label), (end_field, end_day, end_label) = start, end
        self.add(start_field, not_future_problem(start_day, start_label, today))
        self.add(end_field, not_future_problem(end_day, end_label, today))
        self.add(end_field, order_problem(start_day, end_day, end_label,
                                          start_label[0].lower() + start_label[1:]))


# -- one record at a time ----------------------------------------------------------------------
def address_problems(address: Address, today: date) -> list[Problem]:
    found = _Found()
    found.add("line1", text_problem(address.line1, "the first line of the address"))
    found.add("line2", text_problem(address.line2, "the second line", required=False))
    found.add("town", text_problem(address.town, "the town"))
    found.add("postcode", postcode_problem(address.postcode))
    found.add("from_date", not_future_problem(address.from_date, "The moving-in date", today))
    found.add("to_date", not_future_problem(address.to_date, "The leaving date", today))
    found.add("to_date", order_problem(address.from_date, address.to_date,
                                       "The leaving date", "the moving-in date"))
    return found.problems


def offence_problems(offence: Offence, today: date) -> list[Problem]:
    found = _Found()
    found.add("offence_date", not_future_problem(offence.offence_date, "The offence date", today))
    found.add("disposal_date", not_future_problem(offence.disposal_date, "The disposal date",
                                                  today))
    found.add("disposal_date", order_problem(offence.offence_date, offence.disposal_date,
                                             "The disposal date", "the offence date"))
    found.add("description", text_problem(offence.description, "the description",
                                          required=False, max_length=LONG_TEXT_MAX))
    return found.problems


def education_problems(term: EducationTerm, today: date) -> list[Problem]:
    found = _Found()
    year_problem = academic_year_problem(term.academic_year, today)
    found.add("academic_year", year_problem)
    if year_problem is None and term_start(term.academic_year, term.term) > today:
        found.add("term", "That term has not started yet.")
    if not 0 <= term.fixed_exclusions <= MOST_FIXED_EXCLUSIONS:
        found.add("fixed_exclusions",
                  f"Enter fixed-period exclusions as a whole number from 0 to "
                  f"{MOST_FIXED_EXCLUSIONS}.")
    if not 0 <= term.unauthorised_absence_pct <= 100:  # also refuses NaN
        found.add("unauthorised_absence_pct",
                  "Enter unauthorised absence as a percentage from 0 to 100.")
    return found.problems


def benefit_problems(spell: BenefitSpell, today: date) -> list[Problem]:
    found = _Found()
    found.period(("from_date", spell.from_date, "The start date"),
                 ("to_date", spell.to_date, "The end date"), today)
    return found.problems


def asb_problems(record: AsbIntervention, today: date) -> list[Problem]:
    found = _Found()
    found.period(("start_date", record.start_date, "The start date"),
                 ("end_date", record.end_date, "The end date"), today)
    return found.problems


def concern_problems(concern: Concern, today: date) -> list[Problem]:
    found = _Found()
    found.period(("noted_on", concern.noted_on, "The date noted"),
                 ("ended_on", concern.ended_on, "The end date"), today)
    if concern.kind is ConcernKind.OTHER and not concern.detail.strip():
        found.add("detail", "Describe the concern.")
    found.add("detail", text_problem(concern.detail, "the detail", required=False,
                                     max_length=LONG_TEXT_MAX))
    return found.problems


def note_problems(note: CaseNote, today: date) -> list[Problem]:
    found = _Found()
    if local_day(note.occurred_at) > today:
        found.add("occurred_at", "A case note cannot be dated in the future.")
    found.add("author", text_problem(note.author, "who wrote the note"))
    found.add("summary", text_problem(note.summary, "a summary", max_length=LONG_TEXT_MAX))
    return found.problems


_IDS = (("upn", v.is_valid_upn, "Enter a Unique Pupil Number as a letter, eleven digits and "
         "a digit or letter, or leave it blank."),
        ("nhs_number", v.is_valid_nhs_number, "Enter an NHS number of ten digits with a "
         "correct check digit, or leave it blank."),
        ("ni_number", v.is_valid_ni_number, "Enter a National Insurance number such as "
         "QQ 12 34 56 C, or leave it blank."))


def person_problems(person: Person, today: date) -> list[Problem]:
    """The member's own fields and their offences, education and benefits."""
    found = _Found()
    found.add("ref", text_problem(person.ref, "the member's ref", max_length=REF_MAX))
    found.add("given_names", text_problem(person.given_names, "given names"))
    found.add("family_name", text_problem(person.family_name, "a family name"))
    found.add("date_of_birth", date_of_birth_problem(person.date_of_birth, today))
    found.add("sex_gender", text_problem(person.sex_gender, "sex or gender", required=False))
    for key, valid, message in _IDS:
        value: str = getattr(person, key)
        if value.strip() and not valid(value):
            found.add(key, message)
    problems = found.problems
    for i, offence in enumerate(person.offences):
        problems += prefixed(("offences", i), offence_problems(offence, today))
    seen_terms: set[tuple[int, object]] = set()
    for i, term in enumerate(person.education):
        problems += prefixed(("education", i), education_problems(term, today))
        if person.household_role not in CHILD_ROLES:
            problems.append(Problem(("education", i), "Education terms are recorded for "
                                    "children: choose a child in this family."))
        if (term.academic_year, term.term) in seen_terms:
            problems.append(Problem(("education", i, "term"),
                                    "This term is already recorded for the child."))
        seen_terms.add((term.academic_year, term.term))
    for i, spell in enumerate(person.benefits):
        problems += prefixed(("benefits", i), benefit_problems(spell, today))
        if person.household_role not in ADULT_ROLES:
            problems.append(Problem(("benefits", i), "Benefits are recorded for adults: "
                                    "choose an adult in this family."))
    return problems


# -- across the family -------------------------------------------------------------------------
def relationship_problems(family: Family) -> list[Problem]:
    refs = {p.ref for p in family.members}
    problems: list[Problem] = []
    seen: set[Relationship] = set()
    for i, rel in enumerate(family.relationships):
        at: FieldPath = ("relationships", i)
        for key, ref in (("subject_ref", rel.subject_ref), ("object_ref", rel.object_ref)):
            if ref not in refs:
                problems.append(Problem((*at, key), "Choose a member of this family."))
        if rel.subject_ref == rel.object_ref:
            problems.append(Problem((*at, "object_ref"),
                                    "A relationship is between two different members."))
        elif rel in seen:  # records compare without their ids
            problems.append(Problem(at, "This relationship is already recorded."))
        seen.add(rel)
    return problems


def _about_problems(path: FieldPath, person_ref: str, refs: set[str]) -> list[Problem]:
    if person_ref and person_ref not in refs:
        return [Problem((*path, "person_ref"), "Choose a member of this family, or the whole "
                                               "family.")]
    return []


def _each(name: str, records: Iterable[T], check: Callable[[T, date], list[Problem]],
          today: date) -> list[Problem]:
    out: list[Problem] = []
    for i, record in enumerate(records):
        out += prefixed((name, i), check(record, today))
    return out


def family_problems(family: Family, today: date) -> list[Problem]:
    """Every problem with the family and everything recorded about it."""
    found = _Found()
    found.add("reference", text_problem(family.reference, "the family's reference",
                                        max_length=REF_MAX))
    found.add("family_name", text_problem(family.family_name, "a family name"))
    found.add("key_worker", text_problem(family.key_worker, "the key worker's name"))
    found.add("allocated_on", not_future_problem(family.allocated_on, "The allocation date",
                                                 today))
    found.add("closed_on", not_future_problem(family.closed_on, "The closing date", today))
    found.add("closed_on", order_problem(family.allocated_on, family.closed_on,
                                         "The closing date", "the allocation date"))
    found.add("closure_reason", text_problem(family.closure_reason, "the reason",
                                             required=False, max_length=LONG_TEXT_MAX))
    problems = found.problems

    refs: set[str] = set()
    for i, person in enumerate(family.members):
        problems += prefixed(("members", i), person_problems(person, today))
        if person.ref in refs:
            problems.append(Problem(("members", i, "ref"),
                                    "Another member of this family has the same ref."))
        refs.add(person.ref)
    problems += relationship_problems(family)

    problems += _each("addresses", family.addresses, address_problems, today)
    current = [i for i, a in enumerate(family.addresses) if a.is_current]
    for i in current[:-1]:  # the last current one stands; each earlier one needs an end
        problems.append(Problem(("addresses", i, "to_date"),
                                "Another address is current: add a leaving date."))

    problems += _each("asb_interventions", family.asb_interventions, asb_problems, today)
    problems += _each("concerns", family.concerns, concern_problems, today)
    problems += _each("notes", family.notes, note_problems, today)
    abouts = [("asb_interventions", i, r.person_ref)
              for i, r in enumerate(family.asb_interventions)]
    abouts += [("concerns", i, r.person_ref) for i, r in enumerate(family.concerns)]
    abouts += [("notes", i, r.person_ref) for i, r in enumerate(family.notes)]
    for name, i, ref in abouts:
        problems += _about_problems((name, i), ref, refs)
    return sorted(problems, key=_reading_order())


def _reading_order() -> Callable[[Problem], tuple[int, int]]:
    """Problems in the order of the record's fields, as a form or file lists them."""
    order = {name: i for i, name in enumerate(
        ("reference", "family_name", "status", "allocated_on", "key_worker", "review_due",
         "closed_on", "closure_reason", "addresses", "members", "relationships",
         "asb_interventions", "concerns", "notes"))}

    def key(problem: Problem) -> tuple[int, int]:
        head = problem.path[0] if problem.path else ""
        index = problem.path[1] if len(problem.path) > 1 else -1
        return (order.get(str(head), len(order)), index if isinstance(index, int) else -1)

    return key


def new_problems(family: Family, before: Family | None, today: date) -> list[Problem]:
    """The family's problems that ``before`` (the copy an edit started from) did not have.

    A family recorded before a rule existed (two current addresses from an older import,
    say) can still take a case note: an edit is refused only for what it makes worse."""
    problems = family_problems(family, today)
    if before is None or not problems:
        return problems
    already = set(family_problems(before, today))
    return [p for p in problems if p not in already]


def require_valid_family(family: Family, today: date, *, before: Family | None = None,
                         focus: FieldPath | None = None, keys: dict[str, str] | None = None,
                         whole_record: str = "") -> Family:
    """The family if it keeps every rule (every rule ``before`` kept, when an edit passes the
    copy it started from), else ``InvalidRecordError`` listing the problems.

    A form passes ``focus``, the path of the record it edits, so problems with that record
    are shown by their fields (``InvalidRecordError.for_form``)."""
    problems = new_problems(family, before, today)
    if not problems:
        return family
    if focus is None:
        raise InvalidRecordError(problems)
    raise InvalidRecordError.for_form(problems, focus, keys, whole_record)


def closure_problems(family: Family, closed_on: date, reason: str,
                     today: date) -> list[Problem]:
    """Closing a family's case: a day that has come, not before allocation, and why."""
    found = _Found()
    found.add("closed_on", not_future_problem(closed_on, "The closing date", today))
    found.add("closed_on", order_problem(family.allocated_on, closed_on, "The closing date",
                                         "the allocation date"))
    found.add("closure_reason", text_problem(reason, "the reason the case is closing",
                                             max_length=LONG_TEXT_MAX))
    return found.problems
