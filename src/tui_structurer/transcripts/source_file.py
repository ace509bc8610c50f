"""Opening a transcript's file: a regular file inside the folder, or the reason it is not.

Only regular files are transcripts. Opening a named pipe blocks until something writes
to it (forever, in a folder of talks), and a device or socket is no text either, so the
kind of file is checked before it is opened and again on the open file. Links are
followed only while they stay inside the folder, and the check holds at the moment of
reading: every folder on the way is opened without following links, so a file or folder
swapped for a link after the check is refused instead of read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
}
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
BLOCK = 1 << 20


class SourceError(OSError):
    """Not a file that may be read as a transcript; ``str()`` is the reason, in words."""

    def __str__(self) -> str:
        return str(self.strerror)


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _not_regular(mode: int) -> SourceError:
    return SourceError(errno.EINVAL, f"not a regular file ({_kind(mode)})")


def _why(path: str, exc: OSError) -> OSError:
    """What a failed look-up of ``path`` means for a user."""
    if exc.errno == errno.ELOOP:
        return SourceError(exc.errno, "a symbolic link that loops")
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return SourceError(exc.errno, "a symbolic link to a file that does not exist")
    if exc.errno == errno.ENOENT:
        return FileNotFoundError(exc.errno, "the file no longer exists", path)
    if exc.errno == errno.EACCES:
        return SourceError(exc.errno, "cannot be read: permission denied")
    if exc.errno == errno.ENOTDIR:
        return SourceError(exc.errno, "the path changed while it was opened")
    return SourceError(exc.errno or errno.EIO, f"cannot be read: {exc.strerror or exc}")


def open_inside(root: Path, relative: str) -> int:
    """A read-only descriptor of the regular file ``root/relative``.

    ``root`` must be a resolved path. Raises :class:`FileNotFoundError` when the file is
    gone and :class:`SourceError` (with the reason) for anything that is not a regular
    file inside ``root``: a pipe, socket or device, a link out of the folder, a link
    that loops or leads nowhere.
    """
    path = os.path.join(root, relative)
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        raise _why(path, exc) from exc
    inside = os.path.relpath(real, root)
    if inside == os.curdir or inside.startswith(os.pardir):
        raise SourceError(errno.EXDEV, "a symbolic link to a file outside the folder")
    *folders, name = inside.split(os.sep)
    dir_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for folder in folders:
            next_fd = os.open(folder, _DIR_FLAGS, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = next_fd
        seen = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if not stat.S_ISREG(seen.st_mode):
            raise _not_regular(seen.st_mode)
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except SourceError:
        raise
    except OSError as exc:
        raise _why(path, exc) from exc
    finally:
        os.close(dir_fd)
    opened = os.fstat(fd)
    if (opened.st_dev, opened.st_ino) != (seen.st_dev, seen.st_ino):
        os.close(fd)
        raise SourceError(errno.EAGAIN, "the file was replaced while it was opened")
    return fd


def open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file (links followed);
    :class:`SourceError` for a pipe, device or socket, which are never opened."""
    try:
        seen = os.stat(path)
        if not stat.S_ISREG(seen.st_mode):
            raise _not_regular(seen.st_mode)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except SourceError:
        raise
    except OSError as exc:
        raise _why(str(path), exc) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SourceError(errno.EAGAIN, "the file was replaced while it was opened")
    return fd


def read_all(fd: int, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of ``fd`` (one more than allowed shows it is too large)."""
    chunks = []
    left = limit + 1
    while left > 0:
        chunk = os.read(fd, min(BLOCK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def hash_fd(fd: int) -> str:
    """The sha256 of everything ``fd`` holds, read in blocks."""
    digest = hashlib.sha256()
    while block := os.read(fd, BLOCK):
        digest.update(block)
    return digest.hexdigest()
