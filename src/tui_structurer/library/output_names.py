"""Outputs' names, and the only files of an output folder the tool ever removes.

Every source has its own output, decided by its name alone: ``talk.txt`` gives
``talk.md``; any other name keeps its suffix and adds ``.md`` (``talk.srt.md``,
``talk.md.md``), so sources side by side never share an output.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path, PurePosixPath

from tui_structurer.transcripts import SUPPORTED_SUFFIXES

TEMP_PREFIX = ".tui-structurer-"
TEMP_SUFFIX = ".tmp"
TEMP_NAME = re.compile(r"\.tui-structurer-[a-z0-9_]{8}\.tmp")
"""The tool's own temporary files, and the only files it ever removes: a short fixed
name (a long source name cannot make it too long) that no other program makes."""
MARKER_NAME = ".tui-structurer-output"
"""Written into every output folder, so a scan of a folder above it (a parent folder
opened later) knows these are outputs, not transcripts."""
MARKER_TEXT = (
    "This folder holds text written by tui-structurer (accepted outputs). A folder above\n"
    "it that is opened with tui-structurer skips this folder instead of reading the\n"
    "outputs as new transcripts.\n"
)


def output_name(relative: str) -> str:
    """The output's path inside the output folder for the source ``relative``."""
    path = PurePosixPath(relative)
    stem_suffix = PurePosixPath(path.stem).suffix.lower()
    if path.suffix == ".txt" and stem_suffix not in SUPPORTED_SUFFIXES:
        return path.with_suffix(".md").as_posix()
    # "talk.md.txt" must not give "talk.md.md", the output of "talk.md"
    return relative + ".md"


def remove_stale_temps(out_dir: Path) -> int:
    """Delete the temporary files a killed writer left behind; how many there were.

    Only regular files named as :data:`TEMP_NAME` are removed; links are not followed
    and hidden folders are not entered. Only called by the process that holds the
    folder's lock, so no writer is active.
    """
    removed = 0
    for dirpath, dirnames, filenames in os.walk(out_dir, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = os.path.join(dirpath, name)
            with contextlib.suppress(OSError):
                if TEMP_NAME.fullmatch(name) and stat.S_ISREG(os.lstat(path).st_mode):
                    os.unlink(path)
                    removed += 1
    return removed
