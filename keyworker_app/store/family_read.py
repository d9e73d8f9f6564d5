"""Reading families back: whole aggregates for one family, summary rows for many.

Every collection comes back in saved order (``position``), so a reloaded family
compares equal to the one saved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    ContactKind,
    Family,
    FamilyStatus,
    FamilySummary,
    HouseholdRole,
    NoteAmendment,
    Person,
    Relationship,
    RelationshipKind,
)
from keyworker_app.domain.indicators import (
    AsbIntervention,
    AsbKind,
    Benefit,
    BenefitSpell,
    Concern,
    ConcernKind,
    Disposal,
    EducationTerm,
    Offence,
    Provision,
    Term,
)
from keyworker_app.domain.provenance import Source
from keyworker_app.errors import RecordNotFoundError
from keyworker_app.store.connection import Connection

Row = tuple[Any, ...]


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def required_day(text: str) -> date:
    return date.fromisoformat(text)


FAMILY_COLUMNS = (
    "reference, family_name, status, allocated_on, key_worker, closed_on, closure_reason, "
    "review_due"
)
PERSON_COLUMNS = (
    "ref, given_names, family_name, date_of_birth, household_role, sex_gender, upn, "
    "nhs_number, ni_number"
)
RELATIONSHIP_COLUMNS = "subject_ref, kind, object_ref"
ADDRESS_COLUMNS = "line1, line2, town, postcode, from_date, to_date"
SOURCE_COLUMNS = "source, controller, controller_name"  # always last (source_of)
NOTE_COLUMNS = f"kind, occurred_at, author, summary, person_ref, {SOURCE_COLUMNS}"
OFFENCE_COLUMNS = f"offence_date, disposal, description, disposal_date, {SOURCE_COLUMNS}"
ASB_COLUMNS = f"kind, start_date, end_date, person_ref, {SOURCE_COLUMNS}"
EDUCATION_COLUMNS = (
    "academic_year, term, fixed_exclusions, permanent_exclusion, unauthorised_absence_pct, "
    f"provision, {SOURCE_COLUMNS}"
)
BENEFIT_COLUMNS = f"benefit, from_date, to_date, {SOURCE_COLUMNS}"
CONCERN_COLUMNS = f"kind, noted_on, ended_on, detail, person_ref, {SOURCE_COLUMNS}"


def _family_rows(conn: Connection, table: str, columns: str, family_id: int) -> list[Row]:
    return list(
        conn.execute(
            f"SELECT id, {columns} FROM {table} WHERE family_id = ? ORDER BY position, id",
            (family_id,),
        )
    )


def _person_rows(conn: Connection, table: str, columns: str, family_id: int) -> dict[
    int, list[Row]
]:
    """One query for the whole family's rows of a per-person table, grouped by person."""
    grouped: dict[int, list[Row]] = defaultdict(list)
    rows = conn.execute(
        f"SELECT t.person_id, t.id, {', '.join('t.' + c.strip() for c in columns.split(','))} "
        f"FROM {table} t JOIN person p ON p.id = t.person_id WHERE p.family_id = ? "
        "ORDER BY t.person_id, t.position, t.id",
        (family_id,),
    )
    for row in rows:
        grouped[int(row[0])].append(tuple(row[1:]))
    return grouped


def source_of(r: Row) -> Source:
    """The last three columns of a row read with SOURCE_COLUMNS at the end."""
    return Source(r[-3], r[-2], r[-1])


def _offence(r: Row) -> Offence:
    return Offence(required_day(r[1]), Disposal(r[2]), r[3], day(r[4]), source=source_of(r),
                   id=r[0])


def _education(r: Row) -> EducationTerm:
    return EducationTerm(
        academic_year=int(r[1]),
        term=Term(r[2]),
        fixed_exclusions=int(r[3]),
        permanent_exclusion=bool(r[4]),
        unauthorised_absence_pct=float(r[5]),
        provision=Provision(r[6]),
        source=source_of(r),
        id=r[0],
    )


def _benefit(r: Row) -> BenefitSpell:
    return BenefitSpell(Benefit(r[1]), required_day(r[2]), day(r[3]), source=source_of(r),
                        id=r[0])


def note_amendments(conn: Connection, family_id: int) -> dict[int, tuple[NoteAmendment, ...]]:
    """Each note's amendments, oldest first, keyed by the note's id."""
    grouped: dict[int, list[NoteAmendment]] = defaultdict(list)
    for r in conn.execute(
        "SELECT note_id, id, amended_at, author, reason, text FROM note_amendment "
        "WHERE family_id = ? ORDER BY note_id, id", (family_id,)
    ):
        grouped[int(r[0])].append(NoteAmendment(datetime.fromisoformat(r[2]), r[3], r[4], r[5],
                                                id=r[1]))
    return {note: tuple(items) for note, items in grouped.items()}


