"""Small things the app remembers between sessions (the chosen theme)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from tui_structurer import paths


def load() -> dict[str, Any]:
    try:
        data = json.loads(paths.preferences_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**values: Any) -> None:
    """Merge ``values`` into the saved preferences; failing to save is not an error."""
    data = {**load(), **values}
    file = paths.preferences_file()
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        temp = file.with_suffix(".tmp")
        temp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        temp.replace(file)
