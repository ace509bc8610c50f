from __future__ import annotations

from tui_structurer.cli import main

raise SystemExit(main())
