"""`run`: structure every pending transcript of a folder, then print a summary."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from types import FrameType

from tui_structurer.cli.common import EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_ERROR, error, open_folder
from tui_structurer.cli.progress import ConsoleProgress
from tui_structurer.cli.summary import summarize
from tui_structurer.config import Config
from tui_structurer.config.model_choice import use_model
from tui_structurer.errors import UsageError
from tui_structurer.processing.events import (
    FileResult,
    SessionError,
    SessionEvent,
    finished_result,
)
from tui_structurer.processing.session import ReviewSession
from tui_structurer.text.display import printable_path


def command(args: argparse.Namespace, config: Config) -> int:
    if args.model:
        config = use_model(config, args.model)
    folder = open_folder(config, args.folder, args.out)
    problem = folder.output_problem()
    if args.auto_accept and problem:
        folder.close()
        raise UsageError(problem)
    for note in folder.notes():
        error(printable_path(note))
    session = ReviewSession(folder, config, auto_accept=args.auto_accept)
    stop = threading.Event()
    results: list[FileResult] = []
    fatal: list[str] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        session.stop_current()
        error(f"{signal.Signals(signum).name}: stopping; files in progress return to "
              "pending (again to force)")  # fmt: skip

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    progress: ConsoleProgress | None = None
    try:
        if args.auto_accept:
            results.extend(session.accept_waiting())
        queued = session.enqueue_pending()
        progress = ConsoleProgress(session.live, queued)

        def notify(event: SessionEvent) -> None:
            if isinstance(event, SessionError):
                fatal.append(event.message)  # said once, after the summary
                return
            assert progress is not None
            progress(event)
            result = finished_result(event)
            if result is not None and not result.cancelled:
                results.append(result)

        progress.start()
        session.run_queue(stop, notify, until_idle=True)
    finally:
        if progress is not None:
            progress.close()
        session.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = summarize(results, config.gate)
    print(json.dumps(summary.as_dict(), indent=2) if args.json else summary.as_text())
    for message in fatal:
        error(printable_path(f"{message} (the files not done stay pending)"))
    if fatal:
        return EXIT_RUN_ERROR
    if stop.is_set():
        return EXIT_INTERRUPTED
    # An output that passed but could not be written is lost work: say so in the code.
    return EXIT_RUN_ERROR if any(r.write_failed for r in results) else EXIT_OK
