"""`run`: structure every pending transcript of a folder, then print a summary."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from types import FrameType

from tui_structurer.cli.common import EXIT_INTERRUPTED, EXIT_OK, error, open_folder
from tui_structurer.cli.progress import ConsoleProgress
from tui_structurer.cli.summary import summarize
from tui_structurer.config import Config
from tui_structurer.config.model_choice import use_model
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline import Pipeline
from tui_structurer.processing.file_job import BatchRunner, FileResult


def command(args: argparse.Namespace, config: Config) -> int:
    if args.model:
        config = use_model(config, args.model)
    folder = open_folder(config, args.folder, args.out)
    cancel = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        error(
            f"{signal.Signals(signum).name}: stopping after returning the current file "
            "to pending (again to force)"
        )

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    progress = ConsoleProgress()
    engines = EnginePool()
    results: list[FileResult] = []
    try:
        runner = BatchRunner(
            folder, Pipeline(config, engines), config.settings, args.auto_accept, emit=progress
        )
        results = runner.run(cancel, workers=runner.pipeline.concurrency())
    finally:
        progress.close()
        engines.close()
        folder.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = summarize(results, config.gate)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2))
    else:
        print(summary.as_text())
    return EXIT_INTERRUPTED if cancel.is_set() else EXIT_OK
