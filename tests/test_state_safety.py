"""The state store: damaged, emptied, missing, full, or kept elsewhere for a folder that
cannot be written. Real files, a real small file system, the real commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mounts import set_read_only, tmpfs
from test_output_safety import OUTPUT, SOURCE, make_folder, offer
from tui_structurer import paths
from tui_structurer.config import CascadeStep
from tui_structurer.library import Status, StoreError
from tui_structurer.library.folder import Folder
from tui_structurer.library.store_file import BACKUP_EVERY_S, backup_path
from tui_structurer.pipeline import AttemptResult
from tui_structurer.text.fidelity import score

HAND_EDITED = "So the ferry was late. Edited by hand after it was accepted.\n"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_structurer", *args], capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def worked_folder(tmp_path: Path) -> tuple[Path, Path]:
    """A folder with an accepted (then hand-edited) output and others in review."""
    folder = make_folder(tmp_path / "talks", [f"talk-{i}.txt" for i in range(40)])
    for i in range(40):
        offer(folder, f"talk-{i}.txt", f"{OUTPUT} Number {i}. " + "And so on. " * 40)
    output = folder.accept(folder.library.transcripts()[0].id)
    folder.close()
    output.write_text(HAND_EDITED)
    # two hours later it is opened again, and the copy kept beside the store is renewed
    copy = backup_path(db_of(folder.root))
    old = copy.stat().st_mtime - 2 * BACKUP_EVERY_S
    os.utime(copy, (old, old))
    Folder(folder.root, Path("structured")).close()
    assert copy.stat().st_mtime > old
    return folder.root, output


def db_of(root: Path) -> Path:
    return paths.state_dir(root) / "state.sqlite3"


def test_an_emptied_store_is_refused_with_what_to_do(tmp_path: Path) -> None:
    root, output = worked_folder(tmp_path)
    db_of(root).write_bytes(b"")
    for command in (["status", str(root)], ["run", str(root), "--auto-accept"]):
        done = cli(*command)
        assert done.returncode == 1, done.stdout
        assert "Traceback" not in done.stderr
        assert "is damaged: it is empty (0 bytes), it was truncated" in done.stderr
        assert "Nothing was changed" in done.stderr
    assert db_of(root).stat().st_size == 0 and output.read_text() == HAND_EDITED
    # the first remedy it prints brings the work back
    restore = next(line for line in done.stderr.splitlines() if " && cp " in line)
    subprocess.run(restore, shell=True, check=True)
    status = json.loads(cli("status", str(root), "--json").stdout)
    assert status["counts"]["accepted"] == 1 and status["counts"]["review"] == 39


def test_a_damaged_page_is_refused_by_status_and_run(tmp_path: Path) -> None:
    root, output = worked_folder(tmp_path)
    with db_of(root).open("r+b") as handle:
        handle.seek(4096)  # the second page: the root of the transcripts table
        handle.write(os.urandom(4096))
    for command in (["status", str(root)], ["run", str(root), "--auto-accept"]):
        done = cli(*command)
        assert done.returncode == 1
        assert "Traceback" not in done.stderr and "Entries" not in done.stdout
        assert "is damaged:" in done.stderr and "To start over instead" in done.stderr
    assert output.read_text() == HAND_EDITED


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    root, _ = worked_folder(tmp_path)
    db_of(root).write_bytes(b"these are not the droids " * 1000)
    with pytest.raises(StoreError, match="is damaged: file is not a database"):
        Folder(root, Path("structured"))


def test_a_missing_store_with_its_copy_there_is_refused(tmp_path: Path) -> None:
    root, _ = worked_folder(tmp_path)
    db_of(root).unlink()
    with pytest.raises(StoreError, match="is missing, but a copy of it is there"):
        Folder(root, Path("structured"), read_only=True)
    # moving the whole state folder aside is how to start over
    paths.state_dir(root).rename(root / "old-state")
    fresh = Folder(root, Path("structured"))
    assert fresh.notes() == [
        f"a new state store was started, but {root / 'structured'} already holds 1 file(s); "
        "they are kept, and none is replaced without asking"
    ]
    fresh.refresh()
    assert {r.status for r in fresh.library.transcripts()} == {Status.PENDING}
    fresh.close()


def test_a_full_disk_while_writing_the_store_is_a_store_error(tmp_path: Path) -> None:
    root = tmp_path / "talks"
    root.mkdir()
    (root / "talk.txt").write_text(SOURCE)
    with tmpfs(paths.state_dir(root), size="512k"):
        folder = Folder(root, Path("structured"))
        folder.refresh()
        (record,) = folder.library.transcripts()
        huge = "So the ferry was late. " * 40_000  # ~900 kB: more than the disk holds
        fid = score(SOURCE, huge)
        result = AttemptResult(CascadeStep("m", "p"), "repair", huge, huge, fid, fid, False, ())
        with pytest.raises(StoreError, match=r"database or disk is full.*free some space"):
            folder.library.add_attempt(record.id, record.content_hash, result)
        assert folder.library.attempts(record.id) == []  # nothing half-written
        folder.library.return_to_pending(record.id)  # small writes still go through
        folder.close()


def test_a_folder_that_cannot_be_written_keeps_its_state_elsewhere(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    with tmpfs(root):
        (root / "talk.txt").write_text(SOURCE)
        set_read_only(root, True)
        done = cli("status", str(root), "--json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        elsewhere = paths.state_dir_elsewhere(root)
        assert report["notes"][0] == f"{root} cannot be written: its state is kept in {elsewhere}"
        assert "choose a writable output folder with --out DIR" in report["notes"][1]
        assert report["files"][0]["path"] == "talk.txt"
        assert (elsewhere / "state.sqlite3").is_file()
        assert str(elsewhere).startswith(os.environ["XDG_STATE_HOME"])
        out = tmp_path / "outputs"
        folder = Folder(root, out)
        assert folder.state_dir == elsewhere and folder.output_problem() is None
        folder.refresh()
        target = folder.accept(offer(folder, "talk.txt"))
        assert target == out / "talk.md" and target.read_text() == OUTPUT + "\n"
        folder.close()
        text = cli("status", str(root)).stdout
        assert text.startswith(f"note: {root} cannot be written: its state is kept in")
