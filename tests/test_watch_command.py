"""`tui-structurer watch` as a user runs it: a process, files dropped in, a signal to stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_structurer import paths
from tui_structurer.cli.main import main

pytestmark = pytest.mark.model

LENIENT = "[gate]\nmin_likeness = 0.0\nmax_removed_run = 100000\nrequire_structure = false\n"


def wait_for(check, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, "it did not happen in time"
        time.sleep(0.1)


def test_watch_processes_dropped_files_and_stops_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "early.txt").write_text("this one was here before the watch started\n")
    config = tmp_path / "lenient.toml"
    config.write_text(LENIENT)
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_structurer", "watch", str(folder), "--auto-accept",
         "--config", str(config), "--quiet-seconds", "0.5"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    out = folder / "structured"
    try:
        wait_for(lambda: (out / "early.md").exists())
        with (folder / "dropped.txt.part").open("w") as handle:  # a download in progress
            handle.write("a file that arrives while the watch is running ")
        time.sleep(1.0)
        assert not (out / "dropped.md").exists()
        (folder / "dropped.txt.part").rename(folder / "dropped.txt")
        wait_for(lambda: (out / "dropped.md").exists())
        (folder / "sub").mkdir()
        (folder / "sub" / "nested.txt").write_text("and one in a sub folder\n")
        wait_for(lambda: (out / "sub" / "nested.md").exists())
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "queued: dropped.txt" in output and "finished sub/nested.txt: accepted" in output
    assert "SIGTERM: stopping" in output and output.rstrip().endswith("stopped")
    log = (paths.user_log_dir() / "watch.log").read_text()
    assert "finished early.txt: accepted" in log

    assert main(["status", str(folder), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["counts"]["accepted"] == 3 and status["entries"] == 3
    assert {f["path"] for f in status["files"]} == {"early.txt", "dropped.txt", "sub/nested.txt"}


def test_sigterm_during_generation_returns_the_file_to_pending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "long.txt").write_text(" ".join(["and then we walked a little further"] * 80))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_structurer", "watch", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if "started long.txt" in line:
            break
    time.sleep(2.0)  # generating now
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "finished long.txt" not in output
    assert main(["status", str(folder), "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)["files"]
    assert entry["status"] == "pending"
