"""The main window as the File menu's actions need it (gui.file_actions, gui.handover_actions):
the policy in force, the lock (a draft registry), the open session, opening a family and the
status bar. One protocol, so both sets of actions ask the window for the same things.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QStatusBar

if TYPE_CHECKING:
    from keyworker_app.domain.policy import Policy
    from keyworker_app.gui.form_dialog import DraftRegistry
    from keyworker_app.services.api import Session


class WindowHost(Protocol):
    policy: Policy | None

    @property
    def lock(self) -> DraftRegistry: ...

    def current_session(self) -> Session | None: ...

    def open_family(self, family_id: int) -> object | None: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802
