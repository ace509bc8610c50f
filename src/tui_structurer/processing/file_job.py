"""The one path a transcript takes: read, structure, record, offer (or write).

`run`, `watch` and the review app all process a file through :func:`process_file`; only
the way files are queued differs.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tui_structurer.config import CascadeStep
from tui_structurer.errors import Cancelled, FileProblem, RetryLater
from tui_structurer.library import Status, StoreError, TranscriptRecord
from tui_structurer.library.folder import Folder
from tui_structurer.library.outputs import OutputError
from tui_structurer.pipeline import AttemptFinished, Outcome, Pipeline, PipelineEvent
from tui_structurer.processing.events import FileEvent, FileFinished, FileResult, FileStarted
from tui_structurer.processing.review import best_attempt
from tui_structurer.text.source_rules import source_rules

CANCELLED_REASON = "stopped before it finished; it will be processed again"


@dataclass(frozen=True, slots=True)
class FileJob:
    """Everything :func:`process_file` needs besides the file itself."""

    folder: Folder
    pipeline: Pipeline
    max_file_bytes: int
    auto_accept: bool = False


def process_file(
    job: FileJob,
    record: TranscriptRecord,
    emit: Callable[[FileEvent], None],
    cancel: threading.Event,
    steps: tuple[CascadeStep, ...] | None = None,
) -> FileResult:
    """Structure ``record``'s file with the cascade (or ``steps``), record every attempt
    and offer the best for review, or write it when auto-accepting and it passed.

    Every outcome is a :class:`FileResult` (a cancel or a server that is away leaves the
    file pending); only an error that stops the whole run (a model that does not load, a
    state store that cannot be written) is raised, with the file back to pending.
    """
    run = _FileRun(job, record, emit)
    try:
        return run.process(cancel, steps)
    except StoreError:
        with contextlib.suppress(StoreError):  # the store may be what is failing
            job.folder.library.return_to_pending(record.id)
        raise


class _FileRun:
    """One file on its way through; emits its events with its id and path."""

    def __init__(self, job: FileJob, record: TranscriptRecord, emit: Callable[[FileEvent], None]):
        self.job, self.record, self._emit = job, record, emit
        self.started = time.perf_counter()
        self.words = 0
        self.warnings: tuple[str, ...] = ()

    def emit(self, event: FileStarted | PipelineEvent | FileFinished) -> None:
        self._emit(FileEvent(self.record.id, self.record.path, event))

    def finish(
        self,
        status: Status,
        reason: str | None = None,
        outcome: Outcome | None = None,
        write_failed: bool = False,
        cancelled: bool = False,
    ) -> FileResult:
        result = FileResult(
            path=self.record.path,
            status=status,
            likeness=outcome.candidate.raw_fidelity.likeness if outcome else None,
            passed=outcome.passed if outcome else False,
            attempts=len(outcome.attempts) if outcome else 0,
            reason=reason,
            seconds=time.perf_counter() - self.started,
            words=self.words,
            warnings=self.warnings,
            write_failed=write_failed,
            cancelled=cancelled,
        )
        self.emit(FileFinished(result))
        return result

    def process(self, cancel: threading.Event, steps: tuple[CascadeStep, ...] | None) -> FileResult:
        folder, record = self.job.folder, self.record
        library = folder.library
        try:
            transcript = folder.read_source(record.path, self.job.max_file_bytes)
        except FileProblem as exc:
            library.fail(record.id, str(exc))
            return self.finish(Status.FAILED, str(exc))
        self.words, self.warnings = transcript.word_count, transcript.warnings
        punctuation = source_rules(transcript.text).marks_per_100_words
        library.mark_running(record.id, self.words, transcript.warnings, punctuation)
        self.emit(FileStarted(self.words, self.warnings))
        attempt_ids: list[int] = []

        def on_event(event: PipelineEvent) -> None:
            if isinstance(event, AttemptFinished):
                attempt_ids.append(
                    library.add_attempt(record.id, record.content_hash, event.result)
                )
            self.emit(event)

        try:
            outcome = self.job.pipeline.process(transcript.text, steps, on_event, cancel)
        except Cancelled:
            library.return_to_pending(record.id)
            return self.finish(Status.PENDING, CANCELLED_REASON, cancelled=True)
        except RetryLater as exc:  # e.g. the server is away: this file waits for it
            library.return_to_pending(record.id)
            return self.finish(Status.PENDING, str(exc))
        except FileProblem as exc:
            library.fail(record.id, str(exc))
            return self.finish(Status.FAILED, str(exc))
        except BaseException:
            library.return_to_pending(record.id)
            raise
        return self._offer(outcome, attempt_ids, rerun=steps is not None)

    def _offer(self, outcome: Outcome, attempt_ids: list[int], rerun: bool) -> FileResult:
        folder, record = self.job.folder, self.record
        library = folder.library
        try:
            changed = folder.source_hash(record.path) != record.content_hash
        except FileNotFoundError:
            library.mark_missing(record.path)  # its attempts stay on record
            return self.finish(
                Status.MISSING, "the source was deleted while it was processed", outcome
            )
        except OSError:  # no longer a regular file inside the folder
            changed = True
        if changed:
            library.return_to_pending(record.id)
            return self.finish(Status.PENDING, "the source changed while it was processed", outcome)
        offered = library.attempt(attempt_ids[outcome.chosen])
        if rerun and record.candidate_attempt is not None:
            # A rerun replaces what was under review only if it is better.
            previous = library.attempt(record.candidate_attempt)
            if previous.content_hash == record.content_hash:
                offered = best_attempt([previous, offered])
        library.offer_for_review(record.id, offered.id)
        if self.job.auto_accept and offered.passed:
            try:
                folder.accept(record.id)
            except OutputError as exc:
                reason = f"passed, but the output could not be written: {exc}"
                return self.finish(Status.REVIEW, reason, outcome, write_failed=True)
            return self.finish(Status.ACCEPTED, None, outcome)
        reasons = "; ".join(offered.gate_reasons) or None
        return self.finish(Status.REVIEW, reasons, outcome)
