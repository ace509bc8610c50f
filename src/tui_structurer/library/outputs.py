"""Accepted outputs: where they go and how they are written (atomically)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from tui_structurer.errors import StructurerError


class OutputError(StructurerError):
    """The output file could not be written; nothing was changed."""


def output_path(out_dir: Path, relative: str) -> Path:
    """``out_dir`` mirrors the folder's sub-folders; outputs are Markdown."""
    return (out_dir / relative).with_suffix(".md")


TEMP_SUFFIX = ".tmp"


def remove_stale_temps(out_dir: Path) -> int:
    """Delete temporary files a killed writer left behind; how many there were.

    Only called by the process that holds the folder's lock, so no writer is active.
    """
    removed = 0
    if out_dir.is_dir():
        for temp in out_dir.rglob(f".*{TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
    return removed


def write_atomic(path: Path, text: str) -> str:
    """Write ``text`` to ``path`` so that it is either fully there or not changed.

    The text goes to a temporary file in the same folder, is flushed to disk, and then
    replaces the target in one rename. Returns the sha256 of what was written.
    """
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent
        )
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return hashlib.sha256(data).hexdigest()
