"""Progress of whole-store work, and stopping it.

A service doing something to every family (the PbR claim, criteria for the caseload, a
subject-access pack, an import, a backup) calls ``progress.step(done, total)`` between
families. The GUI's worker helper passes a ``Progress`` that shows the count and raises
``OperationCancelled`` once the user pressed Cancel or the screen locked; the command line
passes ``NO_PROGRESS``. A cancelled operation changes nothing: it is either read-only, or its
one transaction rolls back.
"""

from __future__ import annotations

from typing import Protocol

from keyworker_app.errors import UserFacingError


class OperationCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("The work was stopped before it finished; nothing was changed.",
                         "Start it again when you are ready.")


class Progress(Protocol):
    def step(self, done: int, total: int) -> None:
        """``done`` of ``total`` finished; raises ``OperationCancelled`` when stopped."""
        ...


class _NoProgress:
    def step(self, done: int, total: int) -> None:
        return None


NO_PROGRESS: Progress = _NoProgress()
