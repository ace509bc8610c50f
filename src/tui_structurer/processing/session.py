"""A folder opened for review: the work queue, the processing loop and the decisions.

The TUI drives this from its workers; it holds no UI code. Everything that touches a
model or a file happens in the calling (worker) thread.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tui_structurer.config import CascadeStep, Config
from tui_structurer.config.model_choice import use_model
from tui_structurer.config.schema import Mode
from tui_structurer.engines.pool import EnginePool
from tui_structurer.library import AttemptRecord, Status, TranscriptRecord
from tui_structurer.library.folder import Folder
from tui_structurer.library.scan import scan_file
from tui_structurer.library.watcher import FolderWatcher, WatchCallbacks
from tui_structurer.pipeline import AttemptResult, Pipeline
from tui_structurer.pipeline.gate import gate_reasons
from tui_structurer.processing.file_job import BatchEvent, BatchRunner, RunError
from tui_structurer.processing.live import LiveStats
from tui_structurer.processing.queue import Job, WorkQueue
from tui_structurer.text import review_diff
from tui_structurer.text.fidelity import score
from tui_structurer.transcripts import TranscriptError, read_transcript

RETRY_LATER_S = 5.0
"""Pause before a file that could not be finished (server away) is tried again."""
EDITED = "(edited)"
"""Model and prompt name recorded for a reviewer's own edit."""


@dataclass(frozen=True, slots=True)
class SessionError:
    """The run cannot go on (e.g. a model that does not load); the queue is paused."""

    message: str


@dataclass(frozen=True, slots=True)
class FolderChange:
    """The watcher saw files arrive, move or disappear."""

    kind: str
    """"queued", "changed", "moved" or "missing"."""
    paths: tuple[str, ...]
    """Current relative paths of the transcripts concerned."""
    detail: str = ""


SessionEvent = BatchEvent | SessionError | FolderChange


@dataclass(frozen=True, slots=True)
class DecisionInfo:
    """The latest accept or reject of a transcript, for the review's header."""

    decision: Status
    attempt_id: int | None
    decided_at: float
    output_path: str | None
    """Accepted: the file written. Rejected: an earlier output kept on disk, if any."""
    output_on_disk: bool = False
    """Whether ``output_path`` is a file now."""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """Everything the review screen shows for one transcript."""

    record: TranscriptRecord
    source_text: str
    attempt: AttemptRecord
    """The attempt shown: the candidate unless another one was asked for."""
    history: tuple[AttemptRecord, ...]
    diff: review_diff.ReviewDiff
    decision: DecisionInfo | None = None


