"""Information rights: subject access (ISA §17) and breach records (ISA §12).

Subject access: find a person, gather everything held about them (their own records, the
household's records that include them, TAF meetings where they were heard, and shared
information about them with the partner that shared it), and keep the request log with its
statutory due date. Breaches: record, update and list, with the regulator clock.

Audit events carry ids and counts only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from keyworker_app.domain.audit import AuditAction, Role
from keyworker_app.domain.breach import Breach, check_breach
from keyworker_app.domain.dates import format_date, iso_text
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.roles import LeadAction, require
from keyworker_app.domain.subject_access import SubjectAccessRequest, check_request
from keyworker_app.domain.subject_access_pack import SubjectAccessPack, build_pack
from keyworker_app.services.clock import Clock
from keyworker_app.store import taf_read
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.family_read import load_family
from keyworker_app.store.programme_repo import ProgrammeRepository
from keyworker_app.store.search import search_ids

log = logging.getLogger("keyworker.services.rights")


@dataclass(frozen=True, slots=True)
class PersonHit:
    person_id: int
    family_id: int
    family_reference: str
    name: str
    date_of_birth: str  # DD/MM/YYYY, for telling namesakes apart on screen


class InformationRightsService:
    def __init__(self, connection: Connection, audit: Callable[[], AuditLog], clock: Clock,
                 policy: Policy, role: Role = Role.KEY_WORKER) -> None:
        self._conn = connection
        self._audit = audit
        self._clock = clock
        self.policy = policy
        self.role = role

    def _repo(self) -> ProgrammeRepository:
        return ProgrammeRepository(self._conn, self._clock.now)

    # -- subject access ----------------------------------------------------------------
    def find_people(self, text: str, limit: int = 50) -> list[PersonHit]:
        """People in families matching ``text`` (name, reference or postcode prefix)."""
        words = [w for w in text.casefold().split() if w]
        hits: list[PersonHit] = []
        for fid in search_ids(self._conn, text, limit):
            family = load_family(self._conn, fid)
            members = [p for p in family.members
                       if all(any(part.startswith(w) for part in p.display_name.casefold().split())
                              for w in words)] or list(family.members)
            hits += [PersonHit(p.id or 0, fid, family.reference, p.display_name,
                               format_date(p.date_of_birth)) for p in members]
        return hits[:limit]

    def gather(self, person_id: int, request_id: int | None = None) -> SubjectAccessPack:
        """Everything held about the person; an audited view."""
        fid = self._repo().family_of_person(person_id)
        family = load_family(self._conn, fid)
        person = next(p for p in family.members if p.id == person_id)
        pack = build_pack(family, person,
                          taf_read.load_meetings(self._conn, "family_id = ?", (fid,)),
                          taf_read.family_shared(self._conn, fid),
                          taf_read.family_consents(self._conn, fid))
        detail = "subject-access" + (f" request={request_id}" if request_id else "")
        with transaction(self._conn):
            self._audit().record(AuditAction.VIEW, "person", person_id, detail)
        return pack

    def log_request(self, request: SubjectAccessRequest) -> SubjectAccessRequest:
        """Create or update a request in the log."""
        check_request(request, self._clock.today())
        with transaction(self._conn):
            saved = self._repo().save_request(request)
            assert saved.id is not None
            action = AuditAction.CREATE if request.id is None else AuditAction.UPDATE
            self._audit().record(action, "subject-access-request", saved.id,
                                 f"due={iso_text(saved.due_on)}")
        return saved

    def requests(self) -> list[SubjectAccessRequest]:
        return self._repo().requests()

    def request(self, request_id: int) -> SubjectAccessRequest:
        return self._repo().request(request_id)

    # -- breaches ----------------------------------------------------------------------
    def record_breach(self, breach: Breach) -> Breach:
        """Create or update a breach record."""
        now: datetime = self._clock.now()
        check_breach(breach, self.policy, now)
        if breach.closed_at is not None and (
                breach.id is None or self._repo().breach(breach.id).closed_at is None):
            require(self.role, LeadAction.BREACH_CLOSURE)
        with transaction(self._conn):
            saved = self._repo().save_breach(breach)
            assert saved.id is not None
            action = AuditAction.CREATE if breach.id is None else AuditAction.UPDATE
            self._audit().record(action, "breach", saved.id,
                                 f"category={saved.category} serious={int(saved.serious)} "
                                 f"partners={len(saved.partners)}")
        return saved

    def breaches(self) -> list[Breach]:
        return self._repo().breaches()

    def breach(self, breach_id: int) -> Breach:
        return self._repo().breach(breach_id)
