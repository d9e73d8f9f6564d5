"""Run slow work (unlock KDF, store creation) off the GUI thread.

One helper for the whole GUI: ``run_in_background(fn, on_success, on_failure)``. The callable
runs in the global ``QThreadPool``; its result or exception comes back on the GUI thread through
a queued signal, so callbacks may touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("keyworker.gui.worker")

_pending: set[_Relay] = set()  # keeps relays alive until their result is delivered


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


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
