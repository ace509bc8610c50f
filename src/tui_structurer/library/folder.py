"""A transcript folder opened for work: its files, state store, lock and outputs."""

from __future__ import annotations

import os
from pathlib import Path

from tui_structurer import paths
from tui_structurer.library.folder_lock import FolderLock
from tui_structurer.library.outputs import output_path, remove_stale_temps, write_atomic
from tui_structurer.library.records import Status
from tui_structurer.library.scan import scan
from tui_structurer.library.store import Library
from tui_structurer.transcripts import Transcript, read_source
from tui_structurer.transcripts.source_file import hash_fd, open_inside


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

    def read_source(self, relative: str, max_bytes: int) -> Transcript:
        """Read the transcript ``relative`` as it is at this moment: only a regular file
        inside the folder, links not followed out of it (:class:`TranscriptError` with
        the reason otherwise)."""
        return read_source(self.root, relative, max_bytes)

    def source_hash(self, relative: str) -> str:
        """The sha256 of the source as it is now, opened as :meth:`read_source` does.

        Raises :class:`FileNotFoundError` when it is gone and
        :class:`~tui_structurer.transcripts.source_file.SourceError` (an ``OSError``)
        when it is no longer a regular file inside the folder.
        """
        fd = open_inside(self.root, relative)
        try:
            return hash_fd(fd)
        finally:
            os.close(fd)

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

    def reject(self, transcript_id: int) -> None:
        self.library.record_decision(transcript_id, Status.REJECTED)

    def close(self) -> None:
        self.library.close()
        self._lock.release()
