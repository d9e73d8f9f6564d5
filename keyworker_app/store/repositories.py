"""Repositories: domain objects in, domain objects out; SQL stays in the store.

Repositories never open transactions: services wrap writes in ``transaction(conn)``
together with their audit events. Reads may run anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlcipher3 import dbapi2

from keyworker_app.domain.family import (
    Address,
    CaseNote,
    Family,
    FamilyStatus,
    FamilySummary,
    NoteAmendment,
    Person,
    Relationship,
)
from keyworker_app.domain.family_rules import new_problems
from keyworker_app.domain.indicators import (
    AsbIntervention,
    BenefitSpell,
    Concern,
    EducationTerm,
    Offence,
)
from keyworker_app.domain.problems import require_valid
from keyworker_app.domain.provenance import Source
from keyworker_app.errors import RecordNotFoundError, StaleRecordError, ValidationError
from keyworker_app.store import family_read as rd
from keyworker_app.store.child_changes import write_changes
from keyworker_app.store.connection import Connection, read_snapshot, scalar
from keyworker_app.store.rows import R, saved_id, sync_rows, utc_now, utc_text
from keyworker_app.store.search import refresh_terms, search_ids

log = logging.getLogger("keyworker.store")


def _family_values(f: Family) -> tuple[Any, ...]:
    return (f.reference, f.family_name, f.status.value, f.allocated_on.isoformat(),
            f.key_worker, rd.iso(f.closed_on), f.closure_reason, rd.iso(f.review_due))


def _person(p: Person) -> tuple[Any, ...]:
    return (p.ref, p.given_names, p.family_name, p.date_of_birth.isoformat(),
            p.household_role.value, p.sex_gender, p.upn, p.nhs_number, p.ni_number)


def _relationship(r: Relationship) -> tuple[Any, ...]:
    return (r.subject_ref, r.kind.value, r.object_ref)


def _address(a: Address) -> tuple[Any, ...]:
    return (a.line1, a.line2, a.town, a.postcode, rd.iso(a.from_date), rd.iso(a.to_date))


def _source(source: Source) -> tuple[str, str, str]:
    return (source.partner, source.controller, source.controller_name)


def _note(n: CaseNote) -> tuple[Any, ...]:
    return (n.kind.value, n.occurred_at.isoformat(), n.author, n.summary, n.person_ref,
            *_source(n.source))


def _offence(o: Offence) -> tuple[Any, ...]:
    return (o.offence_date.isoformat(), o.disposal.value, o.description, rd.iso(o.disposal_date),
            *_source(o.source))


def _asb(a: AsbIntervention) -> tuple[Any, ...]:
    return (a.kind.value, a.start_date.isoformat(), rd.iso(a.end_date), a.person_ref,
            *_source(a.source))


def _education(e: EducationTerm) -> tuple[Any, ...]:
    return (e.academic_year, e.term.value, e.fixed_exclusions, int(e.permanent_exclusion),
            e.unauthorised_absence_pct, e.provision.value, *_source(e.source))


def _benefit(b: BenefitSpell) -> tuple[Any, ...]:
    return (b.benefit.value, b.from_date.isoformat(), rd.iso(b.to_date), *_source(b.source))


def _concern(c: Concern) -> tuple[Any, ...]:
    return (c.kind.value, c.noted_on.isoformat(), rd.iso(c.ended_on), c.detail, c.person_ref,
            *_source(c.source))


def validate(family: Family, today: date, base: Family | None = None) -> None:
    """The domain's rules (``domain.family_rules``), whoever the caller: a family that breaks
    any is refused with every problem listed, before anything is written. An update is
    refused only for problems its ``base`` did not already have (``new_problems``)."""
    require_valid(new_problems(family, base, today))


class FamilyRepository:
    def __init__(self, conn: Connection, clock: Callable[[], datetime] = utc_now,
                 today: Callable[[], date] = date.today) -> None:
        self._conn = conn
        self._clock = clock
        self._today = today  # the local day, against which "not in the future" is judged

    # -- writes (caller's transaction) -------------------------------------------------

    def add(self, family: Family) -> Family:
        """Insert a new family; any ids on the records are ignored. Returns it with ids set."""
        validate(family, self._today())
        now = self._now()
        try:
            cur = self._conn.execute(
                f"INSERT INTO family ({rd.FAMILY_COLUMNS}, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_family_values(family), now, now),
            )
        except dbapi2.IntegrityError as exc:
            raise self._integrity(exc) from exc
        family_id = int(cur.lastrowid)
        saved = replace(self._save_children(family_id, family, fresh=True), version=1)
        log.info("family %d added", family_id)
        return saved

    def update(self, family: Family, base: Family) -> Family:
        """Write the user's change from ``base`` (the copy they started from) to ``family``.

        Only what differs is written (``store.child_changes``): rows added elsewhere since
        ``base`` was read stay, and a record changed elsewhere is refused with
        ``StaleRecordError``. The family's own fields are guarded by its row version.
        Returns the family as stored now, including other windows' changes.
        """
        if family.id is None or base.id != family.id:
            raise ValueError("update needs the saved family and the copy it was edited from")
        validate(family, self._today(), base)
        family_id = family.id
        now = self._now()
        try:
            if _family_values(family) != _family_values(base):
                cur = self._conn.execute(
                    "UPDATE family SET reference = ?, family_name = ?, status = ?, "
                    "allocated_on = ?, key_worker = ?, closed_on = ?, closure_reason = ?, "
                    "review_due = ?, updated_at = ?, version = version + 1 "
                    "WHERE id = ? AND version = ?",
                    (*_family_values(family), now, family_id, base.version),
                )
                if cur.rowcount == 0 and self.find_version(family_id) is not None:
                    raise StaleRecordError("family", family_id)
            else:
                cur = self._conn.execute("UPDATE family SET updated_at = ? WHERE id = ?",
                                         (now, family_id))
            if cur.rowcount == 0:
                raise RecordNotFoundError("family", family_id)
            self._write_changes(family_id, base, family)
        except dbapi2.IntegrityError as exc:
            raise self._integrity(exc) from exc
        saved = rd.load_family(self._conn, family_id)
        refresh_terms(self._conn, family_id, saved)
        log.info("family %d updated", family_id)
        return saved

    def add_amendment(self, family_id: int, note_id: int, amendment: NoteAmendment) -> None:
        """Append an amendment to one of the family's notes; the note itself is unchanged."""
        owner = self._conn.execute("SELECT family_id FROM case_note WHERE id = ?",
                                   (note_id,)).fetchone()
        if owner is None or int(owner[0]) != family_id:
            raise RecordNotFoundError("case note", note_id)
        self._conn.execute(
            "INSERT INTO note_amendment (family_id, note_id, amended_at, author, reason, text) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (family_id, note_id, amendment.amended_at.isoformat(), amendment.author,
             amendment.reason, amendment.text))

    def close(self, family_id: int, closed_on: date, reason: str) -> None:
        cur = self._conn.execute(
            "UPDATE family SET status = ?, closed_on = ?, closure_reason = ?, updated_at = ?, "
            "version = version + 1 WHERE id = ?",
            (FamilyStatus.CLOSED.value, closed_on.isoformat(), reason, self._now(), family_id),
        )
        if cur.rowcount == 0:
            raise RecordNotFoundError("family", family_id)
        log.info("family %d closed", family_id)

    def delete(self, family_id: int) -> None:
        """Remove the family and everything about it (members, indicators, notes, terms)."""
        cur = self._conn.execute("DELETE FROM family WHERE id = ?", (family_id,))
        if cur.rowcount == 0:
            raise RecordNotFoundError("family", family_id)
        log.info("family %d deleted", family_id)

    # -- reads -------------------------------------------------------------------------

    def get(self, family_id: int) -> Family:
        with read_snapshot(self._conn):
            return rd.load_family(self._conn, family_id)

    def find_version(self, family_id: int) -> int | None:
        """The stored row version of a family, or None if there is no such family."""
        value = scalar(self._conn, "SELECT version FROM family WHERE id = ?", (family_id,))
        return None if value is None else int(value)

    def find_id_by_reference(self, reference: str) -> int | None:
        value = scalar(self._conn, "SELECT id FROM family WHERE reference = ?", (reference,))
        return None if value is None else int(value)

    def references_starting(self, prefix: str) -> list[str]:
        """Every family reference that starts with ``prefix`` (a range scan of its index)."""
        rows = self._conn.execute(
            "SELECT reference FROM family WHERE reference >= ? AND reference < ?",
            (prefix, prefix + "\U0010ffff"))
        return [str(row[0]) for row in rows]

    def count(self) -> int:
        return int(scalar(self._conn, "SELECT count(*) FROM family"))

    def ids_sorted(
        self, sort_key: str, descending: bool = False, status: FamilyStatus | None = None
    ) -> list[int]:
        """Ids in caseload order. sort_key: reference, family_name, members, status,
        key_worker or review_due."""
        return rd.sorted_ids(self._conn, sort_key, descending, status)

    def summaries(self, ids: Sequence[int]) -> list[FamilySummary]:
        return rd.load_summaries(self._conn, ids)

    def search(self, text: str, limit: int = 200, *, ordered: bool = True) -> list[int]:
        return search_ids(self._conn, text, limit, ordered=ordered)

    # -- internals ---------------------------------------------------------------------

    def _now(self) -> str:
        return utc_text(self._clock())

    @staticmethod
    def _integrity(exc: Exception) -> Exception:
        if "family.reference" in str(exc):
            return ValidationError("reference", "another family already has this reference")
        return exc

    def _save_children(self, family_id: int, family: Family, *, fresh: bool) -> Family:
        fam = ("family_id", family_id, fresh)
        members: list[Person] = []
        saved_members = self._sync("person", rd.PERSON_COLUMNS, fam, family.members, _person)
        for given, person in zip(family.members, saved_members, strict=True):
            # A member inserted just now has no stored indicators, whatever ids they carry.
            own = ("person_id", saved_id(person), fresh or given.id is None)
            members.append(replace(
                person,
                offences=tuple(self._sync("offence", rd.OFFENCE_COLUMNS, own,
                                          person.offences, _offence)),
                education=tuple(self._sync("education_term", rd.EDUCATION_COLUMNS, own,
                                           person.education, _education)),
                benefits=tuple(self._sync("benefit_spell", rd.BENEFIT_COLUMNS, own,
                                          person.benefits, _benefit)),
            ))
        saved = replace(
            family,
            id=family_id,
            members=tuple(members),
            relationships=tuple(self._sync("relationship", rd.RELATIONSHIP_COLUMNS, fam,
                                           family.relationships, _relationship)),
            addresses=tuple(self._sync("address", rd.ADDRESS_COLUMNS, fam, family.addresses,
                                       _address)),
            asb_interventions=tuple(self._sync("asb_intervention", rd.ASB_COLUMNS, fam,
                                               family.asb_interventions, _asb)),
            concerns=tuple(self._sync("concern", rd.CONCERN_COLUMNS, fam, family.concerns,
                                      _concern)),
            notes=tuple(self._sync("case_note", rd.NOTE_COLUMNS, fam, family.notes, _note)),
        )
        refresh_terms(self._conn, family_id, saved)
        return saved

    def _sync(self, table: str, columns: str, owner: tuple[str, int, bool],
              records: Sequence[R], values: Callable[[R], tuple[Any, ...]]) -> list[R]:
        return sync_rows(self._conn, table, columns, owner, records, values=values)

    def _write_changes(self, family_id: int, base: Family, family: Family) -> None:
        """The user's change from ``base`` to ``family``, collection by collection."""
        conn = self._conn
        fam = ("family_id", family_id)
        people = write_changes(conn, ("person", rd.PERSON_COLUMNS), fam, base.members,
                               family.members, values=_person)
        before = {p.id: p for p in base.members if p.id is not None}
        for person, person_id in zip(family.members, people, strict=True):
            old = before.get(person.id) if person.id is not None else None
            own = ("person_id", person_id)
            for table, columns, values, attr in _PERSON_CHILDREN:
                rows = getattr(person, attr)
                if old is None:  # a member added just now has no stored rows yet
                    rows = tuple(replace(r, id=None) for r in rows)
                write_changes(conn, (table, columns), own,
                              getattr(old, attr) if old is not None else (), rows,
                              values=values)
        # Relationships follow a renamed member's ref through the schema's cascade.
        renamed = {old.ref: p.ref for p in family.members
                   if p.id is not None and (old := before.get(p.id)) is not None
                   and old.ref != p.ref}

        def as_stored_now(r: Relationship) -> tuple[Any, ...]:
            return _relationship(replace(r, subject_ref=renamed.get(r.subject_ref, r.subject_ref),
                                         object_ref=renamed.get(r.object_ref, r.object_ref)))

        write_changes(conn, ("relationship", rd.RELATIONSHIP_COLUMNS), fam, base.relationships,
                      family.relationships, values=_relationship, stored=as_stored_now)
        write_changes(conn, ("address", rd.ADDRESS_COLUMNS), fam, base.addresses,
                      family.addresses, values=_address)
        write_changes(conn, ("asb_intervention", rd.ASB_COLUMNS), fam, base.asb_interventions,
                      family.asb_interventions, values=_asb)
        write_changes(conn, ("concern", rd.CONCERN_COLUMNS), fam, base.concerns,
                      family.concerns, values=_concern)
        write_changes(conn, ("case_note", rd.NOTE_COLUMNS), fam, base.notes, family.notes,
                      values=_note)


_PERSON_CHILDREN: tuple[tuple[str, str, Callable[[Any], tuple[Any, ...]], str], ...] = (
    ("offence", rd.OFFENCE_COLUMNS, _offence, "offences"),
    ("education_term", rd.EDUCATION_COLUMNS, _education, "education"),
    ("benefit_spell", rd.BENEFIT_COLUMNS, _benefit, "benefits"),
)
