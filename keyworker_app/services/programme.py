"""Programme use cases: criteria, results and the PbR claim; retention review and deletion.

The service owns the transactions and writes the audit events (ids, counts and decisions,
never names or reasons: a reason is free text and may name someone, so it lives in the
review record, which deletion keeps, and the audit event points at that record).

**Deletion** (ISA §10) removes every row holding personal data of the family and its members
(the family row cascades to members, indicators, notes, addresses, the search index and every
TAF table; drafts are removed by key), keeps the policy's marker per member, and then makes the
bytes unrecoverable from the file: the connection runs with ``secure_delete = ON`` (freed
pages are zeroed), a ``VACUUM`` rebuilds the file without free pages, and a
``wal_checkpoint(TRUNCATE)`` copies the rebuilt pages home and empties the WAL. The file is
encrypted anyway; this is what stops someone with the key (or a later compromise of it)
reading deleted records out of free pages or old WAL frames.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from keyworker_app.domain.audit import AuditAction, Role
from keyworker_app.domain.criteria import Evaluation, evaluate
from keyworker_app.domain.dates import iso_text
from keyworker_app.domain.family import Family
from keyworker_app.domain.outcomes import ClaimRow, FamilyResults, Outcome, family_results
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.progress import NO_PROGRESS, Progress
from keyworker_app.domain.retention import (
    DeletionScope,
    QueueEntry,
    RetentionDecision,
    RetentionReview,
    check_review,
    markers_for,
    queue,
)
from keyworker_app.domain.roles import LeadAction, allowed, require
from keyworker_app.errors import UserFacingError
from keyworker_app.services.clock import Clock
from keyworker_app.services.information_rights import InformationRightsService
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import Connection, DatabaseError, transaction
from keyworker_app.store.family_read import load_family
from keyworker_app.store.programme_repo import ProgrammeRepository, compact_freed_pages

log = logging.getLogger("keyworker.services.programme")


class SecureEraseError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "The records were deleted, but the store could not yet be compacted to remove "
            "every trace from the file.",
            "Close other copies of Keyworker, then run the retention review again or "
            "'keyworker verify'; compaction is retried on the next deletion.")


class ProgrammeService:
    def __init__(self, connection: Connection, audit: Callable[[], AuditLog], clock: Clock,
                 actor_name: str, policy: Policy, *, role: Role = Role.KEY_WORKER) -> None:
        self._conn = connection
        self._audit = audit
        self._clock = clock
        self._actor_name = actor_name
        self.policy = policy
        self.role = role  # the store owner's: decides the team lead's actions
        self.rights = InformationRightsService(connection, audit, clock, policy, role)

    def allows(self, action: LeadAction) -> bool:
        """Whether this store's owner may take ``action`` (the GUI greys it out if not)."""
        return allowed(self.role, action)

    def _repo(self) -> ProgrammeRepository:
        return ProgrammeRepository(self._conn, self._clock.now)

    def _record(self, action: AuditAction, object_type: str, object_id: str | int,
                detail: str = "") -> None:
        with transaction(self._conn):
            self._audit().record(action, object_type, object_id, detail)

    # -- criteria and results ----------------------------------------------------------
    def evaluate(self, family_id: int, as_of: date | None = None) -> Evaluation:
        """Appendix D for one family (an audited view)."""
        day = as_of or self._clock.today()
        result = evaluate(load_family(self._conn, family_id), day, self.policy.criteria)
        self._record(AuditAction.VIEW, "family", family_id,
                     f"criteria as-of={iso_text(day)} qualifies={int(result.qualifies)}")
        return result

    def family(self, family_id: int) -> Family:
        """The family the evaluation read (its records' sources label the evidence)."""
        return load_family(self._conn, family_id)

    def evaluate_many(self, family_ids: Sequence[int], as_of: date | None = None,
                      progress: Progress = NO_PROGRESS) -> dict[int, Evaluation]:
        """Criteria for many families (the caseload column and filter); not audited per
        family: it reads the caseload the owner already sees, and shows a yes/no."""
        day = as_of or self._clock.today()
        answers: dict[int, Evaluation] = {}
        for done, fid in enumerate(family_ids):
            progress.step(done, len(family_ids))
            answers[fid] = evaluate(load_family(self._conn, fid), day, self.policy.criteria)
        return answers

    def results(self, family_id: int, as_of: date | None = None) -> FamilyResults:
        day = as_of or self._clock.today()
        outcome = family_results(load_family(self._conn, family_id), day,
                                 self.policy.criteria, self.policy.results)
        self._record(AuditAction.VIEW, "family", family_id, f"results as-of={iso_text(day)}")
        return outcome

    def claim(self, as_of: date | None = None,
              progress: Progress = NO_PROGRESS) -> list[ClaimRow]:
        """Qualifying families with their criteria and results, by reference only. Reads
        every family: run it on a worker (``progress`` counts families and may stop it).
        A team lead's action (``domain.roles``)."""
        require(self.role, LeadAction.PBR_CLAIM)
        day = as_of or self._clock.today()
        rows: list[ClaimRow] = []
        ids = self._repo().family_ids()
        for done, fid in enumerate(ids):
            progress.step(done, len(ids))
            family = load_family(self._conn, fid)
            entry = evaluate(family, family.allocated_on, self.policy.criteria)
            if not entry.qualifies:
                continue
            res = family_results(family, day, self.policy.criteria, self.policy.results)
            rows.append(ClaimRow(
                family.reference, day, tuple(sorted(c.value for c in entry.met)), entry.basis,
                tuple(r.outcome.value for r in res.results if r.achieved and (
                    r.applicable or r.outcome is Outcome.PROGRESS_TO_WORK)),
                res.claimable))
        progress.step(len(ids), len(ids))
        return rows

    # -- retention ---------------------------------------------------------------------
    def retention_queue(self, today: date | None = None,
                        due_within_days: int | None = None) -> list[QueueEntry]:
        day = today or self._clock.today()
        entries = self._repo().queue_entries(self.policy.retention.review_months)
        return queue(entries, day, due_within_days)

    def deletion_scope(self, family_id: int) -> DeletionScope:
        """What deleting the family would remove, for the confirmation to say."""
        return self._repo().deletion_scope(family_id, self._clock.now())

    def member_count(self, family_id: int) -> int:
        """How many members a deletion would remove (the confirmation says so)."""
        return self._repo().member_count(family_id)

    def reviews(self, family_id: int) -> list[RetentionReview]:
        return self._repo().reviews(family_id)

    def record_review(self, review: RetentionReview) -> RetentionReview:
        """Record a retention decision. "Delete" removes the family's personal data, keeps
        the markers, and compacts the file so the bytes are gone (module docstring)."""
        check_review(review, self._clock.today())
        if review.decision is RetentionDecision.DELETE:
            require(self.role, LeadAction.RETENTION_DELETION)
        family = load_family(self._conn, review.family_id)
        with transaction(self._conn):
            repo = self._repo()
            saved = repo.add_review(review, family.reference)
            assert saved.id is not None
            if review.decision is RetentionDecision.RETAIN:
                self._audit().record(AuditAction.UPDATE, "family", review.family_id,
                                     f"retention-review={saved.id} decision=retain")
                return saved
            markers = markers_for(family, self._clock.today())
            repo.add_markers(markers, saved.id)
            counts = repo.delete_family_data(review.family_id)
            self._audit().record(
                AuditAction.DELETE, "family", review.family_id,
                f"retention-review={saved.id} decision=delete members={counts['members']} "
                f"markers={len(markers)} drafts={counts['drafts']}")
        self.secure_erase()
        return saved

    def secure_erase(self) -> None:
        """Zero and drop free pages and empty the WAL (outside any transaction)."""
        try:
            checkpointed = compact_freed_pages(self._conn)
        except (DatabaseError, UserFacingError) as exc:  # busy, full: sorted by the store
            log.warning("secure erase failed: %s", type(exc).__name__)
            raise SecureEraseError() from exc
        if not checkpointed:
            log.warning("secure erase: WAL checkpoint was blocked")
            raise SecureEraseError()
        log.info("store compacted after deletion")
