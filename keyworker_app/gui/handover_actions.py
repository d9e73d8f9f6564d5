"""The File menu's handover entries: Hand over…, Send a copy…, Receive… and Contacts…
(gui.handover_dialogs). Each acts only while the store is unlocked; its dialogs load on first
use, so the app starts without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QWidget

from keyworker_app.domain.handover import BundleKind
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.window_host import WindowHost
from keyworker_app.gui.worker import run_in_background

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from keyworker_app.gui.handover_dialogs import ContactsDialog, ReceiveDialog, SendDialog
    from keyworker_app.services.api import Session
    from keyworker_app.services.handover import HandoverService


class HandoverActions:
    def __init__(self, window: QWidget, host: WindowHost) -> None:
        self._window = window
        self._host = host
        self.dialog: QDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.hand_over_action = QAction("&Hand over…", window)
        self.hand_over_action.setStatusTip("Hand families over to a colleague's store")
        self.hand_over_action.triggered.connect(
            lambda _c=False: self.send(BundleKind.TRANSFER))
        self.copy_action = QAction("Send a cop&y…", window)
        self.copy_action.setStatusTip("Send a colleague a read-only copy for TAF preparation")
        self.copy_action.triggered.connect(lambda _c=False: self.send(BundleKind.COPY))
        self.receive_action = QAction("&Receive…", window)
        self.receive_action.setStatusTip("Receive a bundle a colleague sent you")
        self.receive_action.triggered.connect(lambda _c=False: self.choose_bundle())
        self.contacts_action = QAction("C&ontacts…", window)
        self.contacts_action.setStatusTip("Your contact card and your colleagues' cards")
        self.contacts_action.triggered.connect(lambda _c=False: self.contacts())
        self.actions = [self.hand_over_action, self.copy_action, self.receive_action,
                        self.contacts_action]

    def _service(self) -> tuple[Session, HandoverService] | None:
        session, policy = self._host.current_session(), self._host.policy
        if session is None or policy is None:
            return None
        return session, session.handover(policy)

    def _opened(self, dialog: QDialog) -> QDialog:
        dialog.finished.connect(lambda _c: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()  # not exec(): a lock closes it
        return dialog

    def contacts(self) -> ContactsDialog | None:
        from keyworker_app.gui.handover_dialogs import ContactsDialog

        opened = self._service()
        if opened is None:
            return None
        try:
            dialog = ContactsDialog(opened[1], self._window)
        except UserFacingError as exc:
            show_error(self._window, exc)
            return None
        self._opened(dialog)
        return dialog

    def send(self, kind: BundleKind, draft: dict[str, Any] | None = None) -> SendDialog | None:
        from keyworker_app.gui.handover_dialogs import SendDialog

        opened = self._service()
        if opened is None:
            return None
        tabs = getattr(self._window, "family_tabs", None)
        current = getattr(tabs.currentWidget(), "family_id", None) if tabs is not None else None
        dialog = SendDialog(opened[0], opened[1], kind, self._window,
                            selected=current if isinstance(current, int) else None,
                            registry=self._host.lock, draft=draft)
        dialog.sent.connect(self._sent)
        self._opened(dialog)
        return dialog

    def _sent(self, sent: object) -> None:
        path = getattr(sent, "path", "")
        self._host.statusBar().showMessage(
            f"Bundle saved as {path}. Send it by your organisation's secure route; only "
            "your colleague's store can open it.", 15_000)

    def choose_bundle(self) -> QFileDialog | None:
        from keyworker_app.gui.handover_dialogs import BUNDLE_FILTER

        if self._service() is None:
            return None
        dialog = QFileDialog(self._window, "Receive a bundle", str(Path.home()), BUNDLE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.check_bundle(Path(name)))
        dialog.finished.connect(lambda _c: setattr(self, "file_dialog", None))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def check_bundle(self, path: Path) -> None:
        """Every check off the GUI thread; then what it holds, before anything is imported."""
        opened = self._service()
        if opened is None:
            return
        session, service = opened

        def work() -> object:
            from keyworker_app.services.handover import read_bundle_file

            return service.open_bundle(read_bundle_file(path))

        def checked(bundle: object) -> None:
            if self._host.current_session() is session:
                self.show_bundle(service, bundle)

        def failed(exc: BaseException) -> None:
            if self._host.current_session() is session:
                show_error(self._window, exc)

        run_in_background(work, checked, failed)

    def show_bundle(self, service: HandoverService, bundle: object) -> ReceiveDialog:
        from keyworker_app.gui.handover_dialogs import ReceiveDialog
        from keyworker_app.services.handover import OpenedBundle

        assert isinstance(bundle, OpenedBundle)
        dialog = ReceiveDialog(service, bundle, self._window)
        dialog.imported.connect(self._imported)
        self._opened(dialog)
        return dialog

    def _imported(self, ids: object) -> None:
        family_ids = list(ids) if isinstance(ids, list) else []
        self._host.statusBar().showMessage(
            f"{len(family_ids)} {'family' if len(family_ids) == 1 else 'families'} received.",
            10_000)
        if family_ids:
            self._host.open_family(family_ids[0])
