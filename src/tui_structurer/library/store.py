"""The per-folder state store: one SQLite database, every change one transaction.

WAL journaling with ``synchronous=FULL``: a committed change survives a kill or a power
cut, and a change in flight is simply absent. ``running`` is the only state that can be
left behind by a crash, and opening the store turns it back into ``pending``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from tui_structurer.library.records import AttemptRecord, Status, TranscriptRecord
from tui_structurer.library.scan import ScannedFile
from tui_structurer.library.store_file import (
    DB_NAME,
    StoreError,
    back_up,
    damaged,
    is_damage,
    is_disk_full,
    make_private,
    open_store,
)
from tui_structurer.pipeline.result import AttemptResult
from tui_structurer.text.fidelity import Fidelity

SCHEMA_VERSION = 4
UPGRADES: dict[int, tuple[str, ...]] = {
    # Schema 2 records strict decoding: decode calls and fallback notes.
    1: (
        "ALTER TABLE attempts ADD COLUMN decode_calls INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE attempts ADD COLUMN note TEXT NOT NULL DEFAULT ''",
    ),
    # Schema 3 tells a reviewer's edit from a model's attempt.
    2: (
        "ALTER TABLE attempts ADD COLUMN kind TEXT NOT NULL DEFAULT 'model' "
        "CHECK (kind IN ('model', 'edit'))",
        "UPDATE attempts SET kind = 'edit', model = '', prompt = '' WHERE model = '(edited)'",
    ),
    # Schema 4 records every output of an acceptance (the source's own format too) and
    # how punctuated each source already was.
    3: (
        "CREATE TABLE IF NOT EXISTS decision_outputs (decision_id INTEGER NOT NULL REFERENCES "
        "decisions(id) ON DELETE CASCADE, path TEXT NOT NULL, hash TEXT NOT NULL)",
        "ALTER TABLE transcripts ADD COLUMN punctuation REAL",
    ),
}
"""Statements that bring a state file from schema N to N + 1, in place."""
DISK_FULL_HINT = "free some space on that disk; the file being processed goes back to pending"

_TRANSCRIPT_SELECT = """
SELECT t.*, (SELECT COUNT(*) FROM attempts a WHERE a.transcript_id = t.id) AS n_attempts,
       (SELECT CASE a.kind WHEN 'edit' THEN '(your edit)' ELSE a.model || '/' || a.prompt END
        FROM attempts a WHERE a.transcript_id = t.id
        ORDER BY a.id DESC LIMIT 1) AS latest_step,
       c.raw_likeness AS cand_likeness, c.passed AS cand_passed
