"""The one change signal: what each committed operation wrote, broadcast once to every page.

The session tells ``ChangeBroadcast.accept`` after every commit (from whichever thread made
it). Commits arriving in the same turn of the event loop — a save followed by its audit, or
the rows of one user action — are merged and sent once, on the GUI thread, as
``changed(Changes, initiator)``. Each page looks at the ``Changes`` and refreshes only if they
name what it shows (Anki's ``OpChanges`` and ``operation_did_execute`` are the model).

``initiator`` is the page that made the change, when it said so with ``initiated_by``: it has
already shown the result and need not read it again. Nothing is sent while the store is
locked (``stop``): the pages are empty then, and must stay so.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from keyworker_app.domain.changes import Changes

log = logging.getLogger("keyworker.gui.changes")


class ChangeBroadcast(QObject):
    changed = Signal(object, object)  # Changes, the initiating page or None
    _arrived = Signal(object, object)  # from any thread, queued to this object's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live = False
        self._initiator: object | None = None
        self._pending: list[tuple[object | None, Changes]] = []
        self._arrived.connect(self._queue, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.flush)

    # -- the session's side --------------------------------------------------------------
    def start(self) -> None:
        """A session is open: pass changes on."""
        self._live = True

    def stop(self) -> None:
        """The store is locking: drop what has not been sent, send nothing more."""
        self._live = False
        self._pending = []
        self._timer.stop()

    def accept(self, changes: Changes) -> None:
        """The session's listener; safe to call from a worker thread."""
        self._arrived.emit(changes, self._initiator)

    # -- the pages' side -----------------------------------------------------------------
    @contextlib.contextmanager
    def initiated_by(self, page: object) -> Iterator[None]:
        """Changes committed (on the GUI thread) inside this block are ``page``'s own."""
        previous, self._initiator = self._initiator, page
        try:
            yield
        finally:
            self._initiator = previous

    def _queue(self, changes: object, initiator: object) -> None:
        if not self._live or not isinstance(changes, Changes) or changes.only_drafts:
            return
        for i, (who, pending) in enumerate(self._pending):
            if who is initiator:
                self._pending[i] = (who, pending | changes)
                break
        else:
            self._pending.append((initiator, changes))
        self._timer.start()

    def flush(self) -> None:
        """Send what has arrived (tests may call it to skip the wait for the next turn)."""
        pending, self._pending = self._pending, []
        for initiator, changes in pending:
            if not self._live:
                return
            log.debug("changes: %s for %d families", sorted(k.value for k in changes.kinds),
                      len(changes.families))
            self.changed.emit(changes, initiator)
