"""Real small and read-only file systems for the tests (root can mount a tmpfs here)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here (needs root): {done.stderr.strip()}")


@contextmanager
def tmpfs(path: Path, size: str = "1m") -> Iterator[Path]:
    """A ``size`` tmpfs mounted at ``path`` for the duration."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def set_read_only(path: Path, read_only: bool) -> None:
    """Remount the file system mounted at ``path`` read-only or read-write."""
    _mount("-o", f"remount,{'ro' if read_only else 'rw'}", str(path))


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` until it is full; the filler file."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    return filler
