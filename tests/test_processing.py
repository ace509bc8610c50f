"""The processing path around a model: cascade, fallbacks, reruns, cancels, retries and
files in flight, with a scripted engine (no model, no timing)."""

from __future__ import annotations

import dataclasses
import io
import threading
from pathlib import Path

import pytest

from processing_helpers import run_until_idle
from scripted_engine import ScriptedEngine, scripted_loader
from tui_structurer.cli.progress import ConsoleProgress, live_line
from tui_structurer.cli.summary import summarize
from tui_structurer.config import CascadeStep, Config, load_config
from tui_structurer.engines import EngineError, EngineUnavailable
from tui_structurer.engines.base import StrictUnsupported
from tui_structurer.engines.pool import EnginePool
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.library.scan import file_hash
from tui_structurer.pipeline import AttemptFailed, AttemptStarted, Pipeline, TokenGenerated
from tui_structurer.processing.events import (
    FileEvent,
    FileFinished,
    FileResult,
    FileStarted,
    SessionEvent,
)
from tui_structurer.processing.live import LiveStats
from tui_structurer.processing.session import ReviewSession

TALK = "so the ferry was late again and we stood on the pier for an hour"
OTHER = "my grandmother kept bees for forty years and never once wore gloves"
STRICT = CascadeStep("gemma3-270m", "structure-strict", "strict")
REPAIR = CascadeStep("gemma3-270m", "structure-fallback", "repair")


def folder_with(root: Path, *texts: str) -> Folder:
    root.mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(texts):
        (root / f"talk-{index}.txt").write_text(text + "\n")
    folder = Folder(root, Path("structured"))
    folder.refresh()
    return folder


def session_with(
    folder: Folder, engine: ScriptedEngine, config: Config | None = None, auto: bool = False
) -> ReviewSession:
    config = config or load_config()
    return ReviewSession(folder, config, EnginePool(scripted_loader(engine)), auto_accept=auto)


def test_a_strict_output_passes_and_waits_for_review(tmp_path: Path) -> None:
    session = session_with(folder_with(tmp_path / "t", TALK), ScriptedEngine())
    (result,) = run_until_idle(session)
    assert result.status == Status.REVIEW and result.passed and result.reason is None
    (attempt,) = session.folder.library.attempts(session.folder.library.transcripts()[0].id)
    assert attempt.mode == "strict" and attempt.final_output.startswith("So the ferry")
    session.close()


def test_strict_unavailable_falls_back_to_repair_and_the_record_says_repair(
    tmp_path: Path,
) -> None:
    engine = ScriptedEngine(
        strict_replies=[StrictUnsupported("the server refused the grammar")],
        replies=["So the ferry was late again, and we stood on the pier for an hour."],
    )
    session = session_with(folder_with(tmp_path / "t", TALK), engine)
    (result,) = run_until_idle(session)
    assert result.passed
    library = session.folder.library
    (attempt,) = library.attempts(library.transcripts()[0].id)
    assert (attempt.prompt, attempt.mode) == ("structure-strict", "repair")
    assert "fell back to repair" in attempt.note
    session.close()


def test_a_step_whose_model_fails_moves_on_to_the_next_step(tmp_path: Path) -> None:
    engine = ScriptedEngine(
        strict_replies=[EngineError('model "gemma3-270m" failed while generating: boom')],
        replies=["So the ferry was late again. We stood on the pier for an hour."],
    )
    events: list[SessionEvent] = []
    session = session_with(folder_with(tmp_path / "t", TALK), engine)
    (result,) = run_until_idle(session, events.append)
    assert result.status == Status.REVIEW and result.passed and result.attempts == 1
    failed = [e.event for e in events if isinstance(e, FileEvent)]
    assert any(isinstance(e, AttemptFailed) and "boom" in e.message for e in failed)
    assert engine.calls == ["strict", "generate"]
    session.close()


def test_a_file_every_step_fails_on_is_failed_with_the_reasons(tmp_path: Path) -> None:
    engine = ScriptedEngine(
        strict_replies=[EngineError("strict broke")], replies=[EngineError("repair broke")]
    )
    session = session_with(folder_with(tmp_path / "t", TALK, OTHER), engine)
    results = run_until_idle(session)
    first = next(r for r in results if r.path == "talk-0.txt")
    assert first.status == Status.FAILED
    assert "strict broke" in (first.reason or "") and "repair broke" in (first.reason or "")
    second = next(r for r in results if r.path == "talk-1.txt")
    assert second.status == Status.REVIEW  # the batch went on
    session.close()


