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
    # The trail itself: a problem found at unlock, rows a crash left out of the head
    # kept beside the store, a checkpoint handed to the IG officer, a schema upgrade.
    AUDIT_PROBLEM = "audit-problem"
    AUDIT_HEAD_CAUGHT_UP = "audit-head-caught-up"
    AUDIT_CHECKPOINT = "audit-checkpoint"
    SCHEMA_UPGRADED = "schema-upgraded"
    # Handover between stores: the store's keys, colleagues' cards, bundles sent and taken
    # in, and TAF-preparation copies deleted on their day.
    IDENTITY_CREATED = "identity-created"
    CONTACT_ADDED = "contact-added"
    BUNDLE_SENT = "bundle-sent"
    BUNDLE_RECEIVED = "bundle-received"
    COPY_EXPIRED = "copy-expired"


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
