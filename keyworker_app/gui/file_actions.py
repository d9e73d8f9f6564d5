"""The File menu's work on the store as a whole: New family (referral), Import families,
Back up and Change passphrase. Each acts only while the store is unlocked (the actions are
disabled while it is locked); the dialogs behind them load when first opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStatusBar, QWidget

from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from keyworker_app.gui.form_dialog import DraftRegistry
    from keyworker_app.gui.new_family_dialog import NewFamilyDialog
    from keyworker_app.services.api import Session


class FileHost(Protocol):
    """The main window, as these actions need it."""

    @property
    def lock(self) -> DraftRegistry: ...

    def current_session(self) -> Session | None: ...

    def open_family(self, family_id: int) -> object | None: ...

    def statusBar(self) -> QStatusBar: ...  # noqa: N802


class FileActions:
    def __init__(self, window: QWidget, host: FileHost, today: Callable[[], date]) -> None:
        self._window = window
        self._host = host
        self._today = today
        self.new_family_dialog: NewFamilyDialog | None = None
        self.new_family_action = QAction("&New family (referral)…", window)
        self.new_family_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_family_action.triggered.connect(lambda _c=False: self.new_family())
        self.actions = [self.new_family_action]
        self.set_enabled(False)

    def add_to(self, menu: QMenu) -> None:
        for action in self.actions:
            menu.addAction(action)
        menu.addSeparator()

    def set_enabled(self, unlocked: bool) -> None:
        for action in self.actions:
            action.setEnabled(unlocked)

    def new_family(self, initial: dict[str, str] | None = None,
                   restored: bool = False) -> NewFamilyDialog | None:
        """File → New family (referral) (Ctrl+N)."""
        from keyworker_app.gui.new_family_dialog import NewFamilyDialog

        session = self._host.current_session()
        if session is None:
            return None
        if self.new_family_dialog is not None:
            self.new_family_dialog.raise_()
            return self.new_family_dialog
        try:
            dialog = NewFamilyDialog(session, self._window, today=self._today,
                                     registry=self._host.lock, initial=initial,
                                     restored=restored)
        except UserFacingError as exc:
            show_error(self._window, exc)
            return None
        dialog.saved.connect(self._family_added)
        dialog.finished.connect(lambda _c: setattr(self, "new_family_dialog", None))
        self.new_family_dialog = dialog
        dialog.open()
        return dialog

    def _family_added(self, family: object) -> None:
        family_id = getattr(family, "id", None)
        reference = getattr(family, "reference", "")
        self._host.statusBar().showMessage(f"Family {reference} added to the caseload.", 10_000)
        if isinstance(family_id, int):
            self._host.open_family(family_id)
