"""A transcript folder opened for work: its files, state store, lock and outputs."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from tui_structurer import paths
from tui_structurer.errors import UsageError
from tui_structurer.library.folder_lock import FolderLock
from tui_structurer.library.output_names import output_name, remove_stale_temps
from tui_structurer.library.outputs import (
    ForeignOutputError,
    OutputError,
    OutputFolder,
    PlacementError,
    output_hash,
    write_outputs,
)
from tui_structurer.library.records import Status, TranscriptRecord
from tui_structurer.library.scan import scan
from tui_structurer.library.store import Library
from tui_structurer.text.word_map import words_for_source
from tui_structurer.transcripts import (
    OWN_FORMAT_SUFFIXES,
    Transcript,
    TranscriptError,
    read_source,
)
from tui_structurer.transcripts.source_file import hash_fd, open_inside


class FolderError(UsageError):
    """The folder cannot be opened."""


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _choose_state_dir(root: Path) -> tuple[Path, str | None]:
    """The folder's own state folder when it can be written; otherwise one in the user's
    state folder, with a note that says so."""
    own = paths.state_dir(root)
    if _writable(own if own.is_dir() else root):
        return own, None
    elsewhere = paths.state_dir_elsewhere(root)
    unused = f" ({own} cannot be written and is not used)" if own.is_dir() else ""
    return elsewhere, f"{root} cannot be written: its state is kept in {elsewhere}{unused}"


def _count_files(folder: Path) -> int:
    """Visible files under ``folder`` (where outputs are), links not followed."""
    count = 0
    for _, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        count += sum(1 for name in filenames if not name.startswith("."))
    return count


def output_bytes(text: str) -> bytes:
    """A candidate's text exactly as accepting writes it."""
    return (text.rstrip("\n") + "\n").encode("utf-8")


