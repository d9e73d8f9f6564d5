"""Audit events: who did what to which record, when. Never personal data."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    KEY_WORKER = "key-worker"
    TEAM_LEAD = "team-lead"

    @property
    def label(self) -> str:
        return {"key-worker": "Key worker", "team-lead": "Team lead"}[self.value]


@dataclass(frozen=True, slots=True)
class Actor:
    """The person the store belongs to; every audit event carries them."""

    name: str
    role: Role
    organisation: str


class AuditAction(enum.StrEnum):
    STORE_CREATED = "store-created"
    UNLOCK = "unlock"
    UNLOCK_FAILED = "unlock-failed"
    LOCK = "lock"
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    IMPORT = "import"
    BACKUP = "backup"
    RESTORE = "restore"
    PASSPHRASE_CHANGED = "passphrase-changed"
    RECOVERED = "recovered"
    KEY_ROTATED = "key-rotated"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    seq: int
    at: datetime
    actor: str
    actor_role: str
    organisation: str
    action: AuditAction
    object_type: str
    object_id: str
    detail: str  # non-personal context: counts, report kinds, hashes