FROM transcripts t LEFT JOIN attempts c ON c.id = t.candidate_attempt
"""


def _initialize(db: sqlite3.Connection) -> None:
    """The tables of a new store."""
    script = resources.files("tui_structurer.library").joinpath("schema.sql")
    db.execute("BEGIN IMMEDIATE")
    for statement in script.read_text(encoding="utf-8").split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    db.execute("COMMIT")


def _transcript(row: sqlite3.Row) -> TranscriptRecord:
    return TranscriptRecord(
        id=row["id"],
        path=row["path"],
        content_hash=row["content_hash"],
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        status=Status(row["status"]),
        words=row["words"],
        reason=row["reason"],
        warnings=tuple(json.loads(row["warnings"])),
        punctuation=row["punctuation"],
        candidate_attempt=row["candidate_attempt"],
        attempts=row["n_attempts"],
        latest_step=row["latest_step"],
        likeness=row["cand_likeness"],
        passed=None if row["cand_passed"] is None else bool(row["cand_passed"]),
    )


def _attempt(row: sqlite3.Row) -> AttemptRecord:
    values: dict[str, Any] = dict(row)
    values["passed"] = bool(values["passed"])
    values["gate_reasons"] = tuple(json.loads(values["gate_reasons"]))
    values["unmatched"] = tuple(tuple(span) for span in json.loads(values["unmatched"]))
    return AttemptRecord(**values)


class Library:
    """The transcripts of one folder and everything done to them."""

    def __init__(self, db_path: Path, keep_backup: bool = False):
        """Open (or make) and check the store at ``db_path``; with ``keep_backup`` also
        refresh the copy kept next to it (for a process that will work on the folder).
        Any failure, now or later, is a :class:`StoreError` that says what to do."""
        self.db_path = db_path
        self._lock = threading.RLock()
        # created: there was no store, and an empty one was made now
        self._db, self.created = open_store(db_path, _initialize)
        try:
            with self._guard("upgrade"):
                self._migrate()
            if keep_backup:
                make_private(db_path.parent, db_path)
                back_up(self._db, db_path)
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def for_folder(cls, state_dir: Path, keep_backup: bool = False) -> Library:
        return cls(state_dir / DB_NAME, keep_backup)

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.db_path} was written by a newer tui-structurer (schema {version})"
            )
        if 0 < version < SCHEMA_VERSION:
            with self.transaction():
                for step in range(version, SCHEMA_VERSION):
                    for statement in UPGRADES[step]:
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        elif version < SCHEMA_VERSION:
            tables = self._db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
            if tables:  # not a store of ours: never written over
                raise damaged(self.db_path, "it is not a tui-structurer state store")
            _initialize(self._db)  # made by an old version killed before its first write

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Any SQLite error becomes a :class:`StoreError` saying what failed and why."""
        try:
            yield
        except sqlite3.Error as exc:
            if is_damage(exc):
                raise damaged(self.db_path, str(exc)) from exc
            hint = f" ({DISK_FULL_HINT})" if is_disk_full(exc) else ""
            raise StoreError(
                f"could not {doing} the state store {self.db_path}: {exc}{hint}"
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic change: all of it is committed, or none of it."""
        with self._lock, self._guard("write to"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- reading -----------------------------------------------------------------------

    def transcripts(self, status: Status | None = None) -> list[TranscriptRecord]:
        """All transcripts (or those in ``status``), ordered by path."""
        with self._lock, self._guard("read"):
            if status is None:
                rows = self._db.execute(_TRANSCRIPT_SELECT + " ORDER BY t.path").fetchall()
            else:
                rows = self._db.execute(
                    _TRANSCRIPT_SELECT + " WHERE t.status = ? ORDER BY t.path", (status,)
                ).fetchall()
        return [_transcript(row) for row in rows]

    def get(self, transcript_id: int) -> TranscriptRecord:
        with self._lock, self._guard("read"):
            row = self._db.execute(
                _TRANSCRIPT_SELECT + " WHERE t.id = ?", (transcript_id,)
            ).fetchone()
        if row is None:
            raise KeyError(transcript_id)
        return _transcript(row)

    def get_by_path(self, path: str) -> TranscriptRecord | None:
        with self._lock, self._guard("read"):
            row = self._db.execute(_TRANSCRIPT_SELECT + " WHERE t.path = ?", (path,)).fetchone()
        return None if row is None else _transcript(row)

    def attempts(self, transcript_id: int) -> list[AttemptRecord]:
        with self._lock, self._guard("read"):
            rows = self._db.execute(
                "SELECT * FROM attempts WHERE transcript_id = ? ORDER BY id", (transcript_id,)
            ).fetchall()
        return [_attempt(row) for row in rows]

    def attempt(self, attempt_id: int) -> AttemptRecord:
        with self._lock, self._guard("read"):
            row = self._db.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise KeyError(attempt_id)
        return _attempt(row)

    def decisions(self, transcript_id: int) -> list[sqlite3.Row]:
        with self._lock, self._guard("read"):
            return self._db.execute(
                "SELECT * FROM decisions WHERE transcript_id = ? ORDER BY id", (transcript_id,)
            ).fetchall()

    def output_owners(self, output_hash: str) -> list[str]:
        """Paths of the transcripts whose accepted output had exactly this content: who
        a file on disk belongs to, if the tool wrote it."""
        with self._lock, self._guard("read"):
            rows = self._db.execute(
                "SELECT DISTINCT t.path FROM decisions d JOIN transcripts t "
                "ON t.id = d.transcript_id LEFT JOIN decision_outputs o ON o.decision_id = d.id "
                "WHERE d.output_hash = ? OR o.hash = ? ORDER BY t.path",
                (output_hash, output_hash),
            ).fetchall()
        return [row[0] for row in rows]

    def decision_outputs(self, decision_id: int) -> list[tuple[str, str]]:
        """The further outputs a decision recorded, as (path, sha256)."""
        with self._lock, self._guard("read"):
            rows = self._db.execute(
                "SELECT path, hash FROM decision_outputs WHERE decision_id = ? ORDER BY rowid",
                (decision_id,),
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def known_files(self) -> dict[str, tuple[int, int, str]]:
        """``path -> (size, mtime_ns, hash)``, so a scan re-hashes only changed files."""
        with self._lock, self._guard("read"):
            rows = self._db.execute("SELECT path, size, mtime_ns, content_hash FROM transcripts")
            return {r["path"]: (r["size"], r["mtime_ns"], r["content_hash"]) for r in rows}

    # -- changing ----------------------------------------------------------------------

    def recover(self) -> int:
        """Return files left ``running`` by a crash to ``pending``; how many there were."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE transcripts SET status = 'pending', updated_at = ? "
                "WHERE status = 'running'",
                (time.time(),),
            )
        return cursor.rowcount

    def sync(self, files: list[ScannedFile], complete: bool = True) -> None:
        """Add new files; a file whose content changed goes back to ``pending``.

        With ``complete`` (a whole-folder scan), undecided transcripts whose file is gone
        become ``missing``; one that is back resumes where it was.
        """
        now = time.time()
        with self.transaction() as db:
            if complete:
                present = {file.path for file in files}
                for row in db.execute(
                    "SELECT id, path FROM transcripts WHERE status IN "
                    "('pending', 'running', 'review', 'failed')"
                ).fetchall():
                    if row["path"] not in present:
                        self._set_status(db, row["id"], Status.MISSING)
            for file in files:
                row = db.execute(
                    "SELECT id, content_hash FROM transcripts WHERE path = ?", (file.path,)
                ).fetchone()
                if file.problem is not None:
                    self._record_problem(db, file, row, now)
                elif row is None:
                    db.execute(
                        "INSERT INTO transcripts (path, content_hash, size, mtime_ns, status, "
                        "updated_at) VALUES (?, ?, ?, ?, 'pending', ?)",
                        (file.path, file.content_hash, file.size, file.mtime_ns, now),
                    )
                elif row["content_hash"] != file.content_hash:
                    db.execute(
                        "UPDATE transcripts SET content_hash = ?, size = ?, mtime_ns = ?, "
                        "status = 'pending', reason = NULL, candidate_attempt = NULL, "
                        "updated_at = ? WHERE id = ?",
                        (file.content_hash, file.size, file.mtime_ns, now, row["id"]),
                    )
                else:
                    db.execute(
                        "UPDATE transcripts SET size = ?, mtime_ns = ?, status = CASE "
                        "WHEN status != 'missing' THEN status "
                        "WHEN candidate_attempt IS NULL THEN 'pending' ELSE 'review' END "
                        "WHERE id = ?",
                        (file.size, file.mtime_ns, row["id"]),
                    )

    def _record_problem(
        self, db: sqlite3.Connection, file: ScannedFile, row: sqlite3.Row | None, now: float
    ) -> None:
        """A name that is no readable transcript fails with the reason. It has no content,
        so a readable file back under that name counts as changed and is processed anew;
        decided work and a file being processed are left as they are."""
        if row is None:
            db.execute(
                "INSERT INTO transcripts (path, content_hash, size, mtime_ns, status, reason, "
                "updated_at) VALUES (?, '', 0, 0, 'failed', ?, ?)",
                (file.path, file.problem, now),
            )
        else:
            db.execute(
                "UPDATE transcripts SET content_hash = '', size = 0, mtime_ns = 0, "
                "status = 'failed', reason = ?, updated_at = ? WHERE id = ? AND status IN "
                "('pending', 'review', 'failed', 'missing')",
                (file.problem, now, row["id"]),
            )

    def rename(self, old_path: str, new_path: str) -> bool:
        """A moved or renamed source keeps its state; False if ``old_path`` is unknown or
        ``new_path`` is already a transcript."""
        with self.transaction() as db:
            taken = db.execute("SELECT 1 FROM transcripts WHERE path = ?", (new_path,))
            if taken.fetchone():
                return False
            cursor = db.execute(
                "UPDATE transcripts SET path = ?, updated_at = ? WHERE path = ?",
                (new_path, time.time(), old_path),
            )
        return cursor.rowcount == 1

    def rename_folder(self, old_prefix: str, new_prefix: str) -> int:
        """A moved sub-folder: every transcript under it keeps its state."""
        with self.transaction() as db:
            rows = db.execute(
                "SELECT id, path FROM transcripts WHERE substr(path, 1, ?) = ?",
                (len(old_prefix) + 1, old_prefix + "/"),
            ).fetchall()
            for row in rows:
                db.execute(
                    "UPDATE transcripts SET path = ?, updated_at = ? WHERE id = ?",
                    (new_prefix + row["path"][len(old_prefix) :], time.time(), row["id"]),
                )
        return len(rows)

    def adopt_missing(self, file: ScannedFile) -> bool:
        """A new path whose content is a transcript marked missing: the same file, moved
        (a move into a new folder is seen as a delete and a create). It keeps its state."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM transcripts WHERE path = ?", (file.path,)).fetchone():
                return False
            row = db.execute(
                "SELECT id FROM transcripts WHERE status = 'missing' AND content_hash = ? "
                "ORDER BY updated_at DESC LIMIT 1",
                (file.content_hash,),
            ).fetchone()
            if row is None:
                return False
            db.execute(
                "UPDATE transcripts SET path = ?, size = ?, mtime_ns = ?, updated_at = ?, "
                "status = CASE WHEN candidate_attempt IS NULL THEN 'pending' ELSE 'review' END "
                "WHERE id = ?",
                (file.path, file.size, file.mtime_ns, time.time(), row["id"]),
            )
        return True

    def mark_missing(self, path: str) -> None:
        """The source is gone: undecided work waits (decided work stays decided)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE transcripts SET status = 'missing', updated_at = ? WHERE path = ? "
                "AND status IN ('pending', 'running', 'review', 'failed')",
                (time.time(), path),
            )

    def _set_status(self, db: sqlite3.Connection, transcript_id: int, status: Status) -> None:
        db.execute(
            "UPDATE transcripts SET status = ?, updated_at = ? WHERE id = ?",
            (status, time.time(), transcript_id),
        )

    def mark_running(
        self,
        transcript_id: int,
        words: int,
        warnings: tuple[str, ...],
        punctuation: float | None = None,
    ) -> None:
        """The file is being structured; what reading it found is kept with it."""
        with self.transaction() as db:
            self._set_status(db, transcript_id, Status.RUNNING)
            db.execute(
                "UPDATE transcripts SET words = ?, warnings = ?, punctuation = ?, "
                "reason = NULL WHERE id = ?",
                (words, json.dumps(list(warnings)), punctuation, transcript_id),
            )

    def record_words(self, counts: dict[int, int]) -> None:
        """Word counts of transcripts not yet processed (processing records its own)."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE transcripts SET words = ? WHERE id = ? AND words IS NULL",
                [(words, transcript_id) for transcript_id, words in counts.items()],
            )

    def return_to_pending(self, transcript_id: int) -> None:
        with self.transaction() as db:
            self._set_status(db, transcript_id, Status.PENDING)

    def fail(self, transcript_id: int, reason: str) -> None:
        with self.transaction() as db:
            self._set_status(db, transcript_id, Status.FAILED)
            db.execute("UPDATE transcripts SET reason = ? WHERE id = ?", (reason, transcript_id))

    def add_attempt(self, transcript_id: int, content_hash: str, result: AttemptResult) -> int:
        """Record a finished attempt; returns its id."""
        raw, final, stats = result.raw_fidelity, result.final_fidelity, result.stats
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO attempts (transcript_id, content_hash, model, prompt, mode, "
                "raw_output, final_output, raw_likeness, final_likeness, added, removed, "
                "replaced, longest_removed_run, passed, gate_reasons, unmatched, "
                "prompt_tokens, completion_tokens, ttft_s, decode_tps, seconds, created_at, "
                "decode_calls, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    transcript_id,
                    content_hash,
                    result.step.model,
                    result.step.prompt,
                    result.mode,
                    result.raw_output,
                    result.final_output,
                    raw.likeness,
                    final.likeness,
                    raw.added,
                    raw.removed,
                    raw.replaced,
                    raw.longest_removed_run,
                    int(result.passed),
                    json.dumps(list(result.gate_reasons)),
                    json.dumps([list(span) for span in result.unmatched]),
                    stats.prompt_tokens,
                    stats.completion_tokens,
                    stats.time_to_first_token_s,
                    stats.decode_tokens_per_s,
                    stats.seconds,
                    time.time(),
                    stats.decode_calls,
                    result.note,
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def add_edit(
        self,
        transcript_id: int,
        content_hash: str,
        text: str,
        scored: Fidelity,
        reasons: tuple[str, ...],
    ) -> int:
        """Record a reviewer's own text as an edit (not a model attempt); returns its id.

        ``scored`` and ``reasons`` are its fidelity and gate verdict, so the review shows
        what it changed like for any attempt.
        """
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO attempts (transcript_id, content_hash, kind, model, prompt, mode, "
                "raw_output, final_output, raw_likeness, final_likeness, added, removed, "
                "replaced, longest_removed_run, passed, gate_reasons, unmatched, "
                "prompt_tokens, completion_tokens, ttft_s, decode_tps, seconds, created_at) "
                "VALUES (?, ?, 'edit', '', '', 'free', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', "
                "0, 0, 0, 0, 0, ?)",
                (
                    transcript_id,
                    content_hash,
                    text,
                    text,
                    scored.likeness,
                    scored.likeness,
                    scored.added,
                    scored.removed,
                    scored.replaced,
                    scored.longest_removed_run,
                    int(not reasons),
                    json.dumps(list(reasons)),
                    time.time(),
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def offer_for_review(self, transcript_id: int, attempt_id: int) -> None:
        """Make ``attempt_id`` the candidate and the transcript ready for review."""
        with self.transaction() as db:
            self._set_status(db, transcript_id, Status.REVIEW)
            db.execute(
                "UPDATE transcripts SET candidate_attempt = ? WHERE id = ?",
                (attempt_id, transcript_id),
            )

    def record_decision(
        self,
        transcript_id: int,
        decision: Status,
        output_path: str | None = None,
        output_hash: str | None = None,
        further_outputs: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Record accept or reject; the transcript takes that status (and loses any
        reason an earlier failed accept left). ``further_outputs`` are the other files
        an acceptance wrote, as (path, sha256)."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT candidate_attempt FROM transcripts WHERE id = ?", (transcript_id,)
            ).fetchone()
            cursor = db.execute(
                "INSERT INTO decisions (transcript_id, decision, attempt_id, output_path, "
                "output_hash, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                (transcript_id, decision, row[0], output_path, output_hash, time.time()),
            )
            db.executemany(
                "INSERT INTO decision_outputs (decision_id, path, hash) VALUES (?, ?, ?)",
                [(cursor.lastrowid, path, digest) for path, digest in further_outputs],
            )
            self._set_status(db, transcript_id, decision)
            db.execute("UPDATE transcripts SET reason = NULL WHERE id = ?", (transcript_id,))

    def set_reason(self, transcript_id: int, reason: str) -> None:
        """Say why a transcript stays where it is (an accept that was refused) without
        changing its status; ``status`` shows it."""
        with self.transaction() as db:
            db.execute("UPDATE transcripts SET reason = ? WHERE id = ?", (reason, transcript_id))
