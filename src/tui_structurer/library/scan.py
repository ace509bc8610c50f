"""Find the transcripts in a folder."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from tui_structurer.transcripts import SUPPORTED_SUFFIXES

IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".swp", "~")


@dataclass(frozen=True, slots=True)
class ScannedFile:
    path: str
    """Relative to the folder, with forward slashes."""
    size: int
    mtime_ns: int
    content_hash: str


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_candidate_name(name: str) -> bool:
    """Transcript-looking names; hidden and temporary names are not."""
    if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
        return False
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def scan_file(folder: Path, relative: str) -> ScannedFile | None:
    """One file, as :func:`scan` would list it; None if it is gone or not a transcript."""
    root = folder.resolve()
    path = root / relative
    if not is_candidate_name(path.name) or not path.is_file():
        return None
    if path.is_symlink() and not _inside(path.resolve(), root):
        return None
    try:
        stat = path.stat()
        digest = file_hash(path)
    except OSError:
        return None
    return ScannedFile(relative, stat.st_size, stat.st_mtime_ns, digest)


def scan(
    folder: Path,
    excluded: list[Path],
    known: dict[str, tuple[int, int, str]] | None = None,
) -> list[ScannedFile]:
    """Every transcript under ``folder``, skipping ``excluded`` folders (state, output).

    ``known`` maps paths to ``(size, mtime_ns, hash)`` from the store: an unchanged file
    is not read again, so reopening a folder of thousands of talks stays quick.
    Unreadable files are listed with an empty hash; reading them later gives the reason.
    """
    root = folder.resolve()
    skip = [p.resolve() for p in excluded]
    known = known or {}
    found: list[ScannedFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in skip
        )
        for name in sorted(filenames):
            if not is_candidate_name(name):
                continue
            path = here / name
            if path.is_symlink() and not _inside(path.resolve(), root):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            rel = path.relative_to(root).as_posix()
            previous = known.get(rel)
            if previous and previous[:2] == (stat.st_size, stat.st_mtime_ns):
                digest = previous[2]
            else:
                try:
                    digest = file_hash(path)
                except OSError:
                    digest = ""
            found.append(ScannedFile(rel, stat.st_size, stat.st_mtime_ns, digest))
    return found
