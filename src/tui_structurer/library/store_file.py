"""The state store's file: made whole, checked on every open, backed up, kept private.

The store holds every transcript's text, every attempt and every decision. A damaged or
emptied file is never taken for a new one (that would forget all decisions and let a
later run overwrite work): opening it fails with what is wrong and what to do. A new
store is built under a temporary name and renamed into place, so an empty file can only
mean damage. After a clean check, a copy is kept next to it (at most hourly).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from tui_structurer.errors import RunFatal

DB_NAME = "state.sqlite3"
BACKUP_SUFFIX = ".bak"
BACKUP_EVERY_S = 3600.0
PRIVATE_DIR, PRIVATE_FILE = 0o700, 0o600
"""The store holds the text of every transcript: only its owner may read it."""
_SIDE_FILES = ("-wal", "-shm", BACKUP_SUFFIX)
Initialize = Callable[[sqlite3.Connection], None]
"""Makes the tables of a new store."""


class StoreError(RunFatal):
    """The state store cannot be opened, read or written; the message says what to do."""


def backup_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + BACKUP_SUFFIX)


def _remedies(db_path: Path) -> str:
    state = db_path.parent
    aside = state.with_name(state.name + ".damaged")
    backup = backup_path(db_path)
    q = shlex.quote
    lines = []
    if backup.is_file():
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(backup.stat().st_mtime))
        lines.append(
            f"A copy checked on {when} is at {backup}. To go back to it:\n"
            f"    mv {q(str(state))} {q(str(aside))} && mkdir {q(str(state))} && "
            f"cp {q(str(aside / backup.name))} {q(str(db_path))}"
        )
    lines.append(
        "To start over instead (attempts and decisions are forgotten; outputs already "
        "written stay, and are never overwritten without asking):\n"
        f"    mv {q(str(state))} {q(str(aside))}"
    )
    return "\n".join(lines)


SQLITE_FULL = 13
_DAMAGE_CODES = (11, 26)
"""SQLITE_CORRUPT and SQLITE_NOTADB: the file itself is bad (not a lock or a full disk)."""


def is_damage(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _DAMAGE_CODES


def is_disk_full(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == SQLITE_FULL


def damaged(db_path: Path, what: str) -> StoreError:
    return StoreError(
        f"the state store {db_path} is damaged: {what}. Nothing was changed.\n" + _remedies(db_path)
    )


def make_private(state_dir: Path, db_path: Path) -> None:
    """Tighten a state folder made before stores were private (best effort: a folder
    someone else owns is left as it is)."""
    with contextlib.suppress(OSError):
        os.chmod(state_dir, PRIVATE_DIR)
    for path in (db_path, *(db_path.with_name(db_path.name + s) for s in _SIDE_FILES)):
        with contextlib.suppress(OSError):
            os.chmod(path, PRIVATE_FILE)


def _private_empty_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, PRIVATE_FILE))


def connect(db_path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    return db


def _create(db_path: Path, initialize: Initialize) -> None:
    """A new store, whole before it has its name (SQLite keeps the -wal and -shm files
    it makes as private as the database file)."""
    building = db_path.with_name(db_path.name + ".new")
    for stale in (building, *(building.with_name(building.name + s) for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    _private_empty_file(building)
    db = connect(building)
    try:
        initialize(db)
    finally:
        db.close()
    os.replace(building, db_path)


def open_store(db_path: Path, initialize: Initialize) -> tuple[sqlite3.Connection, bool]:
    """A connection to the checked store at ``db_path``, made with ``initialize`` when
    there is none, and whether it was just made; :class:`StoreError` when it is damaged,
    empty or went missing."""
    created = False
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        if not db_path.exists():
            if backup_path(db_path).exists():
                raise StoreError(
                    f"the state store {db_path} is missing, but a copy of it is there.\n"
                    + _remedies(db_path)
                )
            _create(db_path, initialize)
            created = True
        elif db_path.stat().st_size == 0:
            raise damaged(db_path, "it is empty (0 bytes), it was truncated")
        db = connect(db_path)
    except sqlite3.Error as exc:
        if is_damage(exc):
            raise damaged(db_path, str(exc)) from exc
        raise StoreError(f"cannot open the state store {db_path}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot open the state store {db_path}: {exc}") from exc
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.Error as exc:
        db.close()
        if is_damage(exc):
            raise damaged(db_path, str(exc)) from exc
        raise StoreError(f"cannot check the state store {db_path}: {exc}") from exc
    if problems != ["ok"]:
        db.close()
        raise damaged(db_path, "; ".join(problems))
    return db, created


def back_up(db: sqlite3.Connection, db_path: Path) -> None:
    """Copy the (just checked) store next to itself, unless a copy is recent. A copy
    that cannot be made (a full disk) leaves the last one as it was: the work goes on,
    and the store itself reports a full disk when it next writes."""
    backup = backup_path(db_path)
    with contextlib.suppress(FileNotFoundError):
        if time.time() - backup.stat().st_mtime < BACKUP_EVERY_S:
            return
    copying = backup.with_name(backup.name + ".new")
    try:
        _private_empty_file(copying)
        target = sqlite3.connect(copying)
        try:
            db.backup(target)
        finally:
            target.close()
        os.replace(copying, backup)
    except (sqlite3.Error, OSError):
        with contextlib.suppress(OSError):
            copying.unlink(missing_ok=True)
