"""The folder watcher on real file-system events (watchdog), and state across renames."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tui_structurer.library import Status
from tui_structurer.library.watcher import FolderWatcher, WatchCallbacks

QUIET = 0.6


class Seen:
    def __init__(self) -> None:
        self.ready: list[str] = []
        self.moved: list[tuple[str, str, bool]] = []
        self.deleted: list[str] = []
        self.lock = threading.Lock()

    def callbacks(self) -> WatchCallbacks:
        def ready(paths: list[str]) -> None:
            with self.lock:
                self.ready.extend(paths)

        def moved(old: str, new: str, is_dir: bool) -> None:
            with self.lock:
                self.moved.append((old, new, is_dir))

        def deleted(path: str) -> None:
            with self.lock:
                self.deleted.append(path)

        return WatchCallbacks(ready, moved, deleted)


def eventually(check: Callable[[], bool], limit: float = 15.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("it did not happen in time")
        time.sleep(0.05)


@pytest.fixture
def watched(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "talks"
    (root / "structured").mkdir(parents=True)
    (root / ".tui-structurer").mkdir()
    seen = Seen()
    watcher = FolderWatcher(
        root, [root / ".tui-structurer", root / "structured"], seen.callbacks(), QUIET
    )
    watcher.start()
    yield root, seen
    watcher.stop()


def test_a_file_still_being_written_waits_until_it_is_stable(watched) -> None:  # type: ignore[no-untyped-def]
    root, seen = watched
    started = time.monotonic()
    with (root / "slow.txt").open("w") as handle:
        for part in range(4):
            handle.write(f"part {part} of a talk being copied slowly ")
            handle.flush()
            time.sleep(0.3)
    finished_writing = time.monotonic()
    eventually(lambda: seen.ready == ["slow.txt"])
    assert time.monotonic() - finished_writing >= QUIET * 0.9
    assert time.monotonic() - started > 1.2 + QUIET * 0.9
    time.sleep(QUIET * 2)
    assert seen.ready == ["slow.txt"]  # once


def test_temporary_hidden_and_own_folders_are_ignored(watched) -> None:  # type: ignore[no-untyped-def]
    root, seen = watched
    for name in ("a.txt.part", "b.txt.tmp", "c.txt.crdownload", "d.txt~", ".hidden.txt"):
        (root / name).write_text("words words words")
    (root / "structured" / "out.md").write_text("an output, not an input")
    (root / ".tui-structurer" / "note.txt").write_text("state")
    (root / "notes.docx").write_text("not a transcript type")
    time.sleep(QUIET * 3)
    assert seen.ready == []
    (root / "a.txt.part").rename(root / "a.txt")  # the download finished
    eventually(lambda: seen.ready == ["a.txt"])


def test_renames_moves_and_deletes(watched) -> None:  # type: ignore[no-untyped-def]
    root, seen = watched
    (root / "one.txt").write_text("first talk")
    eventually(lambda: seen.ready == ["one.txt"])
    (root / "one.txt").rename(root / "uno.txt")
    eventually(lambda: ("one.txt", "uno.txt", False) in seen.moved)
    (root / "season").mkdir()
    (root / "uno.txt").rename(root / "season" / "uno.txt")
    # into a folder created a moment ago, inotify sees a delete and a create;
    # the session matches them by content (see the test below)
    eventually(
        lambda: (
            ("uno.txt", "season/uno.txt", False) in seen.moved
            or ("uno.txt" in seen.deleted and "season/uno.txt" in seen.ready)
        )
    )
    (root / "season").rename(root / "season-1")
    eventually(lambda: ("season", "season-1", True) in seen.moved)
    (root / "season-1" / "uno.txt").unlink()
    eventually(lambda: "season-1/uno.txt" in seen.deleted)


def test_a_burst_of_500_files_is_reported_once_each_in_order(watched) -> None:  # type: ignore[no-untyped-def]
    root, seen = watched
    names = [f"talk-{i:03d}.txt" for i in range(500)]
    for name in reversed(names):
        (root / name).write_text(f"{name} words")
    eventually(lambda: len(seen.ready) >= 500, limit=30)
    time.sleep(QUIET * 2)
    assert seen.ready == names


def test_store_keeps_state_across_rename_and_marks_missing(tmp_path: Path) -> None:
    from ui_seed import open_session, seed_folder

    folder = seed_folder(tmp_path / "talks")
    session = open_session(folder)
    library = session.folder.library
    before = library.get_by_path("alpha.txt")
    assert before is not None and before.status == Status.REVIEW
    assert library.rename("alpha.txt", "renamed/alpha.txt")
    after = library.get_by_path("renamed/alpha.txt")
    assert after is not None
    assert (after.id, after.status, after.attempts) == (before.id, Status.REVIEW, 1)
    assert library.rename_folder("renamed", "moved") == 1
    assert library.get_by_path("moved/alpha.txt") is not None
    library.mark_missing("beta.txt")
    assert library.get_by_path("beta.txt").status == Status.MISSING  # type: ignore[union-attr]
    # a full scan: beta is back (review again), and moved/alpha is not on disk (missing)
    session.folder.refresh()
    assert library.get_by_path("beta.txt").status == Status.REVIEW  # type: ignore[union-attr]
    assert library.get_by_path("moved/alpha.txt").status == Status.MISSING  # type: ignore[union-attr]
    session.close()


def test_session_follows_a_move_seen_as_delete_and_create(tmp_path: Path) -> None:
    from ui_seed import open_session, seed_folder

    folder = seed_folder(tmp_path / "talks")
    session = open_session(folder)
    events: list[object] = []
    session.start_watching(events.append, quiet_s=0.3)
    library = session.folder.library
    original = library.get_by_path("gamma.txt")
    assert original is not None
    (folder / "archive").mkdir()
    (folder / "gamma.txt").rename(folder / "archive" / "gamma.txt")
    eventually(lambda: (r := library.get_by_path("archive/gamma.txt")) is not None
               and r.status == Status.REVIEW)  # fmt: skip
    moved = library.get_by_path("archive/gamma.txt")
    assert moved is not None and moved.id == original.id and moved.attempts == 1
    (folder / "fresh.txt").write_text("a brand new talk about bees")
    eventually(lambda: library.get_by_path("fresh.txt") is not None)
    fresh = library.get_by_path("fresh.txt")
    assert fresh is not None and fresh.status == Status.PENDING
    eventually(lambda: fresh.id in session.queue)  # queued just after it is recorded
    session.close()


def test_watchdogs_shutdown_race_is_not_printed(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    import tui_structurer.library.watcher  # noqa: F401  (installs the filter)

    inotify = logging.getLogger("watchdog.observers.inotify")
    inotify.error("InotifyEmitter.queue_events() called when the thread is inactive")
    inotify.error("inotify watch limit reached")
    logged = [record.getMessage() for record in caplog.records]
    assert logged == ["inotify watch limit reached"]
