"""Writing outputs: atomically, through no link, and over nothing the tool must keep.

Every folder on the way is opened relative to the one before it without following
links, and the file is written and renamed relative to its folder's descriptor: a link
put in place of a folder or of the file, even while the tool runs, is refused instead
of followed out of the output folder.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tui_structurer.errors import StructurerError
from tui_structurer.library.output_names import (
    MARKER_NAME,
    MARKER_TEXT,
    TEMP_PREFIX,
    TEMP_SUFFIX,
)
from tui_structurer.transcripts.source_file import hash_fd

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_TEMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_"
NEW_FILE_MODE = 0o666
"""Outputs are the user's files: their permissions follow the umask like any other."""


class OutputError(StructurerError):
    """The output file could not be written; nothing was changed."""


class ForeignOutputError(OutputError):
    """A file the tool did not write (or wrote for another transcript) is where the
    output would go; it was left as it is."""

    def __init__(self, target: Path, owner: str | None):
        self.target = target
        self.owner = owner
        if owner is None:
            what = "was not written by tui-structurer (edited by hand or by another program)"
        else:
            what = f"is the accepted output of {owner}"
        super().__init__(
            f"{target} already exists and {what}; it was left as it is. Move it away, or "
            "accept again and choose to replace it"
        )


class PlacementError(OutputError):
    """The output folder asked for is one the tool must not write into."""


@dataclass(frozen=True, slots=True)
class OutputFolder:
    """The output folder: ``base``, a real folder, and the folders below it that are
    opened (or made) without following links."""

    base: Path
    below: tuple[str, ...]

    @property
    def path(self) -> Path:
        return self.base.joinpath(*self.below)

    @classmethod
    def place(cls, root: Path, out: Path) -> OutputFolder:
        """Where ``out`` (absolute, or relative to the transcript folder ``root``, a
        resolved path) puts outputs; :class:`PlacementError` when it must not be used.

        Inside ``root`` no part of it may be a link, since a link would carry outputs
        (and the removal of temporary files) somewhere else. A folder outside ``root`` is
        the user's own choice and is taken as it resolves. Either way it must not be
        ``root`` itself or a folder above it, where an output could land on a source.
        """
        lexical = Path(os.path.normpath(out if out.is_absolute() else root / out))
        if not _within(lexical, root) and _within(Path(os.path.realpath(lexical)), root):
            lexical = Path(os.path.realpath(lexical))  # reached through a link from outside
        if _within(lexical, root):
            below = lexical.relative_to(root).parts
            for depth in range(1, len(below) + 1):
                step = root.joinpath(*below[:depth])
                if step.is_symlink():
                    raise PlacementError(
                        f"the output folder {lexical} goes through the symbolic link {step}; "
                        "outputs are never written through links: remove the link or "
                        "choose another output folder with --out"
                    )
            placed = cls(root, below)
        else:
            placed = cls(Path(os.path.realpath(lexical)), ())
        if placed.path == root or placed.path in root.parents:
            raise PlacementError(
                f"the output folder {placed.path} is the transcript folder or a folder above "
                "it: outputs could overwrite the originals. Choose another output folder "
                "with --out (the default is FOLDER/structured)"
            )
        return placed


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _describe(path: Path) -> str:
    if path.is_symlink():
        return "it is a symbolic link, and outputs are never written through links"
    return "it is not a folder"


def _step_into(dir_fd: int, name: str, where: Path, create: bool) -> int | None:
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o777, dir_fd=dir_fd)
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        if create:
            raise
        return None
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise OutputError(f"cannot write to {where}: {_describe(where)}") from exc
        raise


def _walk(fd: int, names: Sequence[str], where: Path, create: bool) -> tuple[int | None, Path]:
    """Step from the folder ``fd`` (which is closed) down through ``names``."""
    current: int | None = fd
    for name in names:
        where = where / name
        assert current is not None
        try:
            inner = _step_into(current, name, where, create)
        finally:
            os.close(current)
        current = inner
        if current is None:
            break
    return current, where


