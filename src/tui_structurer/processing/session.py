"""A folder opened for work: the queue, the one processing loop, and the decisions.

`run` enqueues the pending files and runs the loop until the queue is empty; `watch`
and the review app feed the same loop from the folder watcher and the reviewer. It
holds no UI code; everything that touches a model or a file runs in the caller's
(worker) threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from tui_structurer.config import CascadeStep, Config
from tui_structurer.config.model_choice import use_model
from tui_structurer.config.schema import Mode
from tui_structurer.engines.pool import EnginePool
from tui_structurer.errors import RunFatal
from tui_structurer.library import AttemptRecord, Status, TranscriptRecord
from tui_structurer.library.folder import Folder
from tui_structurer.library.outputs import OutputError
from tui_structurer.library.watcher import FolderWatcher
from tui_structurer.pipeline import Pipeline
from tui_structurer.pipeline.gate import judge_text
from tui_structurer.processing.events import FileEvent, FileResult, SessionError, SessionEvent
from tui_structurer.processing.file_job import FileJob, process_file
from tui_structurer.processing.folder_feed import watch_folder
from tui_structurer.processing.live import LiveStats
from tui_structurer.processing.queue import Job, WorkQueue
from tui_structurer.processing.review import ReviewItem, load_review
from tui_structurer.transcripts import TranscriptError

RETRY_LATER_S = 5.0
"""Pause before a file that could not be finished (server away) is tried again."""
POLL_S = 0.2

Notify = Callable[[SessionEvent], None]


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
        self.engines = engines or EnginePool()
        self.queue = WorkQueue()
        self.live = LiveStats()
        self.cancel = threading.Event()
        """Set to stop the generations in flight; their files return to pending."""
        self._watcher: FolderWatcher | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._pipeline = Pipeline(config, self.engines)
        self.retry_later_s = RETRY_LATER_S
        """Pause before a file whose server was away is tried again (while watching)."""

    def enqueue_pending(self) -> int:
        """Queue every pending transcript not already queued."""
        pending = [r.id for r in self.folder.library.transcripts(Status.PENDING)]
        return self.queue.extend(pending)

    def use_model(self, name: str) -> None:
        """Run later files with ``name`` (a profile or a GGUF spec)."""
        self.config = use_model(self.config, name)
        self._pipeline = Pipeline(self.config, self.engines)

    # -- the processing loop -------------------------------------------------------------

    def run_queue(self, stop: threading.Event, notify: Notify, until_idle: bool = False) -> None:
        """Process queued jobs until ``stop`` is set (or, with ``until_idle``, until the
        queue is empty and nothing is in flight), as many files at a time as the
        cascade's models serve. Call from a worker thread; it returns when every file
        in flight has finished or gone back to pending.

        An error that stops the run (a model that does not load) pauses the queue and is
        reported as a :class:`SessionError`; with ``until_idle`` it also ends the loop.
        """
        self.cancel.clear()
        self._idle.clear()
        try:
            helpers = [
                threading.Thread(
                    target=self._work, args=(stop, notify, until_idle), name=f"file-{n}"
                )
                for n in range(self._pipeline.concurrency() - 1)
            ]
            for helper in helpers:
                helper.start()
            self._work(stop, notify, until_idle)
            for helper in helpers:
                helper.join()
        finally:
            self._idle.set()

    def _work(self, stop: threading.Event, notify: Notify, until_idle: bool) -> None:
        def emit(event: FileEvent) -> None:
            self.live(event)
            notify(event)

        job_setup = FileJob(
            self.folder, self._pipeline, self.config.settings.max_file_bytes, self.auto_accept
        )
        while not stop.is_set():
            job = self.queue.next(timeout=POLL_S)
            if job is None:
                if until_idle and self.queue.drained():
                    return
                continue
            try:
                record = self.folder.library.get(job.transcript_id)
                if record.status not in (Status.PENDING, Status.FAILED):
                    continue
                result = process_file(job_setup, record, emit, self.cancel, job.steps)
                if result.status == Status.PENDING and not result.cancelled and not until_idle:
                    stop.wait(self.retry_later_s)  # e.g. the server is away: try again later
                    self.queue.extend([record.id])
            except RunFatal as exc:
                self.queue.set_paused(True)
                self.queue.push_front(job)
                notify(SessionError(str(exc)))
                if until_idle:
                    stop.set()
            finally:
                self.queue.done()

    def accept_waiting(self) -> list[FileResult]:
        """Write every file waiting in review whose offered attempt passed the gate (for
        ``--auto-accept``, which also covers files a previous run left in review)."""
        results = []
        for record in self.folder.library.transcripts(Status.REVIEW):
            if not record.passed:
                continue
            status, reason = Status.ACCEPTED, None
            try:
                self.folder.accept(record.id)
            except OutputError as exc:
                status, reason = (
                    Status.REVIEW,
                    f"passed, but the output could not be written: {exc}",
                )
            results.append(
                FileResult(
                    record.path,
                    status,
                    record.likeness,
                    True,
                    record.attempts,
                    reason,
                    0.0,
                    record.words or 0,
                    record.warnings,
                    write_failed=reason is not None,
                )
            )
        return results

    # -- watching ----------------------------------------------------------------------

    def start_watching(self, notify: Notify, quiet_s: float) -> None:
        """Queue transcripts dropped into the folder from now on (until :meth:`close`)."""
        self._watcher = watch_folder(self.folder, self.queue, notify, quiet_s)

    def stop_current(self) -> None:
        """Cancel the generations in progress; their files return to pending."""
        self.cancel.set()

    # -- review ------------------------------------------------------------------------

    def review_item(self, transcript_id: int, attempt_id: int | None = None) -> ReviewItem:
        """Load and diff a transcript's candidate, or its attempt ``attempt_id`` (slow on
        long texts: call off the UI)."""
        return load_review(
            self.folder, transcript_id, self.config.settings.max_file_bytes, attempt_id
        )

    def accept(
        self, transcript_id: int, attempt_id: int | None = None, replace_foreign: bool = False
    ) -> Path:
        """Write the candidate, or attempt ``attempt_id`` (the one the person was shown,
        which becomes the candidate), to the output folder; ``replace_foreign`` when the
        person said to replace a file the tool did not write."""
        if attempt_id is not None:
            self.choose_attempt(transcript_id, attempt_id)
        return self.folder.accept(transcript_id, replace_foreign)

    def reject(self, transcript_id: int, remove_output: bool = False) -> Path | None:
        """Reject; outputs an earlier acceptance wrote are removed or kept (the first
        kept is returned)."""
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
        """Keep the reviewer's edit (scored and gated like an attempt) as the candidate."""
        library = self.folder.library
        record = library.get(transcript_id)
        scored, reasons = judge_text(self.config.gate, source, edited)
        edit_id = library.add_edit(transcript_id, record.content_hash, edited, scored, reasons)
        library.offer_for_review(transcript_id, edit_id)
        return library.attempt(edit_id)

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
                    counts[record.id] = self.folder.read_source(record.path, limit).word_count
                except TranscriptError:
                    continue
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
