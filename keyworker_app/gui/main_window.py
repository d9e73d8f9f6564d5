"""The main window: lock screen or first-run wizard, then caseload and open family records.

The window title is always generic. The window implements ``LockTarget`` for the lock controller.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from keyworker_app.domain.changes import Changes, RecordKind
from keyworker_app.domain.dates import as_utc
from keyworker_app.domain.handling import Recipient
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.progress import Progress
from keyworker_app.errors import UserFacingError
from keyworker_app.gui.accessible import ClosableTabs, fit_to_screen, focus_into
from keyworker_app.gui.caseload import BackgroundCriteria, CaseloadView
from keyworker_app.gui.changes import ChangeBroadcast
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.draft_offers import DraftOffers
from keyworker_app.gui.errors import show_error
from keyworker_app.gui.file_actions import FileActions
from keyworker_app.gui.lock import LockController, LockSettings
from keyworker_app.gui.lock_screen import PRODUCT_NAME, LockScreen
from keyworker_app.gui.record_search import RecordSearch, RecordSearchDialog
from keyworker_app.gui.session_watch import SessionWatcher
from keyworker_app.gui.system_idle import IdleSource
from keyworker_app.gui.win_session import SessionNotifications
from keyworker_app.gui.worker import StoreWork, run_in_background
from keyworker_app.services.about import AboutInfo, about_info
from keyworker_app.services.api import CaseStoreService, Session

# Screens nobody sees before unlock load when first opened, so the unlock screen comes up
# fast (the export code behind them loads later still, on the first export).
if TYPE_CHECKING:
    from keyworker_app.gui.breach_clock import BreachClock
    from keyworker_app.gui.breach_view import BreachView
    from keyworker_app.gui.draft_kinds import DraftKinds
    from keyworker_app.gui.family_view import FamilyView
    from keyworker_app.gui.first_run import FirstRunWizard
    from keyworker_app.gui.kept_drafts import KeptDraftsDialog
    from keyworker_app.gui.new_family_dialog import NewFamilyDialog
    from keyworker_app.gui.partner_view import PartnerDataView
    from keyworker_app.gui.programme_export_dialog import ProgrammeExportDialog
    from keyworker_app.gui.retention_view import RetentionQueueView
    from keyworker_app.gui.subject_access_view import SubjectAccessView
    from keyworker_app.gui.today_view import TeamView, TodayView
    from keyworker_app.services.programme_exports import ProgrammeExportService

log = logging.getLogger("keyworker.gui.main_window")

TITLE = PRODUCT_NAME
LOCKED_TITLE = f"{PRODUCT_NAME} — Locked"
MIN_CASELOAD_WIDTH = 360  # what an opening family record leaves the caseload, at least


@runtime_checkable
class _ClearablePage(Protocol):
    """A tab that forgets what it shows when closed (family record, Today, programme pages)."""

    def clear(self) -> None: ...


class MainWindow(QMainWindow):
    def __init__(
        self,
        store: CaseStoreService,
        settings: LockSettings,
        *,
        partner_names: Sequence[str] = (),
        system_idle: IdleSource | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = datetime.now,
        watch_desktop: bool = True,
        policy: Policy | None = None,
        about: AboutInfo | None = None,
    ) -> None:
        super().__init__()
        # The policy in force (the ISA as data); None only in tests that need none of it.
        self.policy = policy
        self._about = about
        self.about_box: QMessageBox | None = None
        self.setObjectName("mainWindow")
        self.setAccessibleName(PRODUCT_NAME)
        self.setWindowTitle(LOCKED_TITLE)
        self._store = store
        self._partner_names = tuple(partner_names)
        self._today = today
        self._now = now
        self.breach_clock: BreachClock | None = None  # made at the first unlock
        self._session: Session | None = None
        self._draft_kinds: DraftKinds | None = None
        # What each committed operation changed, once, to every open page (gui.changes).
        self.changes = ChangeBroadcast(self)
        self.changes.changed.connect(self._apply_changes)
        # Whole-store work (the PbR claim) off the GUI thread, stopped first by a lock.
        self.store_work = StoreWork(self)
        self.clipboard = ClipboardGuard(settings.clipboard_clear_seconds, self)
        self.draft_offers = DraftOffers(self, lambda: self, lambda: self._session,
                                        lambda: self.draft_kinds, self.clipboard.copy)
        self.lock = LockController(self, settings, self.clipboard, system_idle=system_idle,
                                   clock=clock, parent=self, encode=self._encode_draft)
        self.lock.store_work = self.store_work

        self.stack = QStackedWidget()
        self.lock_screen = LockScreen(store, clock)
        self.lock_screen.unlocked.connect(self.session_opened)
        self.caseload = CaseloadView(criteria=None if policy is None else (
            lambda session: lambda ids: {fid: e.qualifies for fid, e in session.programme(
                policy).evaluate_many(ids, self._today()).items()}),
            background=None if policy is None else self._criteria_on_worker, today=today)
        self.caseload.family_chosen.connect(self.open_family)
        # Queued: the problem is met inside a paint, where no dialog may open.
        self.caseload.model.problem.connect(lambda exc: show_error(self, exc),
                                            Qt.ConnectionType.QueuedConnection)
        self.family_tabs = ClosableTabs("Open family records")
        self.family_tabs.setDocumentMode(True)
        self.family_tabs.tabCloseRequested.connect(self.close_family_tab)
        self.work = QSplitter(Qt.Orientation.Horizontal)
        self.work.addWidget(self.caseload)
        self.work.addWidget(self.family_tabs)
        self.work.setStretchFactor(0, 2)
        self.work.setStretchFactor(1, 3)
        self.wizard: FirstRunWizard | None = None
        self.stack.addWidget(self.lock_screen)
        self.stack.addWidget(self.work)
        self.setCentralWidget(self.stack)
        # The status bar is there from the start, so the lock screen sits in one place
        # before the first unlock and after every lock (its messages go at each lock).
        self.statusBar().setSizeGripEnabled(False)
        self._build_menus()
        fit_to_screen(self)
        self.session_notifications: SessionNotifications | None = None
        if watch_desktop:
            self.watcher = SessionWatcher(self)
            self.watcher.lock_requested.connect(self.lock.lock)
            # Windows: session lock, disconnect and suspend reach nativeEvent (gui.win_session).
            self.session_notifications = SessionNotifications(self)
            self.session_notifications.lock_requested.connect(self.lock.lock)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        # New family, import, back up, change passphrase (gui.file_actions).
        self.file_actions = FileActions(self, self, self._today, self._store)
        self.file_actions.add_to(file_menu)
        self.lock_action = QAction("&Lock now", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda _c=False: self.lock.lock("menu"))
        self.lock_action.setEnabled(False)
        file_menu.addAction(self.lock_action)
        close_tab = QAction("&Close record", self)
        close_tab.setShortcut(QKeySequence.StandardKey.Close)
        close_tab.triggered.connect(
            lambda _c=False: self.close_family_tab(self.family_tabs.currentIndex()))
        file_menu.addAction(close_tab)
        # Menus that cannot act while the store is locked are disabled until unlock.
        self.session_actions: list[QAction] = [close_tab]
        self.kept_action = QAction("Unsaved work &kept…", self)
        self.kept_action.triggered.connect(lambda _c=False: self.show_kept_drafts())
        self.kept_action.setEnabled(False)
        file_menu.addAction(self.kept_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(lambda _c=False: self.close())
        file_menu.addAction(quit_action)
        find = QAction("&Find family", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda _c=False: self.caseload.search.setFocus())
        self.addAction(find)
        view_menu = self.menuBar().addMenu("&View")
        for text, keys, slot in (("&Today", "Ctrl+1", self.show_today),
                                 ("T&eam", "Ctrl+2", self.show_team)):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _c=False, show=slot: show())
            view_menu.addAction(action)
            self.session_actions.append(action)
        self.record_search = RecordSearch(self, view_menu, self.store_work, lambda: self._session)
        self.session_actions.append(self.record_search.action)
        self._build_programme_menu()
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {PRODUCT_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(lambda _c=False: self.show_about())
        help_menu.addAction(self.about_action)
        self.agreement_action = QAction("The information &sharing agreement", self)
        self.agreement_action.triggered.connect(lambda _c=False: self.show_agreement())
        help_menu.addAction(self.agreement_action)

    def show_agreement(self) -> QWidget | None:
        """Help → The information sharing agreement: the policy in force, readable (§16)."""
        from PySide6.QtWidgets import QDialog, QPlainTextEdit, QVBoxLayout

        from keyworker_app.domain.agreement_text import agreement_lines

        if self.policy is None:
            return None
        dialog = QDialog(self)
        dialog.setWindowTitle("The information sharing agreement")
        text = QPlainTextEdit("\n".join(agreement_lines(self.policy)))
        text.setReadOnly(True)
        text.setAccessibleName("The agreement in force")
        QVBoxLayout(dialog).addWidget(text)
        dialog.resize(800, 600)
        dialog.show()
        return dialog

    def _build_programme_menu(self) -> None:
        """Programme: retention review, subject access, breaches, the PbR claim (ISA §§10,
        17, 12; §4.3.3). Pages open as tabs beside the family records; cleared on lock."""
        menu = self.menuBar().addMenu("Pro&gramme")
        menu.setToolTipsVisible(True)  # a greyed-out claim says who can make it
        self.programme_actions: list[QAction] = []
        for text, keys, slot in (
                ("&Retention review", "Ctrl+3", self.show_retention),
                ("&Subject access requests", "Ctrl+4", self.show_subject_access),
                ("&Breach records", "Ctrl+5", self.show_breaches),
                ("Sus&pensions of the agreement", "", self.show_suspensions),
                ("Partner &data sets", "", self.show_partner_data),
                ("Export the PbR &claim as PDF…", "", self.export_claim),
                ("Export the PbR claim as CS&V…", "", self.export_claim_csv)):
            action = QAction(text, self)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _c=False, show=slot: show())
            menu.addAction(action)
            self.programme_actions.append(action)
        self._enable_session_actions(False)

    def _enable_session_actions(self, unlocked: bool) -> None:
        for action in self.session_actions:
            action.setEnabled(unlocked)
        for action in self.programme_actions:
            action.setEnabled(unlocked and self.policy is not None)
        if unlocked and self._session is not None:
            from keyworker_app.domain.roles import LeadAction, allowed, who_can

            # The PbR claim is a team lead's (domain.roles): greyed out, saying who can.
            if not allowed(self._session.actor.role, LeadAction.PBR_CLAIM):
                for action in self.programme_actions[3:]:
                    action.setEnabled(False)
                    action.setToolTip(who_can(LeadAction.PBR_CLAIM))
                    action.setStatusTip(who_can(LeadAction.PBR_CLAIM))

    def _programme_exports(self) -> ProgrammeExportService | None:
        from keyworker_app.services.programme_exports import ProgrammeExportService

        if self._session is None or self.policy is None:
            return None
        return ProgrammeExportService(self._session, self._session.programme(self.policy))

    def _show_programme_page(self, kind: type[QWidget], title: str,
                             make: Callable[[ProgrammeExportService], QWidget]) -> QWidget | None:
        for i in range(self.family_tabs.count()):
            page = self.family_tabs.widget(i)
            if isinstance(page, kind):
                self.family_tabs.setCurrentIndex(i)
                return page
        exports = self._programme_exports()
        if exports is None:
            return None
        try:
            page = make(exports)
        except UserFacingError as exc:
            show_error(self, exc)
            return None
        self.family_tabs.setCurrentIndex(self.family_tabs.addTab(page, title))
        page.setFocus()
        return page

    def show_retention(self) -> RetentionQueueView | None:
        """Programme → Retention review (Ctrl+3): the team lead's review queue."""
        from keyworker_app.gui.retention_view import RetentionQueueView

        page = self._show_programme_page(
            RetentionQueueView, "Retention review",
            lambda e: RetentionQueueView(e.programme, e.actor.name, self._today,
                                         registry=self.lock))
        if isinstance(page, RetentionQueueView):
            page.family_deleted.connect(self._family_deleted, Qt.ConnectionType.UniqueConnection)
            return page
        return None

    def _family_deleted(self, family_id: int) -> None:
        """After a retention deletion: close its record if open, reload the caseload."""
        from keyworker_app.gui.family_view import FamilyView

        for i in reversed(range(self.family_tabs.count())):
            view = self.family_tabs.widget(i)
            if isinstance(view, FamilyView) and view.family_id == family_id:
                self.close_family_tab(i)
        if self._session is not None:
            self.caseload.load(self._session)

    def show_subject_access(self) -> SubjectAccessView | None:
        """Programme → Subject access requests (Ctrl+4)."""
        from keyworker_app.gui.subject_access_view import SubjectAccessView

        page = self._show_programme_page(
            SubjectAccessView, "Subject access",
            lambda e: SubjectAccessView(e, today=self._today, registry=self.lock,
                                        work=self.store_work,
                                        background=self._background_exports))
        return page if isinstance(page, SubjectAccessView) else None

    def show_breaches(self) -> BreachView | None:
        """Programme → Breach records (Ctrl+5)."""
        from keyworker_app.gui.breach_view import BreachView

        page = self._show_programme_page(
            BreachView, "Breaches",
            lambda e: BreachView(e, now=lambda: as_utc(self._now()), registry=self.lock,
                                 work=self.store_work, background=self._background_exports))
        return page if isinstance(page, BreachView) else None

    def show_suspensions(self) -> QWidget | None:
        """Programme → Suspensions of the agreement (ISA §15)."""
        from keyworker_app.gui.suspension_view import SuspensionView

        policy = self.policy
        assert policy is not None and self._session is not None
        session = self._session
        return self._show_programme_page(
            SuspensionView, "Suspensions",
            lambda _e: SuspensionView(session.suspensions(policy), registry=self.lock))

    def show_partner_data(self) -> PartnerDataView | None:
        """Programme → Partner data sets (ISA §4.3.1): import, match, finish."""
        from keyworker_app.gui.partner_view import PartnerDataView

        policy = self.policy
        assert policy is not None and self._session is not None
        session = self._session
        page = self._show_programme_page(
            PartnerDataView, "Partner data",
            lambda e: PartnerDataView(
                session.partners(policy), lambda: session.background().partners(policy),
                self.store_work, suggest_reference=session.suggest_reference,
                key_worker=e.actor.name, registry=self.lock))
        return page if isinstance(page, PartnerDataView) else None

    def export_claim(self, file_format: str = "pdf",
                     draft: dict[str, Any] | None = None) -> ProgrammeExportDialog | None:
        """Programme → Export the PbR claim as PDF (or CSV): qualifying families by
        reference only."""
        from keyworker_app.gui.programme_export_dialog import EXPORT_FORMS, ProgrammeExportDialog
        from keyworker_app.services.programme_exports import (
            ProgrammeExportRequest,
            ProgrammeReport,
            suggested_name,
        )

        exports = self._programme_exports()
        if exports is None:
            return None
        today = self._today()
        dialog = ProgrammeExportDialog(exports, ProgrammeExportRequest(
            ProgrammeReport.PBR_CLAIM, Path.home() / suggested_name(
                ProgrammeReport.PBR_CLAIM, "", today, file_format), Recipient.printing(),
            as_of=today, file_format=file_format), self, work=self.store_work,
            background=self._background_exports)
        dialog.keep_through_lock(self.lock, EXPORT_FORMS[ProgrammeReport.PBR_CLAIM],
                                 f"claim:{file_format}", draft)
        dialog.exported.connect(self._claim_exported)
        dialog.open()
        return dialog

    def _criteria_on_worker(self, session: Session) -> BackgroundCriteria:
        """The caseload's "meets criteria", a batch at a time on the store worker (on the
        session's background connection); answers come back to the caseload's cache."""
        policy = self.policy
        assert policy is not None
        day = self._today()

        def run(ids: list[int], done: Callable[[dict[int, bool]], None],
                failed: Callable[[], None]) -> None:
            def work(progress: Progress) -> dict[int, bool]:
                evaluations = session.background().programme(policy).evaluate_many(
                    ids, day, progress)
                return {fid: e.qualifies for fid, e in evaluations.items()}

            self.store_work.run_quietly(work, done, lambda _exc: failed())

        return run

    def _background_exports(self) -> ProgrammeExportService:
        """The programme exports on the session's background connection (worker side)."""
        from keyworker_app.services.programme_exports import ProgrammeExportService

        session, policy = self._session, self.policy
        if session is None or policy is None:
            raise UserFacingError("The case store is locked.", "Unlock it and try again.")
        background = session.background()
        return ProgrammeExportService(background, background.programme(policy))

    def send_bundle(self, kind: str, draft: dict[str, Any] | None = None) -> QWidget | None:
        """File → Hand over… ("transfer") or Send a copy… ("copy"), reopened from a draft."""
        from keyworker_app.domain.handover import BundleKind

        return self.file_actions.handover.send(BundleKind(kind), draft=draft)

    def export_claim_csv(self) -> ProgrammeExportDialog | None:
        """Programme → Export the PbR claim as CSV: for the claim spreadsheet; formula-safe
        and never protected, so only to a recipient who may receive an unprotected file."""
        return self.export_claim("csv")

    def _claim_exported(self, result: object) -> None:
        from keyworker_app.gui.programme_export_dialog import report_saved_text

        text, detail = report_saved_text(result)  # type: ignore[arg-type]
        box = QMessageBox(QMessageBox.Icon.Information, "Claim exported", text,
                          QMessageBox.StandardButton.Close, self)
        box.setInformativeText(detail)
        box.setAccessibleName("Claim exported")
        box.open()

    def show_about(self) -> QMessageBox:
        """Help → About: versions and the policy in force (for the user and IT support)."""
        info = self._about if self._about is not None else about_info()
        box = QMessageBox(self)
        box.setWindowTitle(f"About {PRODUCT_NAME}")
        box.setAccessibleName(f"About {PRODUCT_NAME}")
        icon = QApplication.windowIcon()
        if icon.isNull():
            box.setIcon(QMessageBox.Icon.Information)
        else:
            box.setIconPixmap(icon.pixmap(64, 64))
        box.setText(f"{PRODUCT_NAME} {info.version}")
        if info.policy is None:
            policy_lines = [f"Policy in force: {info.policy_text()}"]
        else:
            policy_lines = [f"Policy in force: {info.policy.title()}",
                            f"Source: {info.policy.where()}", f"File: {info.policy.path}"]
        details = [f"SQLCipher {info.sqlcipher_version}", *policy_lines]
        box.setInformativeText("\n".join(details))
        box.setAccessibleDescription(". ".join([box.text(), *details]))
        # Selectable, so IT support can be told (or sent) exactly what is installed.
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                    | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setDefaultButton(QMessageBox.StandardButton.Close)
        box.setEscapeButton(QMessageBox.StandardButton.Close)
        box.finished.connect(lambda _r: setattr(self, "about_box", None))
        self.about_box = box
        box.open()
        return box

    # -- start ----------------------------------------------------------------------------
    def start(self) -> None:
        """Show the first-run wizard for a new store, else the lock screen."""
        if self._store.exists():
            self.show_lock_screen()
            return
        from keyworker_app.gui.first_run import FirstRunWizard

        self.setWindowTitle(f"{PRODUCT_NAME} — set up")
        self.wizard = FirstRunWizard(self._store, self._partner_names)
        self.wizard.setWindowFlags(Qt.WindowType.Widget)
        self.wizard.created.connect(self.session_opened)
        self.stack.addWidget(self.wizard)
        self.stack.setCurrentWidget(self.wizard)

    def _encode_draft(self, form: str, data: dict[str, Any]) -> dict[str, Any]:
        return self.draft_kinds.encode(form, data)

    @property
    def draft_kinds(self) -> DraftKinds:
        """Every form kind a draft can be of. It names every screen, so it loads after unlock
        (``session_opened``), not while the unlock screen comes up."""
        if self._draft_kinds is None:
            from keyworker_app.gui.draft_kinds import DraftKinds

            self._draft_kinds = DraftKinds()
        return self._draft_kinds

    def session_opened(self, session: object) -> None:
        assert not isinstance(session, BaseException)
        self._session = session  # type: ignore[assignment]
        if self.wizard is not None:
            self.stack.removeWidget(self.wizard)
            self.wizard.deleteLater()
            self.wizard = None
        try:
            assert self._session is not None
            self._session.set_change_listener(self.changes.accept)
            self.store_work.interrupt = self._session.interrupt_background
            self.changes.start()
            self.lock_screen.set_user_name(self._session.actor.name)
            self.caseload.load(self._session)
            self._start_breach_clock(self._session)
        except UserFacingError as exc:
            show_error(self, exc)
        self.setWindowTitle(TITLE)
        self.stack.setCurrentWidget(self.work)
        self.lock_action.setEnabled(True)
        self.kept_action.setEnabled(True)
        self.file_actions.set_enabled(True)
        self._enable_session_actions(True)
        self.lock.unlocked()
        self.caseload.search.setFocus()
        self.offer_drafts()
        if self._session is not None:
            for warning in self._session.warnings:
                show_error(self, warning)  # e.g. a changed audit trail: open, but said
            self._check_pages(self._session)
            # Ready before any lock needs it, once the caseload is on screen.
            QTimer.singleShot(0, lambda: self.draft_kinds)

    def _start_breach_clock(self, session: Session) -> None:
        """An open serious breach's 72-hour clock in the status bar until it is reported."""
        from keyworker_app.gui.breach_clock import BreachClock

        self.breach_clock = self.breach_clock or BreachClock.in_status_bar(
            self, lambda: as_utc(self._now()))
        if self.policy is not None:
            self.breach_clock.start(session, self.policy)

    def _check_pages(self, session: Session) -> None:
        """Every page of the store read once, off the GUI thread, while the caseload is in
        use; damage is shown as soon as it is found (unless the store has locked since)."""

        def failed(exc: BaseException) -> None:
            if self._session is session:
                show_error(self, exc)
            else:
                log.info("page check result dropped: the store locked first")

        run_in_background(session.check_pages, lambda _checked: None, failed)

    # -- families -------------------------------------------------------------------------
    def open_family(self, family_id: int) -> FamilyView | None:
        from keyworker_app.gui.family_view import FamilyView  # the first record loads it

        for i in range(self.family_tabs.count()):
            view = self.family_tabs.widget(i)
            if isinstance(view, FamilyView) and view.family_id == family_id:
                self.family_tabs.setCurrentIndex(i)
                return view
        if self._session is None:
            return None
        try:
            view = FamilyView(self._session, family_id, self.lock, self.clipboard,
                              today=self._today, now=self._now, policy=self.policy,
                              changes=self.changes)
        except UserFacingError as exc:
            show_error(self, exc)
            return None
        index = self.family_tabs.addTab(view, view.family.reference)
        self.family_tabs.setCurrentIndex(index)
        self._make_room_for(view)
        # Keyboard users land in the record they opened, wherever focus was before.
        view.tabs.setFocus(Qt.FocusReason.OtherFocusReason)
        return view

    def _make_room_for(self, view: FamilyView) -> None:
        """Widen the records beside the caseload until every tab of ``view`` shows in full
        (at 1280 x 800 it fits); the caseload keeps at least ``MIN_CASELOAD_WIDTH``. In a
        narrower window the tab labels are shortened with "…" instead (FamilyView)."""
        caseload, records = self.work.sizes()
        layout = view.layout()
        margins = 0 if layout is None else (layout.contentsMargins().left()
                                            + layout.contentsMargins().right())
        needed = view.tabs.tabBar().sizeHint().width() + margins + 12  # frame, a little room
        shift = min(needed - records, caseload - MIN_CASELOAD_WIDTH)
        if shift > 0:
            self.work.setSizes([caseload - shift, records + shift])

    def new_family(self, initial: dict[str, str] | None = None,
                   restored: bool = False) -> NewFamilyDialog | None:
        """File → New family (referral) (Ctrl+N)."""
        return self.file_actions.new_family(initial, restored)

    def search_records(self, initial: str = "") -> RecordSearchDialog | None:
        """View → Search records (Ctrl+Shift+F): any word in notes, meetings, indicators."""
        return self.record_search.open(initial)

    def family_views(self) -> list[FamilyView]:
        from keyworker_app.gui.family_view import FamilyView

        return [w for i in range(self.family_tabs.count())
                if isinstance(w := self.family_tabs.widget(i), FamilyView)]

    def show_today(self) -> TodayView | None:
        """View → Today (Ctrl+1): the key worker's actions, meetings and reviews."""
        from keyworker_app.gui.today_view import TodayView

        page = self._show_page(TodayView, "Today")
        return page if isinstance(page, TodayView) else None

    def show_team(self) -> TeamView | None:
        """View → Team (Ctrl+2): per key worker, open families, overdue actions, reviews and
        meetings in the next 14 days (and how prepared), families meeting the criteria."""
        from keyworker_app.gui.today_view import TeamView

        page = self._show_page(TeamView, "Team")
        return page if isinstance(page, TeamView) else None

    def _show_page(self, kind: type[TodayView | TeamView], title: str) -> QWidget | None:
        from keyworker_app.gui.today_view import TeamView
        for i in range(self.family_tabs.count()):
            page = self.family_tabs.widget(i)
            if isinstance(page, kind):  # it follows every change; only the date may move
                page.follow_the_day()
                self.family_tabs.setCurrentIndex(i)
                return page
        if self._session is None or self.policy is None:
            return None
        try:
            service = self._session.meetings(self.policy)
            page = (kind(service, self._today, criteria=self.caseload.model)
                    if kind is TeamView and self.caseload.model.has_criteria
                    else kind(service, self._today))
        except UserFacingError as exc:
            show_error(self, exc)
            return None
        page.family_chosen.connect(self.open_family)
        self.family_tabs.setCurrentIndex(self.family_tabs.addTab(page, title))
        focus_into(page)  # Ctrl+1 / Ctrl+2 take the keyboard into the page they show
        return page

    def close_family_tab(self, index: int) -> None:
        view = self.family_tabs.widget(index)
        if view is None:
            return
        self.family_tabs.removeTab(index)
        if isinstance(view, _ClearablePage):
            view.clear()
        view.deleteLater()

    # -- changes --------------------------------------------------------------------------
    def _apply_changes(self, changes: Changes, initiator: object) -> None:
        """Every open page and the caseload hear each committed change once and decide
        for themselves whether to read again. A deleted family's record closes."""
        if self._session is None:
            return
        if changes.caseload_changed:
            for i in reversed(range(self.family_tabs.count())):
                view = self.family_tabs.widget(i)
                if getattr(view, "family_id", None) in changes.families:
                    self.close_family_tab(i)  # it existed, so the change removed it
        self.caseload.apply_changes(changes, initiator)
        if self.breach_clock is not None and changes.touches(RecordKind.BREACH):
            self.breach_clock.refresh()
        for i in range(self.family_tabs.count()):
            page = self.family_tabs.widget(i)
            apply = getattr(page, "apply_changes", None)
            if callable(apply):
                try:
                    apply(changes, initiator)
                except UserFacingError as exc:
                    show_error(self, exc)

    # -- drafts (gui.draft_offers) ---------------------------------------------------------
    def offer_drafts(self) -> None:
        self.draft_offers.offer()

    def show_kept_drafts(self, reasons: dict[int, str] | None = None, *,
                         only_if_any: bool = False) -> KeptDraftsDialog | None:
        return self.draft_offers.show_kept(reasons, only_if_any=only_if_any)

    @property
    def draft_prompt(self) -> QMessageBox | None:
        return self.draft_offers.prompt

    @property
    def kept_dialog(self) -> KeptDraftsDialog | None:
        return self.draft_offers.kept_dialog

    # -- LockTarget -----------------------------------------------------------------------
    def current_session(self) -> Session | None:
        return self._session

    def clear_personal_data(self) -> None:
        self.changes.stop()  # nothing read again from here on, the pages stay empty
        if self.breach_clock is not None:
            self.breach_clock.stop()
        self.setWindowTitle(LOCKED_TITLE)
        self.draft_offers.forget()
        self.statusBar().clearMessage()
        while self.family_tabs.count():
            self.close_family_tab(0)
        self.caseload.clear()

    def end_session(self) -> None:
        session, self._session = self._session, None
        self.store_work.interrupt = None
        self.lock_action.setEnabled(False)
        self.kept_action.setEnabled(False)
        self.file_actions.set_enabled(False)
        self._enable_session_actions(False)
        if session is not None:
            try:
                session.lock()
            except Exception as exc:
                log.error("closing the store failed: %s", type(exc).__name__)

    def show_lock_screen(self) -> None:
        self.setWindowTitle(LOCKED_TITLE)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.reset()

    def lock_screen_widget(self) -> QWidget:
        return self.lock_screen

    def nativeEvent(self, event_type: QByteArray | bytes | bytearray | memoryview,  # noqa: N802
                    message: int) -> object:
        """Windows session lock and suspend messages lock the app; none is consumed."""
        notifications = getattr(self, "session_notifications", None)  # None while building
        if notifications is not None:
            notifications.native_event(event_type, message)
        return super().nativeEvent(event_type, message)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.lock.is_locked:
            self.lock.lock("quit")
        super().closeEvent(event)
