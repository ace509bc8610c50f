"""A transcript folder opened for work: its files, state store, lock and outputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tui_structurer import paths
from tui_structurer.library.folder_lock import FolderLock
from tui_structurer.library.outputs import (
    OutputError,
    output_path,
    remove_stale_temps,
    write_atomic,
)
from tui_structurer.library.records import Status
from tui_structurer.library.scan import scan
from tui_structurer.library.store import Library


class FolderError(Exception):
    """The folder cannot be opened."""


class Folder:
    """Everything about one transcript folder. Originals are only ever read."""

    def __init__(self, root: Path, out_dir: Path, read_only: bool = False):
        """Open ``root`` for work, or with ``read_only`` just to look at its state.

        Working takes the folder's lock (a second process is refused) and returns files
        a crash left ``running`` to ``pending``; looking changes nothing.
        """
        if not root.is_dir():
            raise FolderError(f"{root} is not a folder")
        self.root = root.resolve()
        self.out_dir = out_dir if out_dir.is_absolute() else self.root / out_dir
        self.state_dir = paths.state_dir(self.root)
        self.read_only = read_only
        self._lock = FolderLock(self.state_dir)
        if not read_only:
            self._lock.acquire()
        try:
            self.library = Library.for_folder(self.state_dir)
            if not read_only:
                self.library.recover()
                remove_stale_temps(self.out_dir)
        except BaseException:
            self._lock.release()
            raise

    def refresh(self) -> None:
        """Scan the folder and bring the store up to date with what is on disk."""
        if self.read_only:
            return
        found = scan(self.root, [self.state_dir, self.out_dir], self.library.known_files())
        self.library.sync(found)

    def source(self, relative: str) -> Path:
        return self.root / relative

    def output_for(self, relative: str) -> Path:
        return output_path(self.out_dir, relative)

    def accept(self, transcript_id: int) -> Path:
        """Write the candidate to the output folder, then record the decision.

        The file is written first: if the process dies in between, the transcript is
        still ``review`` and accepting again rewrites the same text.
        """
        record = self.library.get(transcript_id)
        if record.candidate_attempt is None:
            raise ValueError(f"{record.path} has no output to accept yet")
        text = self.library.attempt(record.candidate_attempt).final_output
        target = self.output_for(record.path)
        digest = write_atomic(target, text.rstrip("\n") + "\n")
        self.library.record_decision(transcript_id, Status.ACCEPTED, str(target), digest)
        return target

    def reject(self, transcript_id: int, remove_output: bool = False) -> Path | None:
        """Record a rejection. An output that an earlier acceptance wrote is removed with
        ``remove_output`` (only if it is still exactly what was written) or kept; the
        rejection records the path of a kept output, so the state says it is on disk.
        Returns that path, or None when no output of this transcript is on disk."""
        decisions = self.library.decisions(transcript_id)
        written = decisions[-1] if decisions and decisions[-1]["output_path"] else None
        kept: Path | None = None
        kept_hash: str | None = None
        if written is not None and Path(written["output_path"]).is_file():
            kept, kept_hash = Path(written["output_path"]), written["output_hash"]
            if remove_output:
                self._remove_output(transcript_id, kept, kept_hash)
                kept = kept_hash = None
        self.library.record_decision(
            transcript_id, Status.REJECTED, None if kept is None else str(kept), kept_hash
        )
        return kept

    def _remove_output(self, transcript_id: int, path: Path, digest: str | None) -> None:
        """Delete an output this tool wrote, refusing anything else."""
        expected = self.output_for(self.library.get(transcript_id).path)
        if path.resolve() != expected.resolve():
            raise OutputError(f"{path} is not this transcript's output; it was not removed")
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                raise OutputError(f"{path} was changed since it was written; it was not removed")
            path.unlink()
        except OSError as exc:
            raise OutputError(f"cannot remove {path}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        self.library.close()
        self._lock.release()
