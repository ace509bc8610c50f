"""One process works on a folder at a time; a second one is told who holds it."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from tui_structurer.errors import UsageError


class FolderBusyError(UsageError):
    """Another process is already working on this folder."""


class FolderLock:
    """An advisory lock on ``<state dir>/lock``, released when the process ends."""

    def __init__(self, state_dir: Path):
        self.path = state_dir / "lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise FolderBusyError(
                f"another tui-structurer (pid {holder}) is working on this folder; "
                "wait for it to finish or stop it first"
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
            self._fd = None
