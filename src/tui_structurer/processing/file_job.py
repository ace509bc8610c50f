"""Process a folder's pending transcripts one after another; used by `run` and the app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tui_structurer.config import CascadeStep, Settings
from tui_structurer.engines import EngineError, EngineLoadError
from tui_structurer.engines.openai_engine import EndpointUnavailable
from tui_structurer.library.folder import Folder
from tui_structurer.library.outputs import OutputError
from tui_structurer.library.records import Status, TranscriptRecord
from tui_structurer.library.scan import file_hash
from tui_structurer.pipeline import (
    AttemptFinished,
    Cancelled,
    Outcome,
    Pipeline,
    PipelineEvent,
)
from tui_structurer.text.chunking import ContextTooSmallError
from tui_structurer.transcripts import TranscriptError, read_transcript


@dataclass(frozen=True, slots=True)
class FileStarted:
    index: int
    total: int
    path: str
    words: int


@dataclass(frozen=True, slots=True)
class FileResult:
    """What became of one file in a run."""

    path: str
    status: Status
    likeness: float | None
    passed: bool
    attempts: int
    reason: str | None
    seconds: float
    words: int = 0


@dataclass(frozen=True, slots=True)
class FileFinished:
    index: int
    total: int
    result: FileResult


BatchEvent = FileStarted | FileFinished | PipelineEvent
BatchEmit = Callable[[BatchEvent], None]


class RunError(Exception):
    """The run itself cannot go on (a model that does not load); files stay pending."""


class BatchRunner:
    """Takes pending files from the store through the pipeline and records the results."""

    def __init__(
        self,
        folder: Folder,
        pipeline: Pipeline,
        settings: Settings,
        auto_accept: bool = False,
        steps: tuple[CascadeStep, ...] | None = None,
        emit: BatchEmit | None = None,
    ):
        self.folder = folder
        self.pipeline = pipeline
        self.settings = settings
        self.auto_accept = auto_accept
        self.steps = steps
        self._emit: BatchEmit = emit or (lambda _: None)

    def run(self, cancel: threading.Event | None = None, workers: int = 1) -> list[FileResult]:
        """Process every pending file, ``workers`` at a time (servers serve several; the
        in-process engine one); stops early, cleanly, when ``cancel`` is set."""
        pending = self.folder.library.transcripts(Status.PENDING)
        cancel = cancel or threading.Event()
        results: list[FileResult] = []
        position = iter(enumerate(pending))
        taking = threading.Lock()
        failure: list[BaseException] = []

        def work() -> None:
            while not cancel.is_set():
                with taking:
                    index, record = next(position, (-1, None))
                if record is None:
                    return
                try:
                    result = self.process_one(record, index, len(pending), cancel)
                except BaseException as exc:  # a run error ends every worker
                    failure.append(exc)
                    cancel.set()
                    return
                if result is None:
                    return
                with taking:
                    results.append(result)

        threads = [threading.Thread(target=work, name=f"file-{n}") for n in range(workers - 1)]
        for thread in threads:
            thread.start()
        work()
        for thread in threads:
            thread.join()
        if failure:
            raise failure[0]
        return results

    def process_one(
        self,
        record: TranscriptRecord,
        index: int = 0,
        total: int = 1,
        cancel: threading.Event | None = None,
        steps: tuple[CascadeStep, ...] | None = None,
    ) -> FileResult | None:
        """Process one file; ``None`` when cancelled (the file is pending again).

        ``steps`` replaces the cascade for this file (a rerun with a fallback prompt).
        """
        library = self.folder.library
        started = time.perf_counter()
        source = self.folder.source(record.path)

        def finish(
            status: Status, reason: str | None = None, outcome: Outcome | None = None
        ) -> FileResult:
            result = FileResult(
                path=record.path,
                status=status,
                likeness=outcome.candidate.raw_fidelity.likeness if outcome else None,
                passed=outcome.passed if outcome else False,
                attempts=len(outcome.attempts) if outcome else 0,
                reason=reason,
                seconds=time.perf_counter() - started,
                words=words,
            )
            self._emit(FileFinished(index, total, result))
            return result

        words = 0
        try:
            transcript = read_transcript(source, self.settings.max_file_bytes)
        except TranscriptError as exc:
            library.fail(record.id, str(exc))
            return finish(Status.FAILED, str(exc))

        words = transcript.word_count
        library.mark_running(record.id, words, transcript.warnings)
        self._emit(FileStarted(index, total, record.path, words))
        attempt_ids: list[int] = []

        def on_event(event: PipelineEvent) -> None:
            if isinstance(event, AttemptFinished):
                attempt_ids.append(
                    library.add_attempt(record.id, record.content_hash, event.result)
                )
            self._emit(event)

        try:
            outcome = self.pipeline.process(transcript.text, steps or self.steps, on_event, cancel)
        except Cancelled:
            library.return_to_pending(record.id)
            return None
        except (EngineLoadError, ContextTooSmallError) as exc:
            library.return_to_pending(record.id)
            raise RunError(str(exc)) from exc
        except EndpointUnavailable as exc:  # the server is away: this file waits for it
            library.return_to_pending(record.id)
            return finish(Status.PENDING, str(exc))
        except EngineError as exc:
            library.fail(record.id, str(exc))
            return finish(Status.FAILED, str(exc))
        except BaseException:
            library.return_to_pending(record.id)
            raise

        try:
            changed = file_hash(source) != record.content_hash
        except FileNotFoundError:
            library.mark_missing(record.path)  # its attempts stay on record
            return finish(Status.MISSING, "the source was deleted while it was processed", outcome)
        except OSError:
            changed = True
        if changed:
            library.return_to_pending(record.id)
            return finish(Status.PENDING, "the source changed while it was processed", outcome)
        library.offer_for_review(record.id, attempt_ids[outcome.chosen])
        if self.auto_accept and outcome.passed:
            try:
                self.folder.accept(record.id)
            except OutputError as exc:
                return finish(Status.REVIEW, f"could not write the output: {exc}", outcome)
            return finish(Status.ACCEPTED, None, outcome)
        reasons = "; ".join(outcome.candidate.gate_reasons) or None
        return finish(Status.REVIEW, reasons, outcome)
