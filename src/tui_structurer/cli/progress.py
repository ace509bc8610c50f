"""Progress of a headless run: a line per attempt and per file, and on a terminal one
live line for everything in flight, redrawn on a clock from the live figures."""

from __future__ import annotations

import shutil
import sys
import threading
from typing import TextIO

from tui_structurer.pipeline import AttemptFailed, AttemptFinished
from tui_structurer.processing.events import (
    FileEvent,
    FileFinished,
    FileStarted,
    SessionError,
    SessionEvent,
)
from tui_structurer.processing.live import LiveStats, LiveView, StreamView
from tui_structurer.text.display import printable_path
from tui_structurer.text.durations import format_duration

REDRAW_INTERVAL_S = 0.25


def _stream_part(stream: StreamView) -> str:
    name = printable_path(stream.path)
    if stream.phase != "writing":
        return f"{name} ({stream.phase})"
    chunk = f" chunk {stream.chunk + 1}/{stream.chunks}" if stream.chunks > 1 else ""
    return f"{name}{chunk} {stream.progress:4.0%} {stream.rate_now:5.1f} tok/s"


def live_line(view: LiveView, done: int, total: int) -> str:
    """The one-line summary of a run in progress."""
    if not view.streams:
        return f"[{done}/{total}]"
    eta = view.eta_seconds(max(0, total - done - len(view.streams)))
    eta_text = f"  ETA {format_duration(eta)}" if eta is not None else ""
    return f"[{done}/{total}] " + " | ".join(_stream_part(s) for s in view.streams) + eta_text


class ConsoleProgress:
    """Consumes session events on any thread; one lock orders every write."""

    def __init__(
        self, live: LiveStats, total: int, stream: TextIO = sys.stderr, tty: bool | None = None
    ):
        self.live = live
        self.total = total
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self._done = 0
        self._lock = threading.Lock()
        self._line_width = 0
        self._stop = threading.Event()
        self._clock = threading.Thread(target=self._redraw_loop, daemon=True, name="progress")

    def start(self) -> None:
        if self.tty:
            self._clock.start()

    def __call__(self, wrapped: SessionEvent) -> None:
        if isinstance(wrapped, SessionError):
            self._print(f"error: {wrapped.message}")
            return
        if not isinstance(wrapped, FileEvent):
            return
        event, path = wrapped.event, printable_path(wrapped.path)
        if isinstance(event, FileStarted):
            if not self.tty:
                self._print(f"[{self._done + 1}/{self.total}] {path} ({event.words} words)")
            for warning in event.warnings:
                self._print(f"  {path}: {warning}")
        elif isinstance(event, AttemptFinished):
            attempt = event.result
            verdict = "passed" if attempt.passed else "failed: " + "; ".join(attempt.gate_reasons)
            self._print(
                f"    {path}, {attempt.step.model}/{attempt.step.prompt} ({attempt.mode}): "
                f"likeness {attempt.raw_fidelity.likeness:.3f}, "
                f"{attempt.stats.decode_tokens_per_s:.1f} tok/s, {verdict}"
            )
        elif isinstance(event, AttemptFailed):
            self._print(f"    {path}, {event.step.model}/{event.step.prompt}: {event.message}")
        elif isinstance(event, FileFinished):
            result = event.result
            if not result.cancelled:
                with self._lock:
                    self._done += 1
            note = f" — {result.reason}" if result.reason else ""
            self._print(f"  {path}: {result.status}{note}")

    def _redraw_loop(self) -> None:
        while not self._stop.wait(REDRAW_INTERVAL_S):
            line = live_line(self.live.snapshot(), self._done, self.total)
            width = shutil.get_terminal_size((100, 24)).columns - 1
            with self._lock:
                self._draw(line[:width])

    def _draw(self, line: str) -> None:
        padding = " " * max(0, self._line_width - len(line))
        self.stream.write("\r" + line + padding)
        self.stream.flush()
        self._line_width = len(line)

    def _print(self, text: str) -> None:
        with self._lock:
            if self._line_width:
                self.stream.write("\r" + " " * self._line_width + "\r")
                self._line_width = 0
            self.stream.write(text + "\n")
            self.stream.flush()

    def close(self) -> None:
        self._stop.set()
        if self._clock.is_alive():
            self._clock.join()
        with self._lock:
            if self._line_width:
                self.stream.write("\r" + " " * self._line_width + "\r")
                self.stream.flush()
                self._line_width = 0
