"""Run slow work off the GUI thread.

``run_in_background(fn, on_success, on_failure)`` is for work that touches no open store
(unlock KDF, store creation, rendering and writing a file): the callable runs in the global
``QThreadPool``; its result or exception comes back on the GUI thread through a queued signal,
so callbacks may touch widgets. ``StoreWork.run`` is for whole-store work: on the session's
background connection, one job at a time, with progress, cancel, and a stop before a lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from keyworker_app.domain.progress import OperationCancelled, Progress

log = logging.getLogger("keyworker.gui.worker")

_pending: set[_Relay] = set()  # keeps relays alive until their result is delivered


PROGRESS_EVERY = 0.05  # seconds between progress updates a job sends
SHOW_AFTER_MS = 300  # quick work finishes without a dialog flashing up
STOP_WAIT_MS = 5000


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread as is
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


def run_in_background(
    fn: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[BaseException], None],
    pool: QThreadPool | None = None,
) -> None:
    """Run ``fn()`` on a worker thread; call one of the callbacks on the GUI thread."""
    relay = _Relay()
    _pending.add(relay)

    def done_ok(result: object) -> None:
        _pending.discard(relay)
        on_success(result)

    def done_failed(exc: object) -> None:
        _pending.discard(relay)
        assert isinstance(exc, BaseException)
        on_failure(exc)

    relay.succeeded.connect(done_ok)
    relay.failed.connect(done_failed)
    (pool or QThreadPool.globalInstance()).start(_Job(fn, relay))


class _Stop(Progress):
    """The ``Progress`` a job sees: counts go to the GUI, a stop raises inside the job."""

    def __init__(self, relay: _Relay) -> None:
        self._relay = relay
        self._stopped = threading.Event()
        self._last = 0.0
        self.dropped = False  # a lock stopped it: nothing at all is delivered

    def stop(self) -> None:
        self._stopped.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def step(self, done: int, total: int) -> None:
        if self._stopped.is_set():
            raise OperationCancelled()
        time.sleep(0)  # hand the interpreter to the GUI thread between families
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY or done >= total:  # not a signal per family
            self._last = now
            self._relay.progressed.emit(done, total)


class StoreWork(QObject):
    """Whole-store work (the PbR claim, a subject-access pack, ...) on its own worker thread,
    one job at a time, against the session's background connection, with a progress dialog
    that can cancel it. A lock calls ``stop_all`` first: every job is told to stop, its SQL
    interrupted, and the lock waits (briefly) for it to end, so nothing half-done is left
    and the store closes under no one; what it would have delivered is dropped. Cancel
    stops a job the same way and delivers ``OperationCancelled`` to its failure callback."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # the background connection serves one job at a time
        self._jobs: list[tuple[_Stop, QProgressDialog | None]] = []
        self.interrupt: Callable[[], None] | None = None  # the session's, while unlocked

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def run(self, parent: QWidget, label: str, op: Callable[[Progress], Any],
            on_success: Callable[[Any], None], on_failure: Callable[[BaseException], None],
            *, cancellable: bool = True) -> QProgressDialog:
        """Run ``op(progress)`` on the worker with a progress dialog (shown once it takes
        longer than a moment); Cancel stops it. One callback runs on the GUI thread after,
        unless a lock stopped the work (Cancel delivers ``OperationCancelled``)."""
        dialog = QProgressDialog(label, "&Cancel" if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle(label.rstrip("…."))
        dialog.setAccessibleName(label.rstrip("…."))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(SHOW_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        stop = self._start(op, on_success, on_failure, dialog)
        dialog.canceled.connect(lambda: self._stop(stop))
        return dialog

    def run_quietly(self, op: Callable[[Progress], Any], on_success: Callable[[Any], None],
                    on_failure: Callable[[BaseException], None]) -> None:
        """Background work the page shows its own progress for (the caseload's criteria)."""
        self._start(op, on_success, on_failure, None)

    def _start(self, op: Callable[[Progress], Any], on_success: Callable[[Any], None],
               on_failure: Callable[[BaseException], None],
               dialog: QProgressDialog | None) -> _Stop:
        relay = _Relay()
        _pending.add(relay)
        stop = _Stop(relay)
        entry = (stop, dialog)
        self._jobs.append(entry)

        def progressed(done: int, total: int) -> None:
            if not stop.stopped and dialog is not None and shiboken6.isValid(dialog):
                dialog.setMaximum(max(total, 1))
                dialog.setValue(min(done, max(total, 1)))

        def finished(outcome: Callable[[], None]) -> None:
            _pending.discard(relay)
            if entry in self._jobs:
                self._jobs.remove(entry)
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.canceled.disconnect()
                dialog.close()
                dialog.deleteLater()
            if not stop.dropped:  # a Cancel is delivered (as OperationCancelled), a lock not
                outcome()

        relay.progressed.connect(progressed)
        relay.succeeded.connect(lambda result: finished(lambda: on_success(result)))
        relay.failed.connect(lambda exc: finished(lambda: on_failure(exc)))
        def guarded() -> Any:
            try:
                return op(stop)
            except Exception:
                if stop.stopped:  # an interrupted statement, say: it was the Cancel
                    raise OperationCancelled() from None
                raise

        self._pool.start(_Job(guarded, relay))
        return stop

    def _stop(self, stop: _Stop) -> None:
        stop.stop()
        if self.interrupt is not None:
            try:
                self.interrupt()
            except Exception as exc:  # the store may be closing already
                log.warning("could not interrupt background work: %s", type(exc).__name__)

    def stop_all(self, wait_ms: int = STOP_WAIT_MS) -> None:
        """Stop every job and wait for the worker to be idle (the lock, before it closes the
        store). A job that outlasts the wait only finds its store closed."""
        for stop, _dialog in list(self._jobs):
            stop.dropped = True
            self._stop(stop)
        if not self._pool.waitForDone(wait_ms):
            log.warning("background work did not stop within %d ms", wait_ms)
        self._jobs.clear()  # stopped: whatever they would have delivered is dropped
