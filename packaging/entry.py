"""PyInstaller's entry script: the frozen ``keyworker`` executable is exactly ``keyworker``."""

from keyworker_app.cli import main

raise SystemExit(main())
