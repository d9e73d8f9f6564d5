"""Suspensions of the agreement (ISA §15): record, lift and list them, and the refusals they
cause — recording new information from a suspended partner, exporting to it. Audited with
ids and partner ids only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from keyworker_app.domain.audit import Actor, AuditAction, Role
from keyworker_app.domain.dates import iso_text
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.problems import require_valid
from keyworker_app.domain.suspension import (
    Suspension,
    in_force,
    lift_problems,
    recipient_refusal,
    source_refusal,
    suspension_problems,
)
from keyworker_app.errors import UserFacingError
from keyworker_app.services.clock import Clock
from keyworker_app.store.audit import AuditLog
from keyworker_app.store.connection import Connection, transaction
from keyworker_app.store.suspension_repo import SuspensionRepository

_HINT = ("Record it when the suspension ends or is lifted; the Risk Assessment and Resolution "
         "meeting decides what happens next.")


class SuspensionService:
    def __init__(self, connection: Connection, audit: Callable[[], AuditLog], clock: Clock,
                 actor: Actor, policy: Policy) -> None:
        self._conn = connection
        self._audit = audit
        self._clock = clock
        self._actor = actor
        self.policy = policy

    def _repo(self) -> SuspensionRepository:
        return SuspensionRepository(self._conn, self._clock.now)

    @property
    def role(self) -> Role:
        """The store owner's role (only a team lead records or lifts a suspension)."""
        return self._actor.role

    def today(self) -> date:
        return self._clock.today()

    def all(self) -> list[Suspension]:
        return self._repo().all()

    def in_force(self) -> list[Suspension]:
        return in_force(self.all(), self.today())

    def record(self, partner_id: str, starts_on: date, evidence: str) -> Suspension:
        suspension = Suspension(partner_id, starts_on, evidence.strip(), self._actor.name)
        require_valid(suspension_problems(suspension, self.policy, self._actor.role,
                                          self.today()))
        with transaction(self._conn):
            saved = self._repo().add(suspension)
            self._audit().record(AuditAction.CREATE, "suspension", saved.id or 0,
                                 f"partner={partner_id} starts={iso_text(starts_on)}")
        return saved

    def lift(self, suspension_id: int, on: date | None = None) -> Suspension:
        day = on or self.today()
        with transaction(self._conn):
            repo = self._repo()
            current = repo.get(suspension_id)
            require_valid(lift_problems(current, self._actor.role, day))
            saved = repo.lift(suspension_id, day)
            self._audit().record(AuditAction.UPDATE, "suspension", suspension_id,
                                 f"lifted partner={current.partner_id}")
        return saved

    # -- the refusals ------------------------------------------------------------------
    def refuse_source(self, partner_id: str) -> None:
        """Refuse new information from ``partner_id`` while a suspension covers it."""
        reason = source_refusal(self.all(), self.policy, partner_id, self.today())
        if reason is not None:
            raise UserFacingError(reason, _HINT)

    def refuse_recipient(self, address: str) -> None:
        """Refuse an export to ``address`` while its organisation is suspended."""
        reason = recipient_refusal(self.all(), self.policy, address, self.today())
        if reason is not None:
            raise UserFacingError(reason, _HINT)
