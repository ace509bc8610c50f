"""Watch a folder for transcripts dropped in, renamed, moved or deleted (watchdog).

A new or changed file is handed on only once it is *stable*: its size and mtime did not
change for the quiet period and it can be read, so a file still being copied is never
processed half-written. Hidden and temporary names are ignored until they are renamed to
a real one; the state and output folders (this folder's and those of tui-structurer
folders inside it) are never watched as input.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from tui_structurer.library.scan import is_candidate_name, is_output_folder
from tui_structurer.transcripts.source_file import SourceError, open_regular

SHUTDOWN_NOISE = "called when the thread is inactive"
"""What watchdog's inotify emitter logs as an error when an event arrives while the
observer stops: harmless, and printed on the terminal after the app has closed."""


def _not_shutdown_noise(record: logging.LogRecord) -> bool:
    return SHUTDOWN_NOISE not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_not_shutdown_noise)

DEFAULT_QUIET_S = 2.0
SETTLE_TICK_S = 0.25
MAX_HOLD_FACTOR = 5
"""A stable file waits at most this many quiet periods for the rest of its drop."""


@dataclass
class _Settling:
    size: int
    mtime_ns: int
    changed_at: float


@dataclass(frozen=True)
class WatchCallbacks:
    ready: Callable[[list[str]], None]
    """Stable new or changed transcripts, relative paths in order."""
    moved: Callable[[str, str, bool], None]
    """Old path, new path, whether it is a folder."""
    deleted: Callable[[str], None]


class FolderWatcher(FileSystemEventHandler):
    def __init__(
        self,
        root: Path,
        excluded: list[Path],
        callbacks: WatchCallbacks,
        quiet_s: float = DEFAULT_QUIET_S,
    ):
        self.root = root.resolve()
        self.excluded = [Path(os.path.realpath(p)) for p in excluded]
        self.callbacks = callbacks
        self.quiet_s = quiet_s
        self._settling: dict[str, _Settling | None] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self._settler = threading.Thread(target=self._settle_loop, daemon=True,
                                         name="tui-structurer-settle")  # fmt: skip

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._observer.schedule(self, str(self.root), recursive=True)
        self._observer.start()
        self._settler.start()

    def stop(self) -> None:
        self._stop.set()
        self._observer.stop()
        self._observer.join(timeout=5)
        if self._settler.is_alive():
            self._settler.join(timeout=5)

    # -- events (watchdog's thread) ------------------------------------------------------

    def _relative(self, raw: str | bytes) -> str | None:
        """The path relative to the root, or None when it is outside or excluded."""
        path = Path(raw.decode() if isinstance(raw, bytes) else raw)
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            return None
        absolute = self.root / relative
        if any(absolute == ex or ex in absolute.parents for ex in self.excluded):
            return None
        if any(part.startswith(".") for part in relative.parts):
            return None
        for depth in range(len(relative.parts), 0, -1):
            if is_output_folder(self.root.joinpath(*relative.parts[:depth]), self.root):
                return None
        return relative.as_posix()

    def _track(self, relative: str) -> None:
        if is_candidate_name(Path(relative).name):
            with self._lock:
                self._settling[relative] = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        source = self._relative(event.src_path)
        if kind == "moved":
            target = self._relative(event.dest_path)
            self._on_moved(source, target, event.is_directory)
        elif event.is_directory or source is None:
            return
        elif kind in ("created", "modified", "closed"):
            self._track(source)
        elif kind == "deleted":
            with self._lock:
                self._settling.pop(source, None)
            if is_candidate_name(Path(source).name):
                self.callbacks.deleted(source)

    def _on_moved(self, source: str | None, target: str | None, is_dir: bool) -> None:
        if is_dir:
            if source and target:
                self.callbacks.moved(source, target, True)
            return
        source_ok = source is not None and is_candidate_name(Path(source).name)
        target_ok = target is not None and is_candidate_name(Path(target).name)
        if source_ok and target_ok:
            assert source is not None and target is not None
            self.callbacks.moved(source, target, False)
        elif target_ok:  # "talk.txt.part" -> "talk.txt": a download just finished
            assert target is not None
            self._track(target)
        elif source_ok:  # renamed to a hidden or temporary name: as good as gone
            assert source is not None
            self.callbacks.deleted(source)

    # -- settling (own thread) -----------------------------------------------------------

    def _settle_loop(self) -> None:
        while not self._stop.wait(SETTLE_TICK_S):
            ready = self.settle(time.monotonic())
            if ready:
                self.callbacks.ready(ready)

    def settle(self, now: float) -> list[str]:
        """Paths that have been quiet long enough and can be read; they leave the list.

        While other files of the same drop are still arriving, stable ones wait for them
        (up to :data:`MAX_HOLD_FACTOR` quiet periods), so a burst is queued in path order.
        """
        with self._lock:
            pending = dict(self._settling)
        stable: list[tuple[str, _Settling]] = []
        busy = False
        for relative, seen in pending.items():
            path = self.root / relative
            try:
                stat = _stat(path)
            except OSError:
                with self._lock:
                    self._settling.pop(relative, None)
                continue
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                with self._lock:
                    if relative in self._settling:
                        self._settling[relative] = _Settling(stat.st_size, stat.st_mtime_ns, now)
                busy = True
            elif now - seen.changed_at < self.quiet_s or not _readable(path):
                busy = True
            else:
                stable.append((relative, seen))
        if not stable:
            return []
        oldest = min(seen.changed_at for _, seen in stable)
        if busy and now - oldest < self.quiet_s * MAX_HOLD_FACTOR:
            return []
        ready = []
        with self._lock:
            for relative, seen in stable:
                if self._settling.get(relative) is seen:
                    del self._settling[relative]
                    ready.append(relative)
        return sorted(ready)


def _stat(path: Path) -> os.stat_result:
    """The file's own details, or the link's when it leads nowhere or loops: such a
    name settles like any other and the scan records why it cannot be used."""
    try:
        return path.stat()
    except OSError:
        return path.lstat()


def _readable(path: Path) -> bool:
    """Whether a regular file can be read now. Anything else is ready as it is: a named
    pipe would block the open forever, and the scan says why it is no transcript."""
    try:
        fd = open_regular(path)
    except SourceError:
        return True
    except OSError:
        return False
    try:
        os.read(fd, 1)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True