class Folder:
    """Everything about one transcript folder. Originals are only ever read."""

    def __init__(
        self,
        root: Path,
        out_dir: Path,
        read_only: bool = False,
        outputs: Sequence[str] = ("md", "source"),
        max_file_bytes: int = 5_000_000,
    ):
        """Open ``root`` for work, or with ``read_only`` just to look at its state.

        ``out_dir`` is absolute or relative to ``root``; one that could put an output on
        a source or go through a link is refused (:class:`FolderError`), as is a damaged
        state store (:class:`~tui_structurer.library.StoreError`). Working takes the
        folder's lock (a second process is refused), returns files a crash left
        ``running`` to ``pending``, removes the tool's own stale temporary files and
        records acceptances a crash interrupted (:attr:`reconciled`); looking changes
        nothing.
        """
        if not root.is_dir():
            raise FolderError(f"{root} is not a folder")
        self.root = root.resolve()
        self.outputs = tuple(outputs)
        """What accepting writes: "md", "source" (settings.outputs)."""
        self.max_file_bytes = max_file_bytes
        try:
            self._outputs = OutputFolder.place(self.root, out_dir)
        except PlacementError as exc:
            raise FolderError(str(exc)) from exc
        self.out_dir = self._outputs.path
        # state_note says where the state is when it cannot be in the folder
        self.state_dir, self.state_note = _choose_state_dir(self.root)
        self.read_only = read_only
        self.reconciled: tuple[str, ...] = ()
        """Transcripts found accepted on opening: their output was written completely
        but the process was stopped before it recorded the decision."""
        self._found_outputs = 0
        """Files already in the output folder when a new state store was started."""
        self._lock = FolderLock(self.state_dir)
        if not read_only:
            self._lock.acquire()
        try:
            self.library = Library.for_folder(self.state_dir, keep_backup=not read_only)
            if self.library.created:
                self._found_outputs = _count_files(self.out_dir)
            if not read_only:
                self.library.recover()
                self._refuse_output_folder_over_transcripts()
                remove_stale_temps(self.out_dir)
                self.reconciled = self.reconcile()
        except BaseException:
            if hasattr(self, "library"):
                self.library.close()
            self._lock.release()
            raise

    def _refuse_output_folder_over_transcripts(self) -> None:
        if self._outputs.base != self.root:
            return
        prefix = "/".join(self._outputs.below) + "/"
        hidden = [
            r.path
            for r in self.library.transcripts()
            if r.path.startswith(prefix) and r.status != Status.MISSING
        ]
        if hidden:
            raise FolderError(
                f"the output folder {self.out_dir} holds {len(hidden)} transcript(s) of this "
                f"folder (such as {hidden[0]}): outputs there would hide them. Choose another "
                "output folder with --out"
            )

    def notes(self) -> list[str]:
        """What a person should be told on opening, one line each: state kept outside
        the folder, an output folder that cannot be written, acceptances recorded on
        opening, a new state store beside outputs from earlier work."""
        notes = [note for note in (self.state_note, self.output_problem()) if note]
        if self.reconciled:
            notes.append(
                f"recorded as accepted ({len(self.reconciled)}), their outputs were written "
                f"when the last run was stopped: {', '.join(self.reconciled)}"
            )
        if self._found_outputs:
            notes.append(
                f"a new state store was started, but {self.out_dir} already holds "
                f"{self._found_outputs} file(s); they are kept, and none is replaced "
                "without asking"
            )
        return notes

    def refresh(self) -> None:
        """Scan the folder and bring the store up to date with what is on disk."""
        if self.read_only:
            return
        found = scan(self.root, [self.state_dir, self.out_dir], self.library.known_files())
        self.library.sync(found)

    # -- sources -----------------------------------------------------------------------

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

    # -- outputs -----------------------------------------------------------------------

    def output_for(self, relative: str) -> Path:
        """Where the output of the source ``relative`` goes (see :func:`output_name`)."""
        return self.out_dir / output_name(relative)

    def output_problem(self) -> str | None:
        """Why outputs cannot be written to the output folder, or None."""
        where = _nearest_existing(self.out_dir)
        if not where.is_dir() or _writable(where):
            return None  # a file in the way: writing says exactly what is wrong
        return (
            f"outputs cannot be written to {self.out_dir} ({where} is not writable): "
            "choose a writable output folder with --out DIR"
        )

    def _candidate_bytes(self, record: TranscriptRecord) -> bytes:
        if record.candidate_attempt is None:
            raise ValueError(f"{record.path} has no output to accept yet")
        return output_bytes(self.library.attempt(record.candidate_attempt).final_output)

    def outputs_of(self, relative: str) -> list[str]:
        """The files accepting the source ``relative`` writes, relative to the output
        folder: the Markdown text and, for subtitles and Whisper JSON, the source's own
        format (settings.outputs says which); the first is the one reconciled on open."""
        own_format = PurePosixPath(relative).suffix.lower() in OWN_FORMAT_SUFFIXES
        names = []
        if "md" in self.outputs or not own_format:
            names.append(output_name(relative))
        if "source" in self.outputs and own_format:
            names.append(relative)
        return names

    def _source_format(self, record: TranscriptRecord, text: str) -> bytes:
        """The source written back in its own format with ``text``'s words in place."""
        try:
            source = self.read_source(record.path, self.max_file_bytes)
            unchanged = self.source_hash(record.path) == record.content_hash
        except (TranscriptError, OSError) as exc:
            raise OutputError(f"the source cannot be read to write its own format: {exc}") from exc
        if not unchanged or source.layout is None:
            raise OutputError(
                "the source changed since it was structured; it will be processed again"
            )
        return source.layout.write(words_for_source(source.text, text)).encode("utf-8")

    def accept(self, transcript_id: int, replace_foreign: bool = False) -> Path:
        """Write the candidate's outputs (:meth:`outputs_of`), all or none, then record
        the decision; returns the path of the first.

        A file already at an output's place is replaced only if it is this
        transcript's own earlier output or already holds this text; anything else (a
        hand-edited output, another program's file, another transcript's output) raises
        :class:`ForeignOutputError` and nothing is written, unless ``replace_foreign``
        (the person said to replace it). Any other failure is an :class:`OutputError`.
        Either way the transcript stays where it was, with the reason recorded
        (``status`` shows it) until it is decided.

        The files are written first: if the process dies in between, the transcript is
        still ``review`` and the next open finds it accepted (:meth:`reconcile`).
        """
        record = self.library.get(transcript_id)
        data = self._candidate_bytes(record)
        names = self.outputs_of(record.path)

        def approve(relative: str, existing: str) -> None:
            if replace_foreign or existing == digests.get(relative):
                return
            owners = self.library.output_owners(existing)
            if record.path not in owners:
                raise ForeignOutputError(self.out_dir / relative, owners[0] if owners else None)

        try:
            problem = self.output_problem()
            if problem:
                raise OutputError(problem)
            text = data.decode("utf-8")
            files = [
                (name, data if name.endswith(".md") else self._source_format(record, text))
                for name in names
            ]
            digests = {name: hashlib.sha256(body).hexdigest() for name, body in files}
            written = write_outputs(self._outputs, files, approve)
        except OutputError as exc:
            self.library.set_reason(transcript_id, f"could not write the output: {exc}")
            raise
        paths = [str(self.out_dir / name) for name in names]
        further = list(zip(paths[1:], written[1:], strict=True))
        self.library.record_decision(transcript_id, Status.ACCEPTED, paths[0], written[0], further)
        return self.out_dir / names[0]

    def reconcile(self) -> tuple[str, ...]:
        """Record the acceptances a kill interrupted: every transcript in review whose
        output on disk is exactly its candidate as :meth:`accept` writes it."""
        found = []
        for record in self.library.transcripts(Status.REVIEW):
            if record.candidate_attempt is None:
                continue
            on_disk = output_hash(self._outputs, self.outputs_of(record.path)[0])
            if on_disk is None or not self.outputs_of(record.path)[0].endswith(".md"):
                continue
            if hashlib.sha256(self._candidate_bytes(record)).hexdigest() == on_disk:
                target = str(self.out_dir / self.outputs_of(record.path)[0])
                self.library.record_decision(record.id, Status.ACCEPTED, target, on_disk)
                found.append(record.path)
        return tuple(found)

    def reject(self, transcript_id: int, remove_output: bool = False) -> Path | None:
        """Record a rejection. The outputs an earlier acceptance wrote are removed with
        ``remove_output`` (each only if it is still exactly what was written) or kept;
        the rejection records the outputs kept, so the state says they are on disk.
        Returns the first one kept, or None when no output of this transcript is on disk."""
        decisions = self.library.decisions(transcript_id)
        latest = decisions[-1] if decisions and decisions[-1]["output_path"] else None
        written: list[tuple[str, str]] = []
        if latest is not None:
            written = [(latest["output_path"], latest["output_hash"])]
            written += self.library.decision_outputs(latest["id"])
        kept = [(path, digest) for path, digest in written if Path(path).is_file()]
        if remove_output:
            for path, digest in kept:
                self._remove_output(transcript_id, Path(path), digest)
            kept = []
        first = kept[0] if kept else (None, None)
        self.library.record_decision(transcript_id, Status.REJECTED, first[0], first[1], kept[1:])
        return Path(first[0]) if first[0] else None

    def _remove_output(self, transcript_id: int, path: Path, digest: str | None) -> None:
        """Delete an output this tool wrote, refusing anything else."""
        relative = self.library.get(transcript_id).path
        expected = [self.out_dir / name for name in self.outputs_of(relative)]
        if path not in expected or path.is_symlink():
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
