"""Clear-screen locking: idle timeout, Ctrl+L, desktop lock signals, minimise.

An app-wide event filter notes the time of every real input event; a single-shot timer fires when
the idle time could first reach the timeout and re-arms itself for the remainder otherwise, so it
costs nothing while the user works and locks promptly. Where the platform reports whole-computer
idle time (``system_idle``) the shorter of the two idle times counts: typing in another program
is still someone at the desk.

Locking order matters: drafts first (while the store is open), then every window and dialog with
personal data goes, the models are cleared, the clipboard is cleared if it still holds our copy,
and only then the store is closed and the lock screen shown.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QToolTip, QWidget

from keyworker_app.domain.policy import MAX_IDLE_TIMEOUT_MINUTES, DeviceRules
from keyworker_app.gui.clipboard import ClipboardGuard
from keyworker_app.gui.system_idle import IdleSource
from keyworker_app.gui.worker import StoreWork
from keyworker_app.services.api import Session

log = logging.getLogger("keyworker.gui.lock")

IDLE_OVERRIDE_ENV = "KEYWORKER_IDLE_SECONDS"
MAX_IDLE_SECONDS = MAX_IDLE_TIMEOUT_MINUTES * 60
_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TabletPress,
    QEvent.Type.InputMethod,
})

DraftTuple = tuple[str, str, dict[str, Any]]
# Turns a form's data into the payload stored for it (with the form's payload version).
DraftEncoder = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class LockSettings:
    """The device rules the GUI needs, with the timeout clamped to the policy maximum."""

    idle_timeout_seconds: float = 5 * 60
    lock_on_minimise: bool = False
    clipboard_clear_seconds: int = 30
    screen_capture_protection: bool = True

    def __post_init__(self) -> None:
        clamped = min(max(self.idle_timeout_seconds, 0.05), MAX_IDLE_SECONDS)
        object.__setattr__(self, "idle_timeout_seconds", clamped)

    @classmethod
    def from_device_rules(cls, rules: DeviceRules) -> LockSettings:
        return cls(rules.idle_timeout_minutes * 60, rules.lock_on_minimise,
                   rules.clipboard_clear_seconds, rules.screen_capture_protection)

    def with_dev_override(self, environ: Mapping[str, str] = os.environ) -> LockSettings:
        """Tests and development may shorten (never lengthen) the timeout by environment."""
        raw = environ.get(IDLE_OVERRIDE_ENV, "")
        try:
            seconds = float(raw)
        except ValueError:
            return self
        return replace(self, idle_timeout_seconds=min(seconds, self.idle_timeout_seconds))


class DraftSource(Protocol):
    """An editor that can hand over its unsaved input before a lock."""

    def collect_draft(self) -> DraftTuple | None: ...


class LockTarget(Protocol):
    """What the controller locks: implemented by the main window."""

    def current_session(self) -> Session | None: ...

    def clear_personal_data(self) -> None: ...

    def end_session(self) -> None: ...

    def show_lock_screen(self) -> None: ...

    def lock_screen_widget(self) -> QWidget: ...


class LockController(QObject):
    locked = Signal()

    def __init__(
        self,
        target: LockTarget,
        settings: LockSettings,
        clipboard: ClipboardGuard,
        *,
        system_idle: IdleSource | None = None,
        clock: Callable[[], float] = time.monotonic,
        encode: DraftEncoder | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._target = target
        self._encode = encode
        self.settings = settings
        self._clipboard = clipboard
        self._system_idle = system_idle
        self._clock = clock
        self._last_input = clock()
        self._editors: list[DraftSource] = []
        self._armed = False
        self.is_locked = True  # until a session is open
        self.last_latency = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check_idle)
        self.store_work: StoreWork | None = None  # the main window's, stopped first on lock

    # -- editors -------------------------------------------------------------------------
    def register_editor(self, editor: DraftSource) -> None:
        if editor not in self._editors:
            self._editors.append(editor)

    def unregister_editor(self, editor: DraftSource) -> None:
        if editor in self._editors:
            self._editors.remove(editor)

    # -- arming ---------------------------------------------------------------------------
    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    def unlocked(self) -> None:
        """The user is back: start counting idle time again."""
        self.is_locked = False
        self._armed = True
        self._last_input = self._clock()
        self._schedule(self.settings.idle_timeout_seconds)

    def idle_seconds(self) -> float:
        idle = self._clock() - self._last_input
        if self._system_idle is not None:
            try:
                system = self._system_idle()
            except Exception as exc:  # a broken X connection must not stop the lock
                log.warning("system idle query failed: %s", type(exc).__name__)
                system = None
            if system is not None:
                idle = min(idle, system)
        return idle

    def _schedule(self, seconds: float) -> None:
        self._timer.start(max(20, min(int(seconds * 1000), 60_000)))

    def check_idle(self) -> None:
        if not self._armed:
            return
        remaining = self.settings.idle_timeout_seconds - self.idle_seconds()
        if remaining <= 0:
            self.lock("idle")
        else:
            self._schedule(remaining)

    # -- input ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in _INPUT_EVENTS:
            self._last_input = self._clock()
            if (kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                    and event.key() == Qt.Key.Key_L
                    and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                    and not self.is_locked):
                self.lock("shortcut")
                return True
        elif (kind == QEvent.Type.WindowStateChange and self.settings.lock_on_minimise
              and isinstance(watched, QWidget) and watched.isWindow()
              and watched.isMinimized() and not self.is_locked):
            self.lock("minimised")
        return False

    # -- locking --------------------------------------------------------------------------
    def lock(self, reason: str = "menu") -> None:
        if self.is_locked:
            return
        started = time.perf_counter()
        self.is_locked = True
        self._armed = False
        self._timer.stop()
        session = self._target.current_session()
        if self.store_work is not None:  # stop whole-store work before anything is saved
            self.store_work.stop_all()
        self._save_drafts(session)
        self._close_other_windows()
        self._target.clear_personal_data()
        self._clipboard.clear()
        self._target.end_session()
        self._target.show_lock_screen()
        self.last_latency = time.perf_counter() - started
        log.info("locked (%s) in %.0f ms", reason, self.last_latency * 1000)
        self.locked.emit()

    def _save_drafts(self, session: Session | None) -> None:
        editors, self._editors = self._editors, []
        for editor in editors:
            try:
                draft = editor.collect_draft()
                if draft is not None and session is not None and session.is_open:
                    form, record_key, data = draft
                    payload = data if self._encode is None else self._encode(form, data)
                    session.save_draft(form, record_key, payload)
            except Exception as exc:  # locking must go on; the error is logged without data
                log.error("could not save a draft before locking: %s", type(exc).__name__)

    def _close_other_windows(self) -> None:
        QToolTip.hideText()
        keep = self._target.lock_screen_widget().window()
        for _ in range(10):  # popups and nested dialogs may reveal further ones
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        for widget in QApplication.topLevelWidgets():
            if widget is keep:
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            widget.close()
            widget.hide()