@contextmanager
def _opened(
    folder: OutputFolder, sub: Sequence[str], create: bool, marked: bool = True
) -> Iterator[int | None]:
    """A descriptor of ``folder``/``sub``; None when it does not exist and ``create`` is
    false. Creating also leaves the marker in the output folder, if ``marked``."""
    if create:
        folder.base.mkdir(parents=True, exist_ok=True)
    try:
        base = os.open(folder.base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except FileNotFoundError:
        if create:
            raise
        yield None
        return
    fd, where = _walk(base, folder.below, folder.base, create)
    if fd is not None:
        if create and marked:
            _mark(fd)
        fd, where = _walk(fd, sub, where, create)
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _mark(dir_fd: int) -> None:
    """Leave the output-folder marker (once; an existing one is kept as it is). It is a
    courtesy to later scans: a marker that cannot be written stops no output."""
    try:
        fd = os.open(MARKER_NAME, _NEW_FILE_FLAGS, NEW_FILE_MODE, dir_fd=dir_fd)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.write(fd, MARKER_TEXT.encode())
    os.close(fd)


def _existing_hash(dir_fd: int, name: str, target: Path) -> str | None:
    """The sha256 of the regular file ``name``; None when there is none. A link or any
    other kind of file in its place is refused."""
    try:
        seen = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(seen.st_mode):
        raise OutputError(
            f"{target} is a symbolic link; outputs are never written through links: "
            "remove the link to accept"
        )
    if not stat.S_ISREG(seen.st_mode):
        raise OutputError(f"{target} exists and is not a regular file")
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    try:
        return hash_fd(fd)
    finally:
        os.close(fd)


def output_hash(folder: OutputFolder, relative: str) -> str | None:
    """The sha256 of the output file ``relative`` as it is on disk; None when there is
    none (or it cannot be reached without following a link)."""
    parts = PurePosixPath(relative).parts
    try:
        with _opened(folder, parts[:-1], create=False) as fd:
            return None if fd is None else _existing_hash(fd, parts[-1], folder.path / relative)
    except (OSError, OutputError):  # a file or a link in the way: no output there
        return None


def _temp_name() -> str:
    """One of the tool's own temporary names (the only files it ever removes)."""
    return f"{TEMP_PREFIX}{''.join(secrets.choice(_TEMP_CHARS) for _ in range(8))}{TEMP_SUFFIX}"


def _new_temp(dir_fd: int) -> tuple[str, int]:
    while True:
        name = _temp_name()
        try:
            return name, os.open(name, _NEW_FILE_FLAGS, NEW_FILE_MODE, dir_fd=dir_fd)
        except FileExistsError:
            continue


def write_output(
    folder: OutputFolder,
    relative: str,
    data: bytes,
    approve: Callable[[str], None],
    marked: bool = True,
) -> str:
    """Write ``data`` to ``folder``/``relative`` so that it is either fully there or not
    changed; returns its sha256 (see :func:`write_outputs`)."""
    (digest,) = write_outputs(folder, [(relative, data)], lambda _, h: approve(h), marked)
    return digest


def write_outputs(
    folder: OutputFolder,
    files: Sequence[tuple[str, bytes]],
    approve: Callable[[str, str], None],
    marked: bool = True,
) -> list[str]:
    """Write every ``(relative, data)`` into ``folder``, all of them or none; returns
    their sha256s. The output folder gets the marker unless not ``marked``.

    A file already at a place is hashed and passed to ``approve(relative, hash)``,
    which raises to keep it (then nothing is written). Each text goes to a temporary
    file beside its target and is flushed to disk; only then are the targets replaced,
    one rename each, and if one of those fails the ones already replaced get their
    earlier content back (kept as a hard link until the end).
    """
    digests = [hashlib.sha256(data).hexdigest() for _, data in files]
    with contextlib.ExitStack() as stack:
        staged: list[tuple[int, str, str, str | None]] = []
        """(folder fd, target name, temporary name, name of the kept earlier file)"""
        try:
            for relative, data in files:
                parts = PurePosixPath(relative).parts
                target = folder.path / relative
                dir_fd = stack.enter_context(_opened(folder, parts[:-1], True, marked))
                assert dir_fd is not None
                existing = _existing_hash(dir_fd, parts[-1], target)
                if existing is not None:
                    approve(relative, existing)
                temp = _staged_temp(dir_fd, data)
                kept = _kept_copy(dir_fd, parts[-1]) if existing is not None else None
                staged.append((dir_fd, parts[-1], temp, kept))
            done = 0
            try:
                for dir_fd, name, temp, _ in staged:
                    os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                    done += 1
            except OSError:
                _restore(staged[:done])
                raise
        except OutputError:
            _discard(staged)
            raise
        except OSError as exc:
            _discard(staged)
            raise OutputError(f"cannot write the outputs: {exc.strerror or exc}") from exc
        _discard([(fd, name, temp, kept) for fd, name, temp, kept in staged], temps=False)
        for dir_fd, *_ in staged:
            with contextlib.suppress(OSError):
                os.fsync(dir_fd)
    return digests


def _staged_temp(dir_fd: int, data: bytes) -> str:
    """A temporary file holding ``data``, flushed to disk; its name."""
    temp, fd = _new_temp(dir_fd)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise
    os.close(fd)
    return temp


def _kept_copy(dir_fd: int, name: str) -> str:
    """A second name for the file now at ``name`` (one of the tool's temporary names,
    removed on the next open if the process dies), so it can be put back."""
    while True:
        temp = _temp_name()
        try:
            os.link(name, temp, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
            return temp
        except FileExistsError:
            continue


def _restore(replaced: Sequence[tuple[int, str, str, str | None]]) -> None:
    """Put back what the first renames replaced (or remove what they created)."""
    for dir_fd, name, _, kept in replaced:
        with contextlib.suppress(OSError):
            if kept is None:
                os.unlink(name, dir_fd=dir_fd)
            else:
                os.replace(kept, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def _discard(staged: Sequence[tuple[int, str, str, str | None]], temps: bool = True) -> None:
    """Remove the temporary files (the new texts unless renamed, and the kept copies)."""
    for dir_fd, _, temp, kept in staged:
        for name in ([temp] if temps else []) + ([kept] if kept else []):
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)


def write_atomic(path: Path, text: str) -> str:
    """Write ``text`` to ``path`` atomically, replacing what is there (for files that
    are the tool's own by construction, like ``eval --save``, which are no accepted
    outputs and get no marker); returns its sha256."""
    folder = OutputFolder(path.parent, ())
    return write_output(folder, path.name, text.encode(), lambda _: None, marked=False)
