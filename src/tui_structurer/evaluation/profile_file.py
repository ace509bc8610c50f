"""Write a few keys into one ``[models.NAME]`` table of a user's ``models.toml``.

The file is edited as text, so comments, order and every other key stay as they were:
an existing key's value is replaced on its line, a missing key goes after the table's
last key, a missing table at the end. The result is parsed back and checked (the named
keys hold the new values, nothing else changed) before it replaces the file atomically.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tui_structurer.errors import RunFatal
from tui_structurer.library.outputs import OutputError, write_atomic

_HEADER = re.compile(r"^\s*\[")


class ProfileFileError(RunFatal):
    """The file could not be updated; it was left as it was."""


def _literal(value: float | int | str) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return repr(round(value, 4))
    return str(value)


def _table_header(name: str) -> re.Pattern[str]:
    quoted = re.escape(name)
    return re.compile(rf'^\s*\[\s*models\s*\.\s*(?:{quoted}|"{quoted}")\s*\]\s*(#.*)?$')


def update_text(text: str, model: str, values: dict[str, float | int | str]) -> str:
    """``text`` with ``values`` set in ``[models.MODEL]``."""
    lines = text.splitlines()
    header = _table_header(model)
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        block = [f"[models.{model}]", *(f"{k} = {_literal(v)}" for k, v in values.items())]
        lead = [""] if lines and lines[-1].strip() else []
        return "\n".join([*lines, *lead, *block]) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    last_key = start
    for key, value in values.items():
        pattern = re.compile(rf"^(\s*{re.escape(key)}\s*=\s*)([^#]*?)(\s*#.*)?$")
        for i in range(start + 1, end):
            match = pattern.match(lines[i])
            if match:
                lines[i] = match.group(1) + _literal(value) + (match.group(3) or "")
                break
        else:
            insert = max(last_key, _last_key_line(lines, start, end)) + 1
            lines.insert(insert, f"{key} = {_literal(value)}")
            end += 1
            last_key = insert
    return "\n".join(lines) + "\n"


def _last_key_line(lines: list[str], start: int, end: int) -> int:
    keys = [i for i in range(start + 1, end) if "=" in lines[i] and lines[i].strip()[:1] != "#"]
    return keys[-1] if keys else start


def write_profile_keys(path: Path, model: str, values: dict[str, float | int | str]) -> None:
    """Set ``values`` in ``[models.MODEL]`` of the TOML file at ``path`` (made if
    missing), keeping everything else; raises :class:`ProfileFileError`."""
    values = {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        before: dict[str, Any] = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileFileError(f"{path} cannot be read as TOML: {exc}") from exc
    updated = update_text(text, model, values)
    try:
        after = tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:  # a layout this editor does not understand
        raise ProfileFileError(f"{path}: the profile could not be updated in place") from exc
    expected = dict(before)
    models = dict(expected.get("models", {}))
    models[model] = {**models.get(model, {}), **values}
    expected["models"] = models
    if after != expected:
        raise ProfileFileError(f"{path}: the profile could not be updated in place")
    try:
        write_atomic(path, updated)
    except OutputError as exc:
        raise ProfileFileError(str(exc)) from exc
