from keyworker_app.cli import main

raise SystemExit(main())
