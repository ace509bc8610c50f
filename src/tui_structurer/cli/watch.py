"""`watch`: process a folder now and whatever is dropped into it later."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from tui_structurer.cli.common import EXIT_OK, EXIT_RUN_ERROR, open_folder
from tui_structurer.config import Config
from tui_structurer.config.model_choice import use_model


def command(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.cli.watch_log import log_accepted, log_event, open_log
    from tui_structurer.processing.events import SessionError, SessionEvent
    from tui_structurer.processing.session import ReviewSession
    from tui_structurer.text.display import printable_path

    if args.model:
        config = use_model(config, args.model)
    folder = open_folder(config, args.folder, args.out)
    session = ReviewSession(folder, config, auto_accept=args.auto_accept)
    logger, log_file = open_log()
    stop = threading.Event()
    failed: list[str] = []

    def notify(event: SessionEvent) -> None:
        log_event(logger, event)
        if isinstance(event, SessionError):
            failed.append(event.message)
            stop.set()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s: stopping; the file in progress returns to pending",
                    signal.Signals(signum).name)  # fmt: skip
        stop.set()
        session.stop_current()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    quiet = args.quiet_seconds if args.quiet_seconds is not None else config.settings.quiet_seconds
    for note in folder.notes():
        logger.warning("%s", printable_path(note))
    try:
        if args.auto_accept:
            for result in session.accept_waiting():
                log_accepted(logger, result)
        queued = session.enqueue_pending()
        logger.info("watching %s (%d pending, quiet period %.1f s, log %s)", folder.root,
                    queued, quiet, log_file)  # fmt: skip
        session.start_watching(notify, quiet)
        session.run_queue(stop, notify)
    finally:
        session.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    logger.info("stopped")
    return EXIT_RUN_ERROR if failed else EXIT_OK
