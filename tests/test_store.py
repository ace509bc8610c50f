from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tui_structurer.config import CascadeStep
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.library.folder_lock import FolderBusyError
from tui_structurer.library.store import Library
from tui_structurer.pipeline import AttemptResult
from tui_structurer.text.fidelity import score

SOURCE = "so i went to the store and i bought some milk"
OUTPUT = "So I went to the store, and I bought some milk."


def attempt(passed: bool = True) -> AttemptResult:
    fid = score(SOURCE, OUTPUT)
    return AttemptResult(
        step=CascadeStep("m", "structure"),
        mode="repair",
        raw_output=OUTPUT,
        final_output=OUTPUT,
        raw_fidelity=fid,
        final_fidelity=fid,
        passed=passed,
        gate_reasons=() if passed else ("likeness 0.5 is below 0.95",),
    )


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    (tmp_path / "talks" / "sub").mkdir(parents=True)
    (tmp_path / "talks" / "a.txt").write_text(SOURCE)
    (tmp_path / "talks" / "sub" / "b.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    (tmp_path / "talks" / ".hidden.txt").write_text(SOURCE)
    (tmp_path / "talks" / "c.txt.part").write_text(SOURCE)
    opened = Folder(tmp_path / "talks", Path("structured"))
    opened.refresh()
    return opened


def test_scan_finds_transcripts_only(folder: Folder) -> None:
    assert [r.path for r in folder.library.transcripts()] == ["a.txt", "sub/b.srt"]
    assert all(r.status == Status.PENDING for r in folder.library.transcripts())


def test_review_then_accept_writes_output_atomically(folder: Folder) -> None:
    record = folder.library.transcripts()[0]
    folder.library.mark_running(record.id, 10, ())
    attempt_id = folder.library.add_attempt(record.id, record.content_hash, attempt())
    folder.library.offer_for_review(record.id, attempt_id)
    assert folder.library.get(record.id).status == Status.REVIEW
    target = folder.accept(record.id)
    assert target == folder.root / "structured" / "a.md"
    assert target.read_text() == OUTPUT + "\n"
    assert folder.library.get(record.id).status == Status.ACCEPTED
    decision = folder.library.decisions(record.id)[-1]
    assert decision["decision"] == "accepted" and decision["attempt_id"] == attempt_id
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert (folder.root / "a.txt").read_text() == SOURCE  # the original is untouched


def test_reject_writes_nothing(folder: Folder) -> None:
    record = folder.library.transcripts()[0]
    folder.reject(record.id)
    assert folder.library.get(record.id).status == Status.REJECTED
    assert not (folder.root / "structured").exists()


def test_changed_source_goes_back_to_pending(folder: Folder) -> None:
    record = folder.library.transcripts()[0]
    attempt_id = folder.library.add_attempt(record.id, record.content_hash, attempt())
    folder.library.offer_for_review(record.id, attempt_id)
    (folder.root / "a.txt").write_text(SOURCE + " and bread")
    folder.refresh()
    again = folder.library.get(record.id)
    assert again.status == Status.PENDING and again.candidate_attempt is None
    assert again.content_hash != record.content_hash
    assert len(folder.library.attempts(record.id)) == 1  # history is kept


def test_second_process_is_refused_while_first_holds_the_folder(folder: Folder) -> None:
    code = (
        "import sys; from pathlib import Path\n"
        "from tui_structurer.library.folder import Folder\n"
        "from tui_structurer.library.folder_lock import FolderBusyError\n"
        "try:\n    Folder(Path(sys.argv[1]), Path('structured'))\n"
        "except FolderBusyError as e:\n    print(e); sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(folder.root)], capture_output=True)
    assert done.returncode == 3
    assert f"pid {os.getpid()}" in done.stdout.decode()
    folder.close()
    done = subprocess.run([sys.executable, "-c", code, str(folder.root)], capture_output=True)
    assert done.returncode == 0


def test_read_only_open_does_not_recover_or_lock(folder: Folder) -> None:
    record = folder.library.transcripts()[0]
    folder.library.mark_running(record.id, 10, ())
    with pytest.raises(FolderBusyError):
        Folder(folder.root, Path("structured"))
    viewer = Folder(folder.root, Path("structured"), read_only=True)
    assert viewer.library.get(record.id).status == Status.RUNNING
    viewer.close()


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from test_store import attempt
    from tui_structurer.library.folder import Folder
    folder = Folder(Path(sys.argv[1]), Path("structured"))
    folder.refresh()
    records = folder.library.transcripts()
    print("ready", flush=True)
    i = 0
    while True:
        record = records[i % len(records)]
        folder.library.mark_running(record.id, 10, ())
        attempt_id = folder.library.add_attempt(record.id, record.content_hash, attempt())
        folder.library.offer_for_review(record.id, attempt_id)
        folder.accept(record.id)
        i += 1
    """
)


def test_kill_9_at_random_moments_loses_nothing_finished(folder: Folder) -> None:
    root = folder.root
    folder.close()
    for round_number in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root), str(Path(__file__).parent)],
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(0.05 + 0.04 * round_number)
        child.send_signal(signal.SIGKILL)
        child.wait()

        reopened = Folder(root, Path("structured"))
        db = sqlite3.connect(reopened.library.db_path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
        for record in reopened.library.transcripts():
            assert record.status != Status.RUNNING
            if record.status == Status.ACCEPTED:
                decision = reopened.library.decisions(record.id)[-1]
                written = Path(decision["output_path"]).read_text()
                assert written == OUTPUT + "\n"
        assert not [p for p in (root / "structured").rglob("*") if p.name.endswith(".tmp")]
        reopened.close()


def test_a_schema_1_state_file_is_upgraded_in_place(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    old = sqlite3.connect(db)
    schema = Path(__file__).resolve().parent.parent / "src/tui_structurer/library/schema.sql"
    statements = schema.read_text().replace(
        ",\n    decode_calls INTEGER NOT NULL DEFAULT 0,\n    note TEXT NOT NULL DEFAULT '',\n"
        "    kind TEXT NOT NULL DEFAULT 'model' CHECK (kind IN ('model', 'edit'))",
        "",
    )
    statements = statements.replace(
        "    punctuation REAL,                   -- the source's marks per 100 words, once read\n",
        "",
    )
    assert "decode_calls" not in statements and "kind" not in statements
    assert "punctuation" not in statements
    old.executescript(statements + "\nPRAGMA user_version=1;")
    old.execute(
        "INSERT INTO transcripts (path, content_hash, size, mtime_ns, status, updated_at) "
        "VALUES ('a.txt', 'h', 1, 0, 'pending', 0)"
    )
    old.commit()
    old.close()
    library = Library(db)
    (record,) = library.transcripts()
    stored = library.attempt(library.add_attempt(record.id, "h", attempt()))
    assert stored.decode_calls == 0 and stored.note == "" and not stored.is_edit
    library.close()
