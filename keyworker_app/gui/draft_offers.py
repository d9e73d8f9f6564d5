"""After an unlock: offer back the work a lock kept, and list what could not be reopened.

Drafts that fit their forms are reopened on Restore; any that cannot be (or whose record is
gone) are set aside and listed with what was typed (``gui.kept_drafts``), never dropped or
raised. The main window owns one ``DraftOffers``; its prompt and list close with every other
window when the screen locks (``forget``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.draft import Draft
from keyworker_app.domain.draft_payload import DraftUnreadable, key_id, typed_text
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.lock_screen import PRODUCT_NAME
from keyworker_app.services.api import Session

if TYPE_CHECKING:
    from keyworker_app.gui.draft_kinds import DraftHost, DraftKinds
    from keyworker_app.gui.kept_drafts import KeptDraftsDialog, KeptEntry


class DraftOffers:
    def __init__(self, window: QWidget, host: Callable[[], DraftHost],
                 session: Callable[[], Session | None], kinds: Callable[[], DraftKinds],
                 copy: Callable[[str], None]) -> None:
        self._window = window
        self._host = host
        self._session = session
        self._kinds = kinds
        self._copy = copy
        self.prompt: QMessageBox | None = None
        self.kept_dialog: KeptDraftsDialog | None = None

    def forget(self) -> None:
        self.prompt = None
        self.kept_dialog = None  # closed with every other window

    def offer(self) -> None:
        session = self._session()
        if session is None:
            return
        kinds = self._kinds()
        try:
            drafts = session.drafts()
            fresh = [d for d in drafts if kinds.problem(d) is None]
            reasons = {d.id: kinds.problem(d) or "" for d in drafts if d not in fresh}
            for draft in drafts:
                if draft not in fresh and not kinds.is_kept(draft):
                    session.set_aside_draft(draft.id)
        except UserFacingError as exc:
            show_error(self._window, exc)
            return
        if not fresh:
            self.show_kept(reasons, only_if_any=True)
            return
        box = QMessageBox(self._window)
        box.setWindowTitle(PRODUCT_NAME)
        box.setIcon(QMessageBox.Icon.Question)
        box.setText("You have unsaved work from before the screen locked.")
        box.setInformativeText("Restore it to carry on, or discard it.")
        box.setAccessibleName("Unsaved work from before the screen locked")
        restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)

        def answered(_code: int) -> None:
            clicked = box.clickedButton()
            if clicked is restore or clicked is discard:
                self._answered(fresh, clicked is restore, reasons)
            else:  # closed unanswered: everything stays for the next unlock
                self.prompt = None

        box.finished.connect(answered)
        self.prompt = box
        box.open()

    def _answered(self, drafts: list[Draft], restore: bool, reasons: dict[int, str]) -> None:
        self.prompt = None
        session = self._session()
        if session is None:
            return
        for draft in drafts:
            try:
                reason = self._kinds().reopen(self._host(), draft) if restore else None
                if reason is None:  # handed to its form (or discarded): saving ends it
                    session.discard_draft(draft.id)
                else:
                    reasons[draft.id] = reason
                    session.set_aside_draft(draft.id)
            except UserFacingError as exc:
                show_error(self._window, exc)
        self.show_kept(reasons, only_if_any=True)

    def show_kept(self, reasons: dict[int, str] | None = None, *,
                  only_if_any: bool = False) -> KeptDraftsDialog | None:
        """File → Unsaved work kept: drafts set aside, each readable as text until dismissed."""
        from keyworker_app.gui.kept_drafts import KeptDraftsDialog

        session = self._session()
        if session is None:
            return None
        kinds = self._kinds()
        try:
            kept = [d for d in session.drafts() if kinds.is_kept(d)]
            entries = [self._entry(session, d, (reasons or {}).get(d.id)) for d in kept]
        except UserFacingError as exc:
            show_error(self._window, exc)
            return None
        if not entries and only_if_any:
            return None
        if self.kept_dialog is not None:
            self.kept_dialog.close()

        def dismiss(draft_id: int) -> bool:
            try:
                session.discard_draft(draft_id)
            except UserFacingError as exc:
                show_error(self._window, exc)
                return False
            return True

        dialog = KeptDraftsDialog(entries, dismiss=dismiss, copy=self._copy,
                                  parent=self._window)
        dialog.finished.connect(lambda _c: setattr(self, "kept_dialog", None))
        self.kept_dialog = dialog
        dialog.open()
        return dialog

    def _entry(self, session: Session, draft: Draft, reason: str | None) -> KeptEntry:
        from keyworker_app.gui.draft_kinds import GONE
        from keyworker_app.gui.kept_drafts import KeptEntry

        kinds = self._kinds()
        heading = kinds.title(draft)
        try:
            family = key_id(draft.record_key, "family")
        except DraftUnreadable:
            family = None
        if family is not None:
            found = session.summaries([family])
            heading += f" — family {found[0].reference}" if found else " — a family"
        return KeptEntry(draft.id, heading, format_datetime(draft.saved_at),
                         reason or kinds.problem(draft) or GONE, typed_text(draft.payload))
