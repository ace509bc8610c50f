"""Config errors that point at a file, a key and a line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from tui_structurer.errors import UsageError


class ConfigError(UsageError):
    """A problem in a config file, reported before anything runs."""

    def __init__(self, file: Path | None, key: str, message: str, line: int | None = None):
        self.file = file
        self.key = key
        self.line = line
        self.message = message
        where = str(file) if file else "config"
        if line:
            where += f":{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a close match exists, else ''."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{matches[0]}"?)' if matches else ""


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def find_line(text: str, table: str, key: str | None, occurrence: int = 0) -> int | None:
    """Line (1-based) where ``key`` is set in ``[table]`` (or the header when key is None).

    ``occurrence`` picks the n-th ``[[table]]`` of an array of tables. This reads the
    usual one-table-per-header layout; anything else reports the table's header line.
    """
    current: str | None = "" if table == "" else None
    seen = -1
    header_line: int | None = None
    key_pattern = re.compile(rf'^\s*["\']?{re.escape(key)}["\']?\s*=') if key else None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(1).replace('"', "").replace("'", "")
            if name == table:
                seen += 1
                current = table if seen == occurrence else None
                if current is not None:
                    header_line = number
            else:
                current = None
            continue
        if current is not None and key_pattern and key_pattern.match(line):
            return number
    return header_line
