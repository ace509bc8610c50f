"""Live figures of the generation in progress, written by the worker, read on a clock.

The worker only assigns plain attributes (atomic under the GIL); the UI samples them a
few times a second instead of being told about every token.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from tui_structurer.batch import BatchEvent, FileFinished, FileStarted
from tui_structurer.pipeline import AttemptFinished, AttemptStarted, ChunkStarted, TokenGenerated

STREAM_TAIL_CHARS = 4000
RATE_HISTORY = 300
"""Seconds of tokens/second history kept for the sparkline (five minutes)."""


@dataclass
class LiveStats:
    path: str | None = None
    step: str = ""
    chunk: int = 0
    chunks: int = 0
    tokens: int = 0
    expected: int = 1
    attempt_started: float = 0.0
    first_token_at: float | None = None
    last_ttft: float | None = None
    total_tokens: int = 0
    total_decode_s: float = 0.0
    files_done: int = 0
    file_seconds: deque[float] = field(default_factory=lambda: deque(maxlen=50))
    stream: str = ""
    rate_history: deque[float] = field(default_factory=lambda: deque(maxlen=RATE_HISTORY))
    _sample_tokens: int = 0
    _sample_at: float = 0.0

    def __call__(self, event: BatchEvent) -> None:
        now = time.perf_counter()
        if isinstance(event, FileStarted):
            self.path = event.path
        elif isinstance(event, AttemptStarted):
            self.step = f"{event.step.model} · {event.step.prompt} · {event.step.mode}"
            self.chunk, self.chunks = 0, event.chunk_count
            self.tokens, self.expected = 0, max(1, event.expected_tokens)
            self.attempt_started, self.first_token_at = now, None
            self.stream = ""
        elif isinstance(event, ChunkStarted):
            self.chunk = event.chunk_index
        elif isinstance(event, TokenGenerated):
            if self.first_token_at is None:
                self.first_token_at = now
                self.last_ttft = now - self.attempt_started
            self.tokens = event.tokens_done
            self.stream = (self.stream + event.text)[-STREAM_TAIL_CHARS:]
        elif isinstance(event, AttemptFinished):
            self.total_tokens += event.result.stats.completion_tokens
            stats = event.result.stats
            if stats.decode_tokens_per_s > 0:
                self.total_decode_s += stats.completion_tokens / stats.decode_tokens_per_s
        elif isinstance(event, FileFinished):
            self.files_done += 1
            self.file_seconds.append(event.result.seconds)
            self.path = None

    @property
    def progress(self) -> float:
        return min(1.0, self.tokens / self.expected)

    @property
    def rate_now(self) -> float:
        """Tokens per second of the current attempt since its first token."""
        if self.first_token_at is None or self.path is None:
            return 0.0
        elapsed = time.perf_counter() - self.first_token_at
        return self.tokens / elapsed if elapsed > 0 else 0.0

    @property
    def rate_average(self) -> float:
        return self.total_tokens / self.total_decode_s if self.total_decode_s else 0.0

    def sample(self) -> None:
        """Append the last interval's rate to the history (call about once a second)."""
        now = time.perf_counter()
        if self._sample_at:
            delta = self.tokens - self._sample_tokens
            elapsed = now - self._sample_at
            self.rate_history.append(max(0.0, delta / elapsed) if elapsed > 0 else 0.0)
        self._sample_tokens, self._sample_at = self.tokens, now

    def eta_seconds(self, files_left: int) -> float | None:
        """Queue ETA from the average time per finished file."""
        if not self.file_seconds:
            return None
        per_file = sum(self.file_seconds) / len(self.file_seconds)
        current = per_file * (1 - self.progress) if self.path else 0.0
        return per_file * files_left + current
