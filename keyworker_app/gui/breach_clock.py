"""The 72-hour clock of an open serious breach, in the status bar until the regulator is told
(or a decision not to report is recorded): seen whatever page is open (ISA §12)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

from keyworker_app.domain.breach import ReportingState, hours_left, reporting_state
from keyworker_app.domain.dates import format_datetime
from keyworker_app.domain.policy import Policy
from keyworker_app.domain.wording import plural
from keyworker_app.errors import UserFacingError
from keyworker_app.services.api import Session

log = logging.getLogger("keyworker.gui.breach_clock")

TICK_MS = 60_000  # the clock shows minutes


def clock_line(hours: float, deadline: datetime, overdue: bool, others: int) -> str:
    if overdue:
        text = (f"Serious breach: the regulator deadline passed {int(-hours)} h ago "
                f"({format_datetime(deadline)}). Programme → Breach records.")
    else:
        text = (f"Serious breach: {int(hours)} h {int(hours * 60) % 60:02d} min left to tell "
                f"the regulator (by {format_datetime(deadline)}). Programme → Breach records.")
    if others:
        text += f" {plural(others, 'other breach')} also waiting."
    return text


class BreachClock(QObject):
    def __init__(self, label: QLabel, now: Callable[[], datetime],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.label.setObjectName("breachClock")
        self.label.hide()
        self._now = now
        self._read: Callable[[], list[tuple[float, datetime, bool]]] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.refresh)

    @classmethod
    def in_status_bar(cls, window: QMainWindow, now: Callable[[], datetime]) -> BreachClock:
        label = QLabel()
        window.statusBar().addPermanentWidget(label)
        return cls(label, now, window)

    def start(self, session: Session, policy: Policy) -> None:
        from keyworker_app.domain.breach import regulator_deadline

        def read() -> list[tuple[float, datetime, bool]]:
            now = self._now()
            waiting = []
            for breach in session.programme(policy).rights.breaches():
                state = reporting_state(breach, policy, now)
                if state in (ReportingState.CLOCK_RUNNING, ReportingState.OVERDUE):
                    waiting.append((hours_left(breach, policy, now),
                                    regulator_deadline(breach, policy),
                                    state is ReportingState.OVERDUE))
            return sorted(waiting)

        self._read = read
        self.refresh()
        self._timer.start()

    def refresh(self) -> None:
        if self._read is None:
            return
        try:
            waiting = self._read()
        except UserFacingError as exc:
            log.info("breach clock not read: %s", type(exc).__name__)
            return
        if not waiting:
            self.label.clear()
            self.label.hide()
            return
        hours, deadline, overdue = waiting[0]  # the most urgent
        self.label.setText(clock_line(hours, deadline, overdue, len(waiting) - 1))
        self.label.show()

    def stop(self) -> None:
        self._timer.stop()
        self._read = None
        self.label.clear()
        self.label.hide()
