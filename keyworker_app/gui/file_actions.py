"""The File menu's work on the store as a whole: New family (referral), Import families,
Back up and Change passphrase. Each acts only while the store is unlocked (the actions are
disabled while it is locked); the dialogs behind them load when first opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressDialog, QWidget

from keyworker_app.errors import UserFacingError
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.window_host import WindowHost
from keyworker_app.gui.worker import run_in_background

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from keyworker_app.gui.new_family_dialog import NewFamilyDialog
    from keyworker_app.gui.store_dialogs import StoreTaskDialog
    from keyworker_app.services.api import CaseStoreService


class FileActions:
    def __init__(self, window: QWidget, host: WindowHost, today: Callable[[], date],
                 store: CaseStoreService) -> None:
        self._window = window
        self._store = store
        self.store_dialog: StoreTaskDialog | None = None
        self._host = host
        self._today = today
        self.new_family_dialog: NewFamilyDialog | None = None
        self.new_family_action = QAction("&New family (referral)…", window)
        self.new_family_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_family_action.triggered.connect(lambda _c=False: self.new_family())
        self.import_action = QAction("&Import families…", window)
        self.import_action.triggered.connect(lambda _c=False: self.choose_import_file())
        self.backup_action = QAction("&Back up…", window)
        self.backup_action.triggered.connect(lambda _c=False: self.back_up())
        self.passwd_action = QAction("Change &passphrase…", window)
        self.passwd_action.triggered.connect(lambda _c=False: self.change_passphrase())
        from keyworker_app.gui.handover_actions import HandoverActions

        self.handover = HandoverActions(window, host)
        self.actions = [self.new_family_action, self.import_action, *self.handover.actions,
                        self.backup_action, self.passwd_action]
        self.file_dialog: QFileDialog | None = None
        self.progress: QProgressDialog | None = None
        self.result_box: QMessageBox | None = None
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

    # -- import ---------------------------------------------------------------------------
    def choose_import_file(self) -> QFileDialog | None:
        """File → Import families…: a file in the documented JSON format
        (docs/import-format.md), imported whole or not at all."""
        if self._host.current_session() is None:
            return None
        dialog = QFileDialog(self._window, "Import families", str(Path.home()),
                             "Family files (*.json);;All files (*)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.fileSelected.connect(lambda name: self.start_import(Path(name)))
        dialog.finished.connect(lambda _c: setattr(self, "file_dialog", None))
        self.file_dialog = dialog
        dialog.open()  # not exec(): a lock closes it
        return dialog

    def _busy(self, text: str) -> QProgressDialog:
        progress = QProgressDialog(text, "", 0, 0, self._window)
        progress.setWindowTitle("Keyworker")
        progress.setCancelButton(None)  # an import is not stopped halfway
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAccessibleName(text)
        progress.show()
        self.progress = progress
        return progress

    def _done_busy(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    def tell(self, title: str, text: str, detail: str = "") -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Close, self._window)
        box.setInformativeText(detail)
        box.setAccessibleName(title)
        box.finished.connect(lambda _c: setattr(self, "result_box", None))
        self.result_box = box
        box.open()
        return box

    def start_import(self, path: Path) -> None:
        """Read, check and save the file on a worker thread; the outcome is shown here."""
        from keyworker_app.services.family_import import read_families_file

        session = self._host.current_session()
        if session is None:
            return
        self._busy(f"Importing families from {path.name}…")

        from keyworker_app.domain.sources import unknown_sources

        def work() -> tuple[int, int]:
            families = read_families_file(path)
            saved = session.import_families(families, path.name)
            return len(saved), sum(unknown_sources(f) for f in saved)

        def imported(result: object) -> None:
            self._done_busy()
            if self._host.current_session() is not session:
                return  # locked meanwhile: the result is in the audit trail
            count, unknown = result if isinstance(result, tuple) else (result, 0)
            noun = "family" if count == 1 else "families"
            detail = "They are in the caseload now; the import is in the audit trail."
            if unknown:
                detail += (f" {unknown} record{'' if unknown == 1 else 's'} came without a "
                           "source: each family's record marks them 'Unknown (to complete)'.")
            self.tell("Families imported", f"Imported {count} {noun} from {path.name}.",
                      detail)

        def failed(exc: BaseException) -> None:
            self._done_busy()
            if self._host.current_session() is session:
                show_error(self._window, exc)

        run_in_background(work, imported, failed)

    # -- the store itself -----------------------------------------------------------------
    def _store_task(self, dialog: StoreTaskDialog,
                    told: Callable[[object], tuple[str, str]], title: str) -> StoreTaskDialog:
        dialog.completed.connect(lambda result: self.tell(title, *told(result)))
        dialog.finished.connect(lambda _c: setattr(self, "store_dialog", None))
        self.store_dialog = dialog
        dialog.open()
        return dialog

    def back_up(self) -> StoreTaskDialog | None:
        """File → Back up…: as ``keyworker backup FILE``, asking for today's passphrase."""
        from keyworker_app.domain.dates import iso_text
        from keyworker_app.gui.store_dialogs import Field, StoreTaskDialog, backup_done

        if self._host.current_session() is None:
            return None
        store = self._store

        def write(values: dict[str, str]) -> Path:
            dest = Path(values["file"].strip())
            store.backup(values["passphrase"], dest)
            return dest

        dialog = StoreTaskDialog(
            self._window, "Back up the case store",
            "One encrypted copy of the whole store is written to the file you choose. "
            "Keep it on an encrypted drive your organisation approves.",
            [Field("passphrase", "&Passphrase"),
             Field("file", "Back up &to", secret=False, path=True)],
            action="&Back up", work=write,
            check=lambda v: {} if v["file"].strip() else {"file": "Choose the backup file."},
            registry=self._host.lock)
        name = f"keyworker-backup-{iso_text(self._today())}.kwbackup"
        dialog.editors["file"].setText(str(Path.home() / name))
        return self._store_task(dialog, lambda dest: backup_done(Path(str(dest))),
                                "Backup written")

    def change_passphrase(self) -> StoreTaskDialog | None:
        """File → Change passphrase…: as ``keyworker passwd``, with its note on older copies."""
        from keyworker_app.gui.store_dialogs import (
            PASSWD_DONE,
            Field,
            StoreTaskDialog,
            new_passphrase_check,
        )

        if self._host.current_session() is None:
            return None
        store = self._store
        dialog = StoreTaskDialog(
            self._window, "Change the passphrase",
            "The new passphrase opens this store on this computer from now on. Four or more "
            "unrelated words are hard to guess and easy to remember.",
            [Field("old", "&Current passphrase"), Field("new", "&New passphrase"),
             Field("again", "New passphrase &again")],
            action="&Change passphrase",
            work=lambda v: store.change_passphrase(v["old"], v["new"]),
            check=new_passphrase_check, registry=self._host.lock)
        return self._store_task(dialog, lambda _r: PASSWD_DONE, "Passphrase changed")
