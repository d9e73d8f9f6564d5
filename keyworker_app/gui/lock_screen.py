"""The unlock screen: product name, user name, passphrase field — nothing else.

Unlocking runs the key derivation off the GUI thread (``worker.run_in_background``) with a busy
indicator; a throttled store shows a live countdown and keeps the Unlock button disabled.
"""

from __future__ import annotations

import getpass
import logging
import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyworker_app.errors import (
    SchemaUpgradeNeededError,
    StoreInUseError,
    UnlockThrottledError,
    UserFacingError,
)
from keyworker_app.gui.accessible import announce
from keyworker_app.gui.errors import CRASH_MESSAGE
from keyworker_app.gui.worker import run_in_background
from keyworker_app.services.api import CaseStoreService

log = logging.getLogger("keyworker.gui.lock_screen")
CARD_WIDTH = 440
CARD_MARGIN = 28

PRODUCT_NAME = "Keyworker"


def os_user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return ""


class LockScreen(QWidget):
    unlocked = Signal(object)  # the open Session

    def __init__(self, store: CaseStoreService, clock: Callable[[], float] = time.monotonic,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAccessibleName("Keyworker is locked")
        self._store = store
        self._clock = clock
        self._until = 0.0
        self._resets = 0
        self._throttle_asked = True  # set by reset(), done at the next paint
        self.busy = False

        title = QLabel(PRODUCT_NAME)
        title.setObjectName("productName")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.user_label = QLabel()
        self.user_label.setObjectName("userName")
        self.user_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        prompt = QLabel("&Passphrase")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.setMinimumWidth(320)
        prompt.setBuddy(self.passphrase)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        # Forgotten passphrase, or a store brought from another computer: as 'keyworker
        # recover', the recovery key and a new passphrase.
        self.recovery_button = QPushButton("Use &recovery key…")
        self.recovery_button.setObjectName("recoveryButton")
        self.recovery_button.setAccessibleDescription("Use the recovery key")
        self.recovery_button.setAutoDefault(False)
        self.recovery_button.setFlat(True)
        self.recovery_button.clicked.connect(lambda _c=False: self.open_recovery())
        self.recovery_dialog: QWidget | None = None
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(6)
        self.busy_bar.setAccessibleName("Unlocking, please wait")
        self.busy_bar.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.countdown = QLabel()
        self.countdown.setObjectName("countdown")
        self.countdown.setVisible(False)

        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        # A fixed width lets a wrapped message (store open elsewhere, wrong passphrase) be
        # given the height it needs: the layout knows the width to wrap at.
        card.setFixedWidth(CARD_WIDTH)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(CARD_MARGIN, 24, CARD_MARGIN, 24)
        inner.setSpacing(10)
        inner.addWidget(title)
        inner.addWidget(self.user_label)
        inner.addSpacing(12)
        widgets: tuple[QWidget, ...] = (prompt, self.passphrase, self.unlock_button,
                                        self.recovery_button, self.busy_bar, self.message,
                                        self.countdown)
        for widget in widgets:
            inner.addWidget(widget)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.setTabOrder(self.passphrase, self.unlock_button)

        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(250)
        self._tick_timer.timeout.connect(self.tick)
        self.passphrase.returnPressed.connect(self.submit)
        self.unlock_button.clicked.connect(self.submit)
        self.set_user_name(os_user_name())

    def set_user_name(self, name: str) -> None:
        self.user_label.setText(name)

    def reset(self) -> None:
        """Ready for a passphrase: empty field, no message; resumes a throttle countdown."""
        self.passphrase.clear()
        self.say("")
        self._set_busy(False)
        # The attempt record is kept beside the device secret in the keyring: it is read off
        # the GUI thread once this screen has been drawn, so the screen shows at once. An
        # unlock tried before the answer is checked against the same record and starts the
        # countdown itself.
        self._resets += 1
        self._throttle_asked = False
        self.update()
        self.show_if_open_elsewhere()  # one non-blocking lock attempt on a local file
        self.passphrase.setFocus()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._throttle_asked:
            self._throttle_asked = True
            QTimer.singleShot(0, self._ask_throttle)

    def _ask_throttle(self) -> None:
        reset = self._resets
        run_in_background(self._store.throttle_wait,
                          lambda wait: self._throttle_known(reset, wait),
                          lambda exc: self._throttle_known(reset, 0.0, exc))

    def _throttle_known(self, reset: int, wait: object,
                        exc: BaseException | None = None) -> None:
        if exc is not None:
            log.warning("throttle check failed: %s", type(exc).__name__)
        if reset != self._resets or self.busy or not isinstance(wait, int | float):
            return  # reset again since, or an unlock is already under way
        if wait > 0:
            self.start_countdown(wait)

    def say(self, text: str) -> None:
        """Show a message, as tall as its wrapped lines need (a nested layout does not ask
        a wrapping label's height for its width by itself), read out by a screen reader."""
        announce(self.message, text)
        width = CARD_WIDTH - 2 * CARD_MARGIN - 2  # inside the card's frame
        self.message.setMinimumHeight(max(0, self.message.heightForWidth(width)) if text else 0)

    def show_if_open_elsewhere(self) -> bool:
        """Say so before a passphrase is typed when another Keyworker has the store open."""
        try:
            elsewhere = self._store.open_elsewhere()
        except Exception as exc:
            log.warning("instance check failed: %s", type(exc).__name__)
            return False
        if elsewhere:
            problem = StoreInUseError()
            self.say(f"{problem.message}\n{problem.advice}")
        return elsewhere

    def submit(self) -> None:
        if self.busy or not self.unlock_button.isEnabled():
            return
        passphrase = self.passphrase.text()
        self.passphrase.clear()
        if not passphrase:
            self.say("Enter your passphrase.")
            return
        self.message.clear()
        self._open(passphrase, upgrade=False)

    def _open(self, passphrase: str, upgrade: bool) -> None:
        self._set_busy(True)
        store = self._store
        failed = self._failed if upgrade else (
            lambda exc: self._ask_upgrade(exc, passphrase))
        run_in_background(lambda: store.unlock(passphrase, upgrade=upgrade),
                          self._succeeded, failed)

    def _ask_upgrade(self, exc: BaseException, passphrase: str) -> None:
        """A store from an earlier version opens only once the key worker agrees (an
        encrypted backup is made first); anything else fails as usual."""
        if not isinstance(exc, SchemaUpgradeNeededError):
            self._failed(exc)
            return
        self._set_busy(False)
        box = QMessageBox(self)
        box.setObjectName("upgradeQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Keyworker")
        box.setText(exc.message)
        box.setInformativeText(f"{exc.advice}\n\nUpgrade and open it now?")
        box.setAccessibleName("Upgrade the case store")
        upgrade = box.addButton("&Upgrade and open", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(upgrade)

        def answered() -> None:
            if box.clickedButton() is upgrade:
                self._open(passphrase, upgrade=True)
            else:
                self.say("The store was not opened and nothing was changed.")

        box.finished.connect(answered)
        box.open()  # not exec(): a lock must be able to close it

    def open_recovery(self) -> QWidget:
        """The recovery key and a new passphrase: the store opens and is bound to this
        computer again (as 'keyworker recover')."""
        from keyworker_app.gui.store_dialogs import (
            RECOVERED,
            Field,
            StoreTaskDialog,
            new_passphrase_check,
        )

        store = self._store

        def check(values: dict[str, str]) -> dict[str, str]:
            problems = new_passphrase_check({k: values[k] for k in ("new", "again")})
            if not values["key"].strip():
                problems["key"] = "Enter the recovery key as printed."
            return problems

        dialog = StoreTaskDialog(
            self, "Use the recovery key",
            "Type the recovery key your information-governance officer keeps, and choose a "
            "new passphrase. The store opens and is bound to this computer again.",
            [Field("key", "Recovery &key", secret=False), Field("new", "&New passphrase"),
             Field("again", "New passphrase &again")],
            action="&Open with the recovery key",
            work=lambda v: store.recover(v["key"].strip(), v["new"]), check=check)

        def recovered(session: object) -> None:
            self._succeeded(session)
            box = QMessageBox(QMessageBox.Icon.Information, "Store recovered", RECOVERED[0],
                              QMessageBox.StandardButton.Close, self.window())
            box.setInformativeText(RECOVERED[1])
            box.setAccessibleName("Store recovered")
            box.open()

        dialog.completed.connect(recovered)
        dialog.finished.connect(lambda _c: setattr(self, "recovery_dialog", None))
        self.recovery_dialog = dialog
        dialog.open()
        return dialog

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_bar.setVisible(busy)
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy and not self._tick_timer.isActive())

    def _succeeded(self, session: object) -> None:
        self._set_busy(False)
        self.unlocked.emit(session)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, UserFacingError):
            self.say(f"{exc.message}\n{exc.advice}".strip())
        else:
            log.error("unlock failed unexpectedly: %s", type(exc).__name__)
            self.say(CRASH_MESSAGE)
        wait = exc.wait_seconds if isinstance(exc, UnlockThrottledError) else 0.0
        try:
            wait = max(wait, self._store.throttle_wait())
        except Exception as check_exc:
            log.warning("throttle check failed: %s", type(check_exc).__name__)
        if wait > 0:
            self.start_countdown(wait)
        self.passphrase.setFocus()

    def start_countdown(self, seconds: float) -> None:
        self._until = self._clock() + seconds
        self._tick_timer.start()
        self.unlock_button.setEnabled(False)
        self.countdown.setVisible(True)
        self.tick()

    def remaining_seconds(self) -> int:
        return max(0, math.ceil(self._until - self._clock()))

    def tick(self) -> None:
        left = self.remaining_seconds()
        if left <= 0:
            self._tick_timer.stop()
            self.countdown.setVisible(False)
            self.countdown.clear()
            self.unlock_button.setEnabled(not self.busy)
            return
        unit = "second" if left == 1 else "seconds"
        text = f"You can try again in {left} {unit}."
        if not self.countdown.text():  # read out once when the wait starts, not every second
            announce(self.countdown, text)
        else:
            self.countdown.setText(text)
