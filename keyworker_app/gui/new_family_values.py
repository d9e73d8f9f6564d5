"""The New family (referral) form's text, turned into a ``Family`` and its problems by field.

The form is flat: one key per field, as a draft keeps it. The family's own fields use the
record's names (``reference``, ``allocated_on``…), the current address ``address.<field>``, the
members ``member.<row>.<field>`` and the relationships ``rel.<row>.<field>``. Rows left
completely blank are ignored. What cannot be read (an impossible date) is said by its field;
everything else is the domain's rules (``domain.family_rules``), which the store applies again
when it saves. No Qt here, so it is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from keyworker_app.domain.dates import parse_date
from keyworker_app.domain.family import (
    Address,
    Family,
    FamilyStatus,
    HouseholdRole,
    Person,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.family_rules import family_problems
from keyworker_app.domain.input_checks import date_problem
from keyworker_app.domain.validation import canonical_postcode

FORM = "new-family"
RECORD_KEY = "family:new"

FAMILY_FIELDS = ("reference", "family_name", "status", "allocated_on", "key_worker",
                 "review_due")
ADDRESS_FIELDS = ("line1", "line2", "town", "postcode", "from_date")
MEMBER_FIELDS = ("given_names", "family_name", "date_of_birth", "household_role", "upn",
                 "nhs_number", "ni_number")
REL_FIELDS = ("subject_ref", "kind", "object_ref")
# Choices that a blank row keeps as they were set up (not typing).
_DEFAULTS = {"household_role", "kind", "subject_ref", "object_ref"}
STATUSES = (FamilyStatus.REFERRED, FamilyStatus.ACTIVE)
NO_MEMBERS = "Add at least one member of the family."


def member_key(row: int, name: str) -> str:
    return f"member.{row}.{name}"


def rel_key(row: int, name: str) -> str:
    return f"rel.{row}.{name}"


def member_ref(row: int) -> str:
    """The ref a member typed in ``row`` of the form gets (relationships name it)."""
    return f"p{row + 1}"


def rows_in(values: dict[str, str], part: str) -> list[int]:
    """The row numbers of ``part`` ("member" or "rel") in the form's values, in order."""
    found = {int(m[1]) for key in values if (m := re.fullmatch(rf"{part}\.(\d+)\..+", key))}
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Checked:
    family: Family | None  # None while any problem remains
    problems: dict[str, str]  # field key -> first problem ("" for the form as a whole)


def _blank(values: dict[str, str], keys: list[str]) -> bool:
    return all(not values.get(k, "").strip() for k in keys)


class _Reading:
    def __init__(self, values: dict[str, str], today: date) -> None:
        self.values = values
        self.today = today
        self.problems: dict[str, str] = {}

    def text(self, key: str) -> str:
        return self.values.get(key, "").strip()

    def day(self, key: str, *, required: bool) -> date | None:
        problem = date_problem(self.values.get(key, ""), required=required)
        if problem:
            self.problems.setdefault(key, problem)
            return None
        text = self.text(key)
        return parse_date(text) if text else None


def check_new_family(values: dict[str, str], today: date) -> Checked:
    """Every problem with the form's entry, by field; the family when there are none."""
    r = _Reading(values, today)
    allocated = r.day("allocated_on", required=True)
    review = r.day("review_due", required=False)
    members: list[Person] = []
    member_rows: list[int] = []
    for row in rows_in(values, "member"):
        keys = [member_key(row, f) for f in MEMBER_FIELDS if f not in _DEFAULTS]
        if _blank(values, keys):
            continue
        born = r.day(member_key(row, "date_of_birth"), required=True)
        members.append(Person(
            member_ref(row), r.text(member_key(row, "given_names")),
            r.text(member_key(row, "family_name")), born or today,
            HouseholdRole(values.get(member_key(row, "household_role"),
                                     HouseholdRole.CHILD.value)),
            upn=r.text(member_key(row, "upn")).upper(),
            nhs_number=r.text(member_key(row, "nhs_number")),
            ni_number=r.text(member_key(row, "ni_number")).upper()))
        member_rows.append(row)
    if not members:
        r.problems.setdefault("", NO_MEMBERS)
    rels: list[Relationship] = []
    rel_rows: list[int] = []
    for row in rows_in(values, "rel"):
        subject, obj = values.get(rel_key(row, "subject_ref"), ""), values.get(
            rel_key(row, "object_ref"), "")
        if not subject and not obj:
            continue
        rels.append(Relationship(subject, RelationshipKind(
            values.get(rel_key(row, "kind"), RelationshipKind.PARENT_OF.value)), obj))
        rel_rows.append(row)
    address_keys = [f"address.{f}" for f in ADDRESS_FIELDS]
    addresses: tuple[Address, ...] = ()
    if not _blank(values, address_keys):
        moved_in = r.day("address.from_date", required=False)
        postcode = r.text("address.postcode")
        addresses = (Address(line1=r.text("address.line1"), line2=r.text("address.line2"),
                             town=r.text("address.town"),
                             postcode=canonical_postcode(postcode) if postcode else "",
                             from_date=moved_in),)
    family = Family(
        reference=r.text("reference"), family_name=r.text("family_name"),
        status=FamilyStatus(values.get("status", FamilyStatus.REFERRED.value)),
        allocated_on=allocated or today, key_worker=r.text("key_worker"),
        members=tuple(members), relationships=tuple(rels), addresses=addresses,
        review_due=review)
    for problem in family_problems(family, today):
        key = _field_key(problem.path, member_rows, rel_rows)
        r.problems.setdefault(key, problem.message)
    return Checked(None if r.problems else family, r.problems)


def _field_key(path: tuple[str | int, ...], member_rows: list[int],
               rel_rows: list[int]) -> str:
    """The form's field for a problem the domain found at ``path``."""
    head = path[0] if path else ""
    if len(path) == 1 and isinstance(head, str):
        return head
    if len(path) >= 2 and isinstance(path[1], int):
        index = path[1]
        leaf = path[2] if len(path) == 3 and isinstance(path[2], str) else ""
        if head == "addresses":
            return f"address.{leaf or 'line1'}"
        if head == "members" and index < len(member_rows):
            return member_key(member_rows[index], leaf or "given_names")
        if head == "relationships" and index < len(rel_rows):
            return rel_key(rel_rows[index], leaf or "kind")
    return ""
