from __future__ import annotations

from tui_structurer.cli.main import main

raise SystemExit(main())