def test_a_server_that_is_away_leaves_the_file_pending_and_it_is_retried(
    tmp_path: Path,
) -> None:
    engine = ScriptedEngine(strict_replies=[EngineUnavailable("no server answered")])
    session = session_with(folder_with(tmp_path / "t", TALK), engine)
    (result,) = run_until_idle(session)
    assert result.status == Status.PENDING and "no server answered" in (result.reason or "")
    (again,) = run_until_idle(session)  # the server is back
    assert again.status == Status.REVIEW
    session.close()


def test_the_loop_retries_a_file_after_a_pause_while_watching(tmp_path: Path) -> None:
    engine = ScriptedEngine(strict_replies=[EngineUnavailable("no server answered")])
    session = session_with(folder_with(tmp_path / "t", TALK), engine)
    session.retry_later_s = 0.0
    stop = threading.Event()
    statuses: list[Status] = []

    def notify(event: SessionEvent) -> None:
        if isinstance(event, FileEvent) and isinstance(event.event, FileFinished):
            statuses.append(event.event.result.status)
            if event.event.result.status == Status.REVIEW:
                stop.set()

    session.enqueue_pending()
    session.run_queue(stop, notify)
    assert statuses == [Status.PENDING, Status.REVIEW]
    session.close()


def test_cancel_returns_the_file_to_pending_and_keeps_nothing(tmp_path: Path) -> None:
    session: ReviewSession
    engine = ScriptedEngine(on_piece=lambda _: session.stop_current())
    session = session_with(folder_with(tmp_path / "t", TALK), engine)
    (result,) = run_until_idle(session)
    assert result.cancelled and result.status == Status.PENDING
    record = session.folder.library.transcripts()[0]
    assert record.status == Status.PENDING and record.attempts == 0
    session.close()


@pytest.mark.parametrize("change", ["deleted", "edited"])
def test_source_deleted_or_changed_while_processing(tmp_path: Path, change: str) -> None:
    folder = folder_with(tmp_path / "talks", TALK)
    source = folder.root / "talk-0.txt"

    def meddle(_: str) -> None:
        if source.exists() and source.read_text() == TALK + "\n":
            if change == "deleted":
                source.unlink()
            else:
                source.write_text(TALK + " and then it rained\n")

    session = session_with(folder, ScriptedEngine(on_piece=meddle))
    (result,) = run_until_idle(session)
    record = folder.library.get_by_path("talk-0.txt")
    assert record is not None
    if change == "deleted":
        assert result.status == Status.MISSING == record.status
    else:
        assert result.status == Status.PENDING == record.status
        assert result.reason == "the source changed while it was processed"
        folder.refresh()  # the new content is picked up and will be processed
        assert folder.library.get(record.id).content_hash == file_hash(source)
    assert record.attempts >= 1  # what was done is kept as history
    session.close()


def test_a_worse_rerun_does_not_replace_what_is_under_review(tmp_path: Path) -> None:
    engine = ScriptedEngine(replies=[TALK])  # the fallback gives the source back unchanged
    session = session_with(folder_with(tmp_path / "t", TALK), engine)
    run_until_idle(session)
    library = session.folder.library
    record = library.transcripts()[0]
    first = record.candidate_attempt
    session.rerun(record.id, "structure-fallback")
    session.run_queue(threading.Event(), lambda _: None, until_idle=True)
    after = library.get(record.id)
    assert after.attempts == 2 and after.candidate_attempt == first
    assert after.status == Status.REVIEW
    session.close()


def test_a_better_rerun_replaces_a_failed_candidate(tmp_path: Path) -> None:
    engine = ScriptedEngine(
        strict_replies=[TALK + "."],  # adds only the forced full stop: too little structure
        replies=[TALK, "So the ferry was late again, and we stood on the pier for an hour."],
    )
    config = load_config()
    config = dataclasses.replace(config, cascade=(STRICT,))
    session = session_with(folder_with(tmp_path / "t", TALK), engine, config)
    run_until_idle(session)
    library = session.folder.library
    record = library.transcripts()[0]
    session.rerun(record.id, "structure-fallback")
    session.run_queue(threading.Event(), lambda _: None, until_idle=True)
    after = library.get(record.id)
    assert after.candidate_attempt != record.candidate_attempt and after.passed
    session.close()


def test_auto_accept_writes_files_already_waiting_in_review(tmp_path: Path) -> None:
    folder = folder_with(tmp_path / "t", TALK)
    session = session_with(folder, ScriptedEngine())
    run_until_idle(session)  # reviewed later, by nobody: it waits
    assert folder.library.transcripts()[0].status == Status.REVIEW
    (result,) = session.accept_waiting()
    assert result.status == Status.ACCEPTED
    assert (folder.root / "structured" / "talk-0.md").read_text().startswith("So the ferry")
    session.close()