class ReviewSession:
    def __init__(
        self,
        folder: Folder,
        config: Config,
        engines: EnginePool | None = None,
        auto_accept: bool = False,
    ):
        self.folder = folder
        self.config = config
        self.auto_accept = auto_accept
        self._watcher: FolderWatcher | None = None
        self.engines = engines or EnginePool()
        self.queue = WorkQueue()
        self.live = LiveStats()
        self.cancel = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._pipeline = Pipeline(config, self.engines)

    def enqueue_pending(self) -> int:
        """Queue every pending transcript not already queued."""
        pending = [r.id for r in self.folder.library.transcripts(Status.PENDING)]
        return self.queue.extend(pending)

    def use_model(self, name: str) -> None:
        """Run later files with ``name`` (a profile or a GGUF spec)."""
        self.config = use_model(self.config, name)
        self._pipeline = Pipeline(self.config, self.engines)

    def run_queue(
        self,
        stop: threading.Event,
        notify: Callable[[SessionEvent], None],
        workers: int | None = None,
    ) -> None:
        """Process queued jobs until ``stop`` is set, ``workers`` files at a time (by
        default as many as the cascade's models serve at once). Call from a worker
        thread; it returns when every file in flight has finished or gone back."""
        count = workers or self._pipeline.concurrency()
        self.cancel.clear()
        self._idle.clear()
        try:
            helpers = [
                threading.Thread(target=self._work, args=(stop, notify), name=f"file-{n}")
                for n in range(count - 1)
            ]
            for helper in helpers:
                helper.start()
            self._work(stop, notify)
            for helper in helpers:
                helper.join()
        finally:
            self._idle.set()

    def _work(self, stop: threading.Event, notify: Callable[[SessionEvent], None]) -> None:
        def emit(event: BatchEvent) -> None:
            self.live(event)
            notify(event)

        while not stop.is_set():
            job = self.queue.next(timeout=0.2)
            if job is None:
                continue
            record = self.folder.library.get(job.transcript_id)
            if record.status not in (Status.PENDING, Status.FAILED):
                continue
            runner = BatchRunner(
                self.folder, self._pipeline, self.config.settings, self.auto_accept, emit=emit
            )
            try:
                result = runner.process_one(record, 0, len(self.queue) + 1, self.cancel, job.steps)
                if result is not None and result.status == Status.PENDING:
                    stop.wait(RETRY_LATER_S)  # e.g. the server is away: try again later
                    self.queue.extend([record.id])
            except RunError as exc:
                self.queue.set_paused(True)
                self.queue.push_front(job)
                notify(SessionError(str(exc)))

    # -- watching ----------------------------------------------------------------------

    def start_watching(self, notify: Callable[[SessionEvent], None], quiet_s: float) -> None:
        """Queue transcripts dropped into the folder from now on (until :meth:`close`)."""
        library = self.folder.library

        def ready(paths: list[str]) -> None:
            found = [f for f in (scan_file(self.folder.root, p) for p in paths) if f]
            adopted = [f.path for f in found if library.adopt_missing(f)]
            if adopted:
                notify(FolderChange("moved", tuple(adopted), "same content as a deleted file"))
            library.sync(found, complete=False)
            queued, changed = [], []
            for file in found:
                record = library.get_by_path(file.path)
                if record is None:
                    continue
                if record.status == Status.PENDING and record.id not in self.queue:
                    queued.append(record)
                else:
                    changed.append(record.path)
            self.queue.extend([r.id for r in queued])
            if queued:
                notify(FolderChange("queued", tuple(r.path for r in queued)))
            if changed:
                notify(FolderChange("changed", tuple(changed)))

        def moved(old: str, new: str, is_dir: bool) -> None:
            if is_dir:
                count = library.rename_folder(old, new)
                if count:
                    notify(FolderChange("moved", (new,), f"{old}/ → {new}/ ({count} files)"))
            elif library.rename(old, new):
                notify(FolderChange("moved", (new,), f"{old} → {new}"))
            else:  # renamed onto another transcript or from an unknown name: look again
                ready([new])

        def deleted(path: str) -> None:
            library.mark_missing(path)
            notify(FolderChange("missing", (path,)))

        self._watcher = FolderWatcher(
            self.folder.root,
            [self.folder.state_dir, self.folder.out_dir],
            WatchCallbacks(ready, moved, deleted),
            quiet_s,
        )
        self._watcher.start()

    def stop_current(self) -> None:
        """Cancel the generation in progress; its file returns to pending."""
        self.cancel.set()

    # -- review ------------------------------------------------------------------------

    def review_item(self, transcript_id: int, attempt_id: int | None = None) -> ReviewItem:
        """Load and diff a transcript's candidate, or its attempt ``attempt_id`` (slow on
        long texts: call off the UI)."""
        library = self.folder.library
        record = library.get(transcript_id)
        if record.candidate_attempt is None:
            raise ValueError(f"{record.path} has nothing to review yet")
        attempt = library.attempt(attempt_id or record.candidate_attempt)
        if attempt.transcript_id != transcript_id:
            raise ValueError(f"attempt {attempt.id} is not one of {record.path}")
        try:
            source = read_transcript(
                self.folder.source(record.path), self.config.settings.max_file_bytes
            ).text
        except TranscriptError as exc:
            raise ValueError(f"{record.path}: {exc}") from exc
        diff = review_diff.build(
            source, attempt.raw_output, attempt.final_output, attempt.unmatched
        )
        history = tuple(library.attempts(transcript_id))
        return ReviewItem(
            record, source, attempt, history, diff, self.latest_decision(transcript_id)
        )

    def latest_decision(self, transcript_id: int) -> DecisionInfo | None:
        decisions = self.folder.library.decisions(transcript_id)
        if not decisions:
            return None
        row = decisions[-1]
        output = row["output_path"]
        return DecisionInfo(
            Status(row["decision"]),
            row["attempt_id"],
            row["decided_at"],
            output,
            output is not None and Path(output).is_file(),
        )

    def accept(self, transcript_id: int, attempt_id: int | None = None) -> Path:
        """Write the candidate, or attempt ``attempt_id`` (the one the person was shown,
        which becomes the candidate), to the output folder."""
        if attempt_id is not None:
            self.choose_attempt(transcript_id, attempt_id)
        return self.folder.accept(transcript_id)

    def reject(self, transcript_id: int, remove_output: bool = False) -> Path | None:
        """Reject; an output an earlier acceptance wrote is removed or kept (returned)."""
        return self.folder.reject(transcript_id, remove_output)

    def choose_attempt(self, transcript_id: int, attempt_id: int) -> None:
        """Make ``attempt_id`` the transcript's candidate (the person picked it)."""
        if self.folder.library.attempt(attempt_id).transcript_id != transcript_id:
            raise ValueError(f"attempt {attempt_id} is not one of transcript {transcript_id}")
        if self.folder.library.get(transcript_id).candidate_attempt != attempt_id:
            self.folder.library.offer_for_review(transcript_id, attempt_id)

    def fallback_prompts(self) -> list[str]:
        """Prompts a rerun can use: the cascade's later ones first, then every other
        configured prompt; never the primary one."""
        primary = self.config.cascade[0].prompt
        ordered = [step.prompt for step in self.config.cascade[1:]] + list(self.config.prompts)
        return [name for name in dict.fromkeys(ordered) if name != primary]

    def rerun(self, transcript_id: int, prompt: str) -> None:
        """Queue the file next, with ``prompt`` on the model of its latest attempt."""
        attempts = self.folder.library.attempts(transcript_id)
        model = next(
            (a.model for a in reversed(attempts) if a.model in self.config.models),
            self.config.cascade[0].model,
        )
        self.folder.library.return_to_pending(transcript_id)
        step = CascadeStep(model, prompt, self.rerun_mode(prompt))
        self.queue.push_front(Job(transcript_id, (step,)))

    def rerun_mode(self, prompt: str) -> Mode:
        """The mode a rerun with ``prompt`` uses: the one the cascade runs it in (a strict
        prompt stays strict), else the first step's."""
        return next(
            (step.mode for step in self.config.cascade if step.prompt == prompt),
            self.config.cascade[0].mode,
        )

    def record_edit(self, transcript_id: int, source: str, edited: str) -> AttemptRecord:
        """Keep the reviewer's edit as a new attempt, scored like any other."""
        record = self.folder.library.get(transcript_id)
        fid = score(source, edited)
        result = AttemptResult(
            step=CascadeStep(EDITED, EDITED, "free"),
            raw_output=edited,
            final_output=edited,
            raw_fidelity=fid,
            final_fidelity=fid,
            passed=False,
            gate_reasons=(),
        )
        reasons = gate_reasons(self.config.gate, fid, fid)
        result = dataclasses.replace(result, passed=not reasons, gate_reasons=reasons)
        attempt_id = self.folder.library.add_attempt(transcript_id, record.content_hash, result)
        self.folder.library.offer_for_review(transcript_id, attempt_id)
        return self.folder.library.attempt(attempt_id)

    def count_words(self, batch: int = 200) -> Iterator[list[TranscriptRecord]]:
        """Count the words of transcripts that have no count yet (pending ones), storing
        them ``batch`` files at a time and yielding the updated rows. Unreadable files
        are left to processing, which says why. Call from a worker thread."""
        library = self.folder.library
        waiting = [r for r in library.transcripts() if r.words is None]
        limit = self.config.settings.max_file_bytes
        for start in range(0, len(waiting), batch):
            counts = {}
            for record in waiting[start : start + batch]:
                try:
                    transcript = read_transcript(self.folder.source(record.path), limit)
                except TranscriptError:
                    continue
                counts[record.id] = transcript.word_count
            if counts:
                library.record_words(counts)
                yield [library.get(transcript_id) for transcript_id in counts]

    def close(self, timeout: float = 30.0) -> None:
        """Stop watching and generating, wait for the processing loop to leave, close."""
        if self._watcher is not None:
            self._watcher.stop()
        self.cancel.set()
        self._idle.wait(timeout)
        self.engines.close()
        self.folder.close()