def load_family(conn: Connection, family_id: int) -> Family:
    row = conn.execute(
        f"SELECT {FAMILY_COLUMNS}, version FROM family WHERE id = ?", (family_id,)
    ).fetchone()
    if row is None:
        raise RecordNotFoundError("family", family_id)
    offences = _person_rows(conn, "offence", OFFENCE_COLUMNS, family_id)
    education = _person_rows(conn, "education_term", EDUCATION_COLUMNS, family_id)
    benefits = _person_rows(conn, "benefit_spell", BENEFIT_COLUMNS, family_id)
    amendments = note_amendments(conn, family_id)
    members = tuple(
        Person(
            ref=r[1],
            given_names=r[2],
            family_name=r[3],
            date_of_birth=required_day(r[4]),
            household_role=HouseholdRole(r[5]),
            sex_gender=r[6],
            upn=r[7],
            nhs_number=r[8],
            ni_number=r[9],
            offences=tuple(_offence(o) for o in offences.get(r[0], ())),
            education=tuple(_education(e) for e in education.get(r[0], ())),
            benefits=tuple(_benefit(b) for b in benefits.get(r[0], ())),
            id=r[0],
        )
        for r in _family_rows(conn, "person", PERSON_COLUMNS, family_id)
    )
    return Family(
        reference=row[0],
        family_name=row[1],
        status=FamilyStatus(row[2]),
        allocated_on=required_day(row[3]),
        key_worker=row[4],
        members=members,
        relationships=tuple(
            Relationship(r[1], RelationshipKind(r[2]), r[3], id=r[0])
            for r in _family_rows(conn, "relationship", RELATIONSHIP_COLUMNS, family_id)
        ),
        addresses=tuple(
            Address(line1=r[1], line2=r[2], town=r[3], postcode=r[4], from_date=day(r[5]),
                    to_date=day(r[6]), id=r[0])
            for r in _family_rows(conn, "address", ADDRESS_COLUMNS, family_id)
        ),
        asb_interventions=tuple(
            AsbIntervention(AsbKind(r[1]), required_day(r[2]), day(r[3]), r[4],
                            source=source_of(r), id=r[0])
            for r in _family_rows(conn, "asb_intervention", ASB_COLUMNS, family_id)
        ),
        concerns=tuple(
            Concern(ConcernKind(r[1]), required_day(r[2]), day(r[3]), r[4], r[5],
                    source=source_of(r), id=r[0])
            for r in _family_rows(conn, "concern", CONCERN_COLUMNS, family_id)
        ),
        notes=tuple(
            CaseNote(ContactKind(r[1]), datetime.fromisoformat(r[2]), r[3], r[4], r[5],
                     source=source_of(r), id=r[0], amendments=amendments.get(int(r[0]), ()))
            for r in _family_rows(conn, "case_note", NOTE_COLUMNS, family_id)
        ),
        closed_on=day(row[5]),
        closure_reason=row[6],
        review_due=day(row[7]),
        id=family_id,
        version=int(row[8]),
    )


# Sort expressions for the caseload; each ends with the reference so order is total.
_STATUS_ORDER = " ".join(
    f"WHEN '{status.value}' THEN {i}" for i, status in enumerate(FamilyStatus)
)
SORT_KEYS: dict[str, str] = {
    "reference": "f.reference",
    "family_name": "f.family_name COLLATE NOCASE",
    "members": "(SELECT count(*) FROM person p WHERE p.family_id = f.id)",
    "status": f"CASE f.status {_STATUS_ORDER} END",
    "key_worker": "f.key_worker COLLATE NOCASE",
    "review_due": "f.review_due",
}


def sorted_ids(
    conn: Connection, sort_key: str, descending: bool, status: FamilyStatus | None
) -> list[int]:
    """All family ids in caseload order; descending is the exact reverse of ascending.

    Families with no review date sort after those with one (ascending).
    """
    try:
        expression = SORT_KEYS[sort_key]
    except KeyError:
        raise ValueError(f"unknown sort key {sort_key!r}") from None
    direction = "DESC" if descending else "ASC"
    order = f"{expression} {direction}, f.reference {direction}"
    if sort_key == "review_due":
        order = f"f.review_due IS NULL {direction}, " + order
    where, params = ("WHERE f.status = ?", (status.value,)) if status is not None else ("", ())
    rows = conn.execute(f"SELECT f.id FROM family f {where} ORDER BY {order}", params)
    return [int(row[0]) for row in rows]


def load_summaries(conn: Connection, ids: Sequence[int]) -> list[FamilySummary]:
    """Caseload rows for ``ids`` in one query, in the order asked; unknown ids are skipped."""
    if not ids:
        return []
    rows = conn.execute(
        "SELECT f.id, f.reference, f.family_name, "
        "(SELECT count(*) FROM person p WHERE p.family_id = f.id), f.status, f.key_worker, "
        "coalesce((SELECT a.postcode FROM address a WHERE a.family_id = f.id "
        "AND a.to_date IS NULL ORDER BY a.position DESC, a.id DESC LIMIT 1), ''), "
        "f.review_due, (SELECT min(a.due) FROM action a WHERE a.family_id = f.id "
        "AND a.status = 'open') "  # the family plan (schema v2)
        "FROM family f WHERE f.id IN (SELECT value FROM json_each(?))",
        (json.dumps([int(i) for i in ids]),),
    )
    by_id = {
        int(r[0]): FamilySummary(
            id=int(r[0]),
            reference=r[1],
            family_name=r[2],
            member_count=int(r[3]),
            status=FamilyStatus(r[4]),
            key_worker=r[5],
            postcode=r[6],
            review_due=day(r[7]),
            next_action_due=day(r[8]),
        )
        for r in rows
    }
    return [by_id[i] for i in ids if i in by_id]
