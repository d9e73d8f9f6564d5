"""Start the desktop app: ``run_app(store, settings)`` is called by the composition root."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QThreadPool
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from keyworker_app.domain.policy import Policy
from keyworker_app.gui.accessible import readable_palette
from keyworker_app.gui.capture import CaptureGuard
from keyworker_app.gui.errors import install_excepthook
from keyworker_app.gui.lock import LockSettings
from keyworker_app.gui.lock_screen import PRODUCT_NAME
from keyworker_app.gui.main_window import MainWindow
from keyworker_app.gui.system_idle import system_idle_source
from keyworker_app.resources import resource_path
from keyworker_app.services.about import AboutInfo
from keyworker_app.services.api import CaseStoreService

log = logging.getLogger("keyworker.gui.app")

ICON_SIZES = (16, 32, 48, 64, 128, 256)
EXIT_WAIT_MS = 30_000  # the longest a background job may delay quitting


def app_icon() -> QIcon:
    """The Keyworker icon at every shipped size (window title bars, task switchers)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource_path("icons", f"keyworker-{size}.png")))
    return icon


def run_app(store: CaseStoreService, policy_settings: LockSettings, *,
            partner_names: Sequence[str] = (), argv: Sequence[str] | None = None,
            policy: Policy | None = None, about: AboutInfo | None = None) -> int:
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
    # The desktop's light or dark palette, with any text colour below 4.5:1 made readable.
    app.setPalette(readable_palette(app.palette()))
    app.setQuitOnLastWindowClosed(True)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("keyworker")  # matches resources/linux/keyworker.desktop
    capture = CaptureGuard(policy_settings.screen_capture_protection, app)
    app.installEventFilter(capture)
    window = MainWindow(store, policy_settings, partner_names=partner_names,
                        system_idle=system_idle_source(), policy=policy, about=about)
    window.lock.install(app)
    install_excepthook(window)
    window.start()
    window.show()
    code = app.exec()
    # Work still running (such as the page check after unlock) ends before the interpreter
    # does, so its connection and key copy are closed by it and nothing is left mid-write.
    QThreadPool.globalInstance().waitForDone(EXIT_WAIT_MS)
    return code