def test_an_output_that_cannot_be_written_is_not_a_success(tmp_path: Path) -> None:
    folder = folder_with(tmp_path / "t", TALK)
    (folder.root / "structured").write_text("a file where the output folder should be")
    session = session_with(folder, ScriptedEngine(), auto=True)
    (result,) = run_until_idle(session)
    assert result.status == Status.REVIEW and result.write_failed
    assert "could not be written" in (result.reason or "")
    summary = summarize([result], session.config.gate)
    assert summary.successes == 0
    session.close()


def test_several_files_in_flight_are_all_shown_and_named(tmp_path: Path) -> None:
    gate = threading.Event()
    engine = ScriptedEngine(concurrency=2, gate=gate)
    config = load_config()
    server = dataclasses.replace(
        config.models["gemma3-270m"], engine="openai", base_url="http://x", concurrency=2
    )
    config = dataclasses.replace(config, models={**config.models, "gemma3-270m": server})
    session = session_with(folder_with(tmp_path / "t", TALK, OTHER), engine, config)
    started = threading.Barrier(3)

    def notify(event: SessionEvent) -> None:
        if isinstance(event, FileEvent) and isinstance(event.event, AttemptStarted):
            started.wait(10)

    session.enqueue_pending()
    worker = threading.Thread(
        target=session.run_queue, args=(threading.Event(), notify, True), daemon=True
    )
    worker.start()
    started.wait(10)  # both files have started their attempt
    view = session.live.snapshot()
    assert {s.path for s in view.streams} == {"talk-0.txt", "talk-1.txt"}
    line = live_line(view, 0, 2)
    assert "talk-0.txt" in line and "talk-1.txt" in line
    gate.set()
    worker.join(10)
    assert {r.status for r in session.folder.library.transcripts()} == {Status.REVIEW}
    session.close()


def test_live_figures_can_be_read_while_workers_change_them() -> None:
    live = LiveStats()
    stop = threading.Event()
    errors: list[BaseException] = []

    def worker(base: int) -> None:
        step = STRICT
        while not stop.is_set():
            for tid in range(base, base + 20):
                live(FileEvent(tid, f"f{tid}.txt", FileStarted(10)))
                live(FileEvent(tid, f"f{tid}.txt", AttemptStarted(0, step, 1, 10)))
                live(FileEvent(tid, f"f{tid}.txt", TokenGenerated("x", 1, 10)))
                result = FileResult(f"f{tid}.txt", Status.REVIEW, 1.0, True, 1, None, 0.1, 10)
                live(FileEvent(tid, f"f{tid}.txt", FileFinished(result)))

    threads = [threading.Thread(target=worker, args=(n * 100,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(3000):
            view = live.snapshot()
            view.eta_seconds(5)
            live.sample()
    except BaseException as exc:  # "dictionary changed size during iteration"
        errors.append(exc)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors


class _Overlap(io.StringIO):
    """Records whether two threads were ever inside ``write`` at once."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = 0
        self.overlapped = False
        self._count = threading.Lock()

    def write(self, text: str) -> int:
        with self._count:
            self.inside += 1
            self.overlapped |= self.inside > 1
        try:
            for _ in range(200):  # a slow terminal: gives another thread a chance to enter
                pass
            return super().write(text)
        finally:
            with self._count:
                self.inside -= 1


def test_progress_lines_from_several_threads_never_interleave() -> None:
    stream = _Overlap()
    progress = ConsoleProgress(LiveStats(), total=400, stream=stream, tty=False)

    def worker(base: int) -> None:
        for tid in range(base, base + 100):
            progress(FileEvent(tid, f"f{tid}.txt", FileStarted(10)))
            result = FileResult(f"f{tid}.txt", Status.REVIEW, 1.0, True, 1, None, 0.1, 10)
            progress(FileEvent(tid, f"f{tid}.txt", FileFinished(result)))

    threads = [threading.Thread(target=worker, args=(n * 1000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not stream.overlapped
    assert stream.getvalue().count("\n") == 800


def test_each_chunk_knows_how_long_the_paragraph_it_begins_in_already_is() -> None:
    """Paragraph breaks are placed per chunk: a chunk is told the words of the open
    paragraph the text before it ended in."""
    engine = ScriptedEngine(context=900)
    engine.strict_replies = ["One two.\n\nThree four five", " six seven"]
    pipeline = Pipeline(load_config(), EnginePool(scripted_loader(engine)))
    pipeline.process(" ".join(f"w{i}" for i in range(900)), (STRICT,))
    chunks = engine.strict_chunks
    assert len(chunks) >= 3
    assert [c.paragraph_words for c in chunks[:3]] == [0, 3, 5]
