"""Progress of a headless run: one live line on a terminal, plain lines in a log."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from tui_structurer.pipeline import AttemptFinished, AttemptStarted, ChunkStarted, TokenGenerated
from tui_structurer.processing.file_job import BatchEvent, FileFinished, FileStarted
from tui_structurer.text.durations import format_duration

REDRAW_INTERVAL_S = 0.1


class ConsoleProgress:
    """Consumes batch events. Redraws at most 10 times a second, never per token."""

    def __init__(self, stream: TextIO = sys.stderr, live: bool | None = None):
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self._run_started = time.perf_counter()
        self._files_done = 0
        self._total = 0
        self._path = ""
        self._step = ""
        self._chunk = ""
        self._tokens = 0
        self._expected = 1
        self._attempt_started = 0.0
        self._first_token_at: float | None = None
        self._last_draw = 0.0
        self._line_width = 0
        self._lock = threading.Lock()

    def __call__(self, event: BatchEvent) -> None:
        with self._lock:  # several files may be in flight, on several threads
            self._handle(event)

    def _handle(self, event: BatchEvent) -> None:
        now = time.perf_counter()
        if isinstance(event, FileStarted):
            self._path, self._total = event.path, event.total
            if not self.live:
                self._print(f"[{event.index + 1}/{event.total}] {event.path} ({event.words} words)")
        elif isinstance(event, AttemptStarted):
            self._step = f"{event.step.model}/{event.step.prompt}"
            self._tokens, self._expected = 0, max(1, event.expected_tokens)
            self._attempt_started, self._first_token_at = now, None
            self._chunk = ""
        elif isinstance(event, ChunkStarted) and event.chunk_count > 1:
            self._chunk = f" chunk {event.chunk_index + 1}/{event.chunk_count}"
        elif isinstance(event, TokenGenerated):
            self._tokens = event.tokens_done
            if self._first_token_at is None:
                self._first_token_at = now
        elif isinstance(event, AttemptFinished):
            attempt = event.result
            verdict = "passed" if attempt.passed else "failed: " + "; ".join(attempt.gate_reasons)
            self._print(
                f"    {self._step}: likeness {attempt.raw_fidelity.likeness:.3f}, "
                f"{attempt.stats.decode_tokens_per_s:.1f} tok/s, {verdict}"
            )
        elif isinstance(event, FileFinished):
            self._files_done += 1
            result = event.result
            note = f" — {result.reason}" if result.reason else ""
            self._print(f"  {result.path}: {result.status}{note}")
        if self.live and now - self._last_draw >= REDRAW_INTERVAL_S:
            self._draw(now)

    def _rate(self, now: float) -> float:
        if self._first_token_at is None or now <= self._first_token_at:
            return 0.0
        return self._tokens / (now - self._first_token_at)

    def _draw(self, now: float) -> None:
        self._last_draw = now
        if not self._path:
            return
        share = min(1.0, self._tokens / self._expected)
        elapsed = now - self._run_started
        eta = ""
        progress = self._files_done + share
        if progress > 0.05 and self._total:
            eta = f"  ETA {format_duration(elapsed / progress * (self._total - progress))}"
        line = (
            f"[{self._files_done + 1}/{self._total}] {self._path}  {self._step}{self._chunk}  "
            f"{share:4.0%}  {self._rate(now):5.1f} tok/s{eta}"
        )
        padding = " " * max(0, self._line_width - len(line))
        self.stream.write("\r" + line + padding)
        self.stream.flush()
        self._line_width = len(line)

    def _print(self, text: str) -> None:
        if self.live and self._line_width:
            self.stream.write("\r" + " " * self._line_width + "\r")
            self._line_width = 0
        self._lock = threading.Lock()
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live and self._line_width:
            self.stream.write("\r" + " " * self._line_width + "\r")
            self.stream.flush()
