"""The queue's columns: what each shows, how they share the width, how they sort."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui_structurer.library import Status, TranscriptRecord

COLUMNS: tuple[tuple[str, int], ...] = (
    ("status", 9),
    ("words", 7),
    ("likeness", 9),
    ("punct", 6),
    ("attempts", 8),
    ("latest", 34),
    ("path", 0),  # the rest of the width
)
GIVES_WAY = ("latest", "punct", "attempts", "words", "likeness")
"""Columns dropped first when the width is short; status and path always stay. "punct"
(the source's own marks per 100 words) goes as soon as the path would be cut."""
LATEST_MIN = 12
PATH_MIN = 16
PATH_ENOUGH = 28
"""A path this wide names a file well enough: other columns are not dropped beyond it."""
SORT_KEYS: dict[str, Callable[[TranscriptRecord], Any]] = {
    "path": lambda r: r.path,
    "status": lambda r: (list(Status).index(r.status), r.path),
    "words": lambda r: (r.words or 0, r.path),
    "likeness": lambda r: (-1.0 if r.likeness is None else r.likeness, r.path),
    "attempts": lambda r: (r.attempts, r.path),
    "punct": lambda r: (-1.0 if r.punctuation is None else r.punctuation, r.path),
}


def fit_columns(width: int, longest_path: int) -> list[tuple[str, int]]:
    """Column widths for ``width`` cells: the path gets what it needs first (up to its
    longest), the least important columns give way, ``latest`` takes what is left."""
    fixed = {name: size for name, size in COLUMNS if name not in ("latest", "path")}
    dropped: set[str] = set()

    def room() -> int:  # what is left for latest and path, separators counted
        return width - sum(size + 1 for name, size in fixed.items() if name not in dropped)

    if room() < max(longest_path, PATH_MIN) + LATEST_MIN + 1:
        dropped.add("punct")  # a nicety: it never cuts a path
    wanted = min(max(longest_path, PATH_MIN), PATH_ENOUGH)
    for name in GIVES_WAY[2:]:
        if room() >= wanted:
            break
        dropped.add(name)
    path = max(0, min(max(longest_path, PATH_MIN), room()))
    latest = min(34, room() - path - 1)
    if latest < LATEST_MIN:
        dropped.add("latest")
        path = max(0, room())
    sizes = {**fixed, "latest": latest, "path": path}
    return [(name, sizes[name]) for name, _ in COLUMNS if name not in dropped]


def header_line(columns: list[tuple[str, int]], sort_column: str) -> str:
    """Column names, the sorted one marked."""
    names = []
    for name, width in columns:
        title = name.capitalize() + (" ▲" if name == sort_column else "")
        names.append(title[:width].ljust(width))
    return " ".join(names)
