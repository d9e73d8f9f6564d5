"""The ``keyworker`` command: the desktop app with no arguments, admin tasks otherwise.

A package of command modules over shared helpers (``common``); ``entry`` builds the
parser and runs a command. Passphrases are read without echo; for scripts and tests they
may come from ``--passphrase-file`` or the ``KEYWORKER_PASSPHRASE`` environment variable
(and the ``NEW_``/``RECOVERY_KEY`` counterparts); never put them on the command line.
"""

from __future__ import annotations

from keyworker_app.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
