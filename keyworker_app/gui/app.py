"""Start the desktop app: ``run_app(store, settings)`` is called by the composition root."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from keyworker_app.domain.policy import Policy
from keyworker_app.gui.capture import CaptureGuard
from keyworker_app.gui.errors import install_excepthook
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.lock_screen import PRODUCT_NAME
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.system_idle import system_idle_source
from keyworker_app.services.api import CaseStoreService

log = logging.getLogger("keyworker.gui.app")


def run_app(store: CaseStoreService, policy_settings: LockSettings, *,
            partner_names: Sequence[str] = (), argv: Sequence[str] | None = None,
            policy: Policy | None = None) -> int:
    """Create the application and main window, and run until the user quits.

    Qt 6 scales for high-DPI screens by default and takes the OS light/dark palette, so
    nothing here overrides either.
    """
    QCoreApplication.setApplicationName(PRODUCT_NAME)
    QCoreApplication.setOrganizationName(PRODUCT_NAME)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        list(argv if argv is not None else sys.argv))
    app.setApplicationDisplayName(PRODUCT_NAME)
    app.setQuitOnLastWindowClosed(True)
    capture = CaptureGuard(policy_settings.screen_capture_protection, app)
    app.installEventFilter(capture)
    window = MainWindow(store, policy_settings, partner_names=partner_names,
                        system_idle=system_idle_source(), policy=policy)
    window.lock.install(app)
    install_excepthook(window)
    window.start()
    window.show()
    return app.exec()
