"""Find the transcripts in a folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tui_structurer import paths
from tui_structurer.config import Settings
from tui_structurer.library.output_names import MARKER_NAME
from tui_structurer.text.display import printable_path
from tui_structurer.transcripts import SUPPORTED_SUFFIXES
from tui_structurer.transcripts.source_file import (
    SourceError,
    hash_fd,
    open_inside,
    open_regular,
)

IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".swp", "~")
DEFAULT_OUTPUT_DIR = Settings.output_dir
UNDECODABLE_NAME = "the file name is not valid UTF-8: rename the file to use it"


@dataclass(frozen=True, slots=True)
class ScannedFile:
    path: str
    """Relative to the folder, with forward slashes."""
    size: int
    mtime_ns: int
    content_hash: str
    problem: str | None = None
    """Why a transcript-looking name cannot be read as one (a named pipe, a link out of
    the folder, a link that loops…); the store records it as ``failed`` with this reason,
    so ``status`` shows it."""


def file_hash(path: Path) -> str:
    """The sha256 of a regular file (links followed); :class:`OSError` otherwise."""
    fd = open_regular(path)
    try:
        return hash_fd(fd)
    finally:
        os.close(fd)


def is_output_folder(path: Path, root: Path) -> bool:
    """Whether the folder ``path`` holds another tui-structurer folder's outputs: it has
    the marker every output folder gets, or it is the default output folder next to a
    sub-folder's state (outputs written before markers existed)."""
    if (path / MARKER_NAME).exists():
        return True
    parent = path.parent
    return (
        path.name == DEFAULT_OUTPUT_DIR
        and parent != root
        and (parent / paths.STATE_DIR_NAME).is_dir()
    )


def is_candidate_name(name: str) -> bool:
    """Transcript-looking names; hidden and temporary names are not."""
    if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
        return False
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def _look_at(
    root: Path, relative: str, known: dict[str, tuple[int, int, str]]
) -> ScannedFile | None:
    """``relative`` as the store should see it; None when it is gone."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:  # the store keeps names as text: show it, escaped
        return ScannedFile(printable_path(relative), 0, 0, "", UNDECODABLE_NAME)
    try:
        fd = open_inside(root, relative)
    except FileNotFoundError:
        return None
    except SourceError as exc:
        return ScannedFile(relative, 0, 0, "", str(exc))
    try:
        info = os.fstat(fd)
        previous = known.get(relative)
        if previous and previous[2] and previous[:2] == (info.st_size, info.st_mtime_ns):
            digest = previous[2]  # unchanged since the last scan: not read again
        else:
            digest = hash_fd(fd)
    except OSError as exc:
        return ScannedFile(relative, 0, 0, "", f"cannot be read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    return ScannedFile(relative, info.st_size, info.st_mtime_ns, digest)


def scan_file(folder: Path, relative: str) -> ScannedFile | None:
    """One file, as :func:`scan` would list it; None if it is gone or not a transcript."""
    if not is_candidate_name(Path(relative).name):
        return None
    return _look_at(folder.resolve(), relative, {})


def scan(
    folder: Path,
    excluded: list[Path],
    known: dict[str, tuple[int, int, str]] | None = None,
) -> list[ScannedFile]:
    """Every transcript under ``folder``, skipping ``excluded`` folders (state, output)
    and the output folders of tui-structurer folders inside it.

    ``known`` maps paths to ``(size, mtime_ns, hash)`` from the store: an unchanged file
    is not read again, so reopening a folder of thousands of talks stays quick. Only
    regular files inside the folder are read; any other transcript-looking name is
    listed with the reason it cannot be used.
    """
    root = folder.resolve()
    skip = [os.path.realpath(p) for p in excluded]  # realpath: a looping link is no error
    known = known or {}
    found: list[ScannedFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".")
            and os.path.realpath(here / d) not in skip
            and not is_output_folder(here / d, root)
        )
        for name in sorted(filenames):
            if is_candidate_name(name):
                seen = _look_at(root, (here / name).relative_to(root).as_posix(), known)
                if seen is not None:
                    found.append(seen)
    return found
