"""One log line per event of an unattended `watch`, to the terminal and a log file."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from tui_structurer import paths
from tui_structurer.pipeline import AttemptFailed, AttemptFinished
from tui_structurer.processing.events import (
    FileFinished,
    FileResult,
    FileStarted,
    FolderChange,
    SessionError,
    SessionEvent,
)
from tui_structurer.text.display import printable_path

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


def log_event(logger: logging.Logger, wrapped: SessionEvent) -> None:
    """Log what matters of an event; token-level events are not logged."""
    if isinstance(wrapped, FolderChange):
        detail = f" ({printable_path(wrapped.detail)})" if wrapped.detail else ""
        names = ", ".join(printable_path(p) for p in wrapped.paths)
        logger.info("%s: %s%s", wrapped.kind, names, detail)
        return
    if isinstance(wrapped, SessionError):
        logger.error("%s", wrapped.message)
        return
    event, path = wrapped.event, printable_path(wrapped.path)
    if isinstance(event, FileStarted):
        logger.info("started %s (%d words)", path, event.words)
        for warning in event.warnings:
            logger.warning("  %s: %s", path, warning)
    elif isinstance(event, AttemptFinished):
        result = event.result
        verdict = "passed" if result.passed else "failed: " + "; ".join(result.gate_reasons)
        logger.info("  attempt on %s, %s/%s (%s): likeness %.3f, %.1f tok/s, %s",
                    path, result.step.model, result.step.prompt, result.mode,
                    result.raw_fidelity.likeness, result.stats.decode_tokens_per_s,
                    verdict)  # fmt: skip
    elif isinstance(event, AttemptFailed):
        logger.warning("  attempt on %s, %s/%s could not run: %s",
                       path, event.step.model, event.step.prompt, event.message)  # fmt: skip
    elif isinstance(event, FileFinished) and event.result.cancelled:
        logger.info("stopped %s: it returns to pending", path)
    elif isinstance(event, FileFinished):
        done = event.result
        level = logging.WARNING if done.status == "failed" or done.write_failed else logging.INFO
        reason = f" — {done.reason}" if done.reason else ""
        logger.log(level, "finished %s: %s%s (%.1f s)", path, done.status, reason,
                   done.seconds)  # fmt: skip


def log_accepted(logger: logging.Logger, result: FileResult) -> None:
    """A file that was waiting in review and passed the gate, written (or not) on start."""
    path = printable_path(result.path)
    if result.write_failed:
        logger.warning("%s stays in review: %s", path, result.reason)
    else:
        logger.info("accepted %s (it was waiting in review and passed the gate)", path)
