"""One log line per event of an unattended `watch`, to the terminal and a log file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tui_structurer import paths
from tui_structurer.pipeline import AttemptFinished
from tui_structurer.processing.file_job import FileFinished, FileStarted
from tui_structurer.processing.session import FolderChange, SessionError, SessionEvent

LOG_NAME = "watch.log"


def open_log() -> tuple[logging.Logger, Path]:
    """A logger writing to stdout and to ``<user log dir>/watch.log``."""
    log_file = paths.user_log_dir() / LOG_NAME
    log_file.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("tui_structurer.watch")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for handler in (logging.FileHandler(log_file, encoding="utf-8"),
                    logging.StreamHandler(sys.stdout)):  # fmt: skip
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    return logger, log_file


def log_event(logger: logging.Logger, event: SessionEvent, path: str | None = None) -> None:
    """Log what matters of ``event``; token-level events are not logged. ``path`` names
    the file an attempt belongs to (several can be in flight)."""
    if isinstance(event, FileStarted):
        logger.info("started %s (%d words)", event.path, event.words)
    elif isinstance(event, AttemptFinished):
        result = event.result
        verdict = "passed" if result.passed else "failed: " + "; ".join(result.gate_reasons)
        logger.info("  attempt on %s, %s/%s (%s): likeness %.3f, %.1f tok/s, %s",
                    path or "?", result.step.model, result.step.prompt, result.step.mode,
                    result.raw_fidelity.likeness, result.stats.decode_tokens_per_s,
                    verdict)  # fmt: skip
    elif isinstance(event, FileFinished):
        done = event.result
        level = logging.WARNING if done.status == "failed" else logging.INFO
        reason = f" — {done.reason}" if done.reason else ""
        logger.log(level, "finished %s: %s%s (%.1f s)", done.path, done.status, reason,
                   done.seconds)  # fmt: skip
    elif isinstance(event, FolderChange):
        detail = f" ({event.detail})" if event.detail else ""
        logger.info("%s: %s%s", event.kind, ", ".join(event.paths), detail)
    elif isinstance(event, SessionError):
        logger.error("%s", event.message)
