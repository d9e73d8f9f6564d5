"""What the store owner's role allows (the agreement's section 7: the team lead signs off).

Deleting a family's records at a retention review, claiming payment by results, closing a
breach and importing a partner's data set are a team lead's decisions. A key worker's store
refuses them, with a message naming who can do them; the GUI shows the same words beside the
disabled control. Pure rules, no I/O.
"""

from __future__ import annotations

import enum

from keyworker_app.domain.audit import Role
from keyworker_app.errors import UserFacingError


class LeadAction(enum.StrEnum):
    """An action only a team lead's store allows."""

    RETENTION_DELETION = "retention-deletion"
    PBR_CLAIM = "pbr-claim"
    BREACH_CLOSURE = "breach-closure"
    PARTNER_IMPORT = "partner-import"
    SUSPENSION = "suspension"

    @property
    def label(self) -> str:
        return {
            "retention-deletion": "delete a family's records at a retention review",
            "pbr-claim": "prepare a payment-by-results claim",
            "breach-closure": "close a breach record",
            "partner-import": "import a partner's data set",
            "suspension": "record or lift a suspension of the agreement",
        }[self.value]


def allowed(role: Role, action: LeadAction) -> bool:
    """True if a store owned by ``role`` may take ``action``."""
    del action  # every lead action needs the same role today
    return role is Role.TEAM_LEAD


def who_can(action: LeadAction) -> str:
    """The sentence shown beside a disabled control and in a refusal."""
    return f"Only a team lead can {action.label}."


class RoleRefusedError(UserFacingError):
    def __init__(self, action: LeadAction, role: Role) -> None:
        super().__init__(
            f"{who_can(action)} This store belongs to a {role.label.lower()}.",
            "Ask your team lead to do this from their store.",
        )
        self.action = action


def require(role: Role, action: LeadAction) -> None:
    """Refuse ``action`` unless ``role`` allows it."""
    if not allowed(role, action):
        raise RoleRefusedError(action, role)
