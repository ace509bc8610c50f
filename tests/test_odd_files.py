"""Named pipes, sockets, looping and outside links, swapped files, odd names: real
file-system objects, through the commands and functions the app uses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.library.scan import scan_file
from tui_structurer.library.watcher import FolderWatcher, WatchCallbacks
from tui_structurer.transcripts import TranscriptError
from tui_structurer.transcripts.source_file import SourceError

TALK = "so the ferry was late again and we stood on the pier for an hour\n"
COMMAND_TIMEOUT_S = 120
"""A command that hangs on a pipe never ends: this only bounds the test's failure."""


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_structurer", *args],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        cwd=cwd,
    )


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    root = tmp_path / "talks"
    root.mkdir()
    (root / "good.txt").write_text(TALK)
    os.mkfifo(root / "pipe.txt")
    (root / "loop.txt").symlink_to("loop.txt")
    (root / "nowhere.txt").symlink_to("missing.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text("a private note that is not in the folder\n")
    (root / "outside.txt").symlink_to(outside)
    (root / "sub").mkdir()
    (root / "sub" / "real.txt").write_text(TALK)
    (root / "alias.txt").symlink_to(Path("sub") / "real.txt")  # inside: allowed
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "socket.txt"))
    server.close()
    return root


REASONS = {
    "pipe.txt": "not a regular file (a named pipe)",
    "socket.txt": "not a regular file (a socket)",
    "loop.txt": "a symbolic link that loops",
    "nowhere.txt": "a symbolic link to a file that does not exist",
    "outside.txt": "a symbolic link to a file outside the folder",
}


def test_status_and_run_list_odd_files_as_failed_with_a_reason(odd_folder: Path) -> None:
    done = cli("status", str(odd_folder), "--json")
    assert done.returncode == 0, done.stderr
    files = {f["path"]: f for f in json.loads(done.stdout)["files"]}
    for name, reason in REASONS.items():
        assert (files[name]["status"], files[name]["reason"]) == ("failed", reason)
    for name in ("good.txt", "alias.txt", "sub/real.txt"):
        assert files[name]["status"] == "pending"
    text = cli("status", str(odd_folder))
    assert text.returncode == 0 and "Traceback" not in text.stderr
    assert "pipe.txt  not a regular file (a named pipe)" in text.stdout
    # `run` reaches the same files without hanging on the pipe (nothing it can process
    # is left pending, so no model is loaded)
    opened = Folder(odd_folder, Path("structured"))
    opened.refresh()
    for record in opened.library.transcripts(Status.PENDING):
        opened.reject(record.id)
    opened.close()
    ran = cli("run", str(odd_folder), "--json")
    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr


def test_a_file_that_becomes_a_pipe_fails_and_comes_back_when_fixed(tmp_path: Path) -> None:
    root = tmp_path / "talks"
    root.mkdir()
    (root / "talk.txt").write_text(TALK)
    folder = Folder(root, Path("structured"))
    folder.refresh()
    (root / "talk.txt").unlink()
    os.mkfifo(root / "talk.txt")
    folder.refresh()
    record = folder.library.get_by_path("talk.txt")
    assert record is not None and record.status == Status.FAILED
    assert record.reason == "not a regular file (a named pipe)"
    (root / "talk.txt").unlink()
    (root / "talk.txt").write_text(TALK)
    folder.refresh()
    assert folder.library.get(record.id).status == Status.PENDING
    folder.close()


def test_reading_refuses_what_is_not_a_regular_file_inside(odd_folder: Path) -> None:
    folder = Folder(odd_folder, Path("structured"))
    for name, reason in REASONS.items():
        with pytest.raises(TranscriptError) as caught:
            folder.read_source(name, 1_000_000)
        assert str(caught.value) == reason
        with pytest.raises(SourceError):
            folder.source_hash(name)
    assert folder.read_source("alias.txt", 1_000_000).text == TALK.strip()
    with pytest.raises(FileNotFoundError):
        folder.source_hash("gone.txt")
    folder.close()


def test_a_file_swapped_for_an_outside_link_after_the_scan_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "talks"
    root.mkdir()
    (root / "talk.txt").write_text(TALK)
    secret = tmp_path / "secret.txt"
    secret.write_text("the private note of someone else\n")
    folder = Folder(root, Path("structured"))
    folder.refresh()
    (root / "talk.txt").unlink()
    (root / "talk.txt").symlink_to(secret)
    with pytest.raises(TranscriptError, match="outside the folder"):
        folder.read_source("talk.txt", 1_000_000)
    folder.close()


def test_a_folder_swapped_for_a_link_between_check_and_open_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The swap is made to happen inside the window between resolving the path and
    opening it, the moment a real race would have to hit."""
    root = tmp_path / "talks"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "talk.txt").write_text(TALK)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "talk.txt").write_text("the private note of someone else\n")
    folder = Folder(root, Path("structured"))
    real_realpath = os.path.realpath

    def resolve_then_swap(path: str, *, strict: bool = False) -> str:
        resolved = real_realpath(path, strict=strict)
        os.rename(root / "sub", tmp_path / "sub-moved")
        (root / "sub").symlink_to(elsewhere)
        return resolved

    monkeypatch.setattr(os.path, "realpath", resolve_then_swap)
    with pytest.raises(TranscriptError, match="the path changed while it was opened"):
        folder.read_source("sub/talk.txt", 1_000_000)
    monkeypatch.undo()
    folder.close()


def test_the_watcher_hands_on_a_pipe_without_opening_it(tmp_path: Path) -> None:
    root = tmp_path / "talks"
    root.mkdir()
    os.mkfifo(root / "pipe.txt")
    (root / "loop.txt").symlink_to("loop.txt")
    ready: list[list[str]] = []
    watcher = FolderWatcher(
        root, [], WatchCallbacks(ready.append, lambda *_: None, lambda _: None), quiet_s=1.0
    )
    watcher._track("pipe.txt")
    watcher._track("loop.txt")

    def settle() -> None:
        watcher.settle(0.0)
        ready.append(watcher.settle(10.0))

    worker = threading.Thread(target=settle, daemon=True)
    worker.start()
    worker.join(COMMAND_TIMEOUT_S)
    assert not worker.is_alive(), "the watcher blocked on the named pipe"
    assert ready == [["loop.txt", "pipe.txt"]]
    pipe, loop = scan_file(root, "pipe.txt"), scan_file(root, "loop.txt")
    assert pipe is not None and pipe.problem == "not a regular file (a named pipe)"
    assert loop is not None and loop.problem == "a symbolic link that loops"


def test_names_that_are_not_utf8_or_hold_escapes_are_shown_safely(tmp_path: Path) -> None:
    root = tmp_path / "talks"
    root.mkdir()
    (root / os.fsdecode(b"caf\xe9.txt")).write_text(TALK)
    (root / "\x1b[2J\x1b[Hfake\nfailed.txt").write_text(TALK)
    done = cli("status", str(root))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    assert "\\x1b[2J\\x1b[Hfake\\x0afailed.txt" in done.stdout
    assert "caf\\xe9.txt  the file name is not valid UTF-8: rename the file to use it" in (
        done.stdout
    )
    assert len(done.stdout.strip().splitlines()) == 4  # counts, a header, a line per file
