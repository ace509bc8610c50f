"""Live figures of the generations in progress, written by workers, read on a clock.

Several files can be in flight (a server with several slots); each worker thread has
its own stream, found by thread, since pipeline events do not name their file. Workers
only assign plain attributes (atomic under the GIL); the UI samples them a few times a
second instead of being told about every token.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tui_structurer.pipeline import AttemptFinished, AttemptStarted, ChunkStarted, TokenGenerated
from tui_structurer.processing.file_job import BatchEvent, FileFinished, FileStarted

STREAM_TAIL_CHARS = 4000
RATE_HISTORY = 300
"""Seconds of tokens/second history kept for the sparkline (five minutes)."""


@dataclass
class Stream:
    """One file being generated."""

    path: str
    step: str = ""
    chunk: int = 0
    chunks: int = 0
    tokens: int = 0
    expected: int = 1
    attempt_started: float = 0.0
    first_token_at: float | None = None
    text: str = ""

    @property
    def progress(self) -> float:
        return min(1.0, self.tokens / self.expected)

    @property
    def rate_now(self) -> float:
        """Tokens per second of the current attempt since its first token."""
        if self.first_token_at is None:
            return 0.0
        elapsed = time.perf_counter() - self.first_token_at
        return self.tokens / elapsed if elapsed > 0 else 0.0


@dataclass
class LiveStats:
    streams: dict[int, Stream] = field(default_factory=dict)
    """Streams in flight, by worker thread."""
    last_ttft: float | None = None
    total_tokens: int = 0
    total_decode_s: float = 0.0
    files_done: int = 0
    file_seconds: deque[float] = field(default_factory=lambda: deque(maxlen=50))
    rate_history: deque[float] = field(default_factory=lambda: deque(maxlen=RATE_HISTORY))
    _finished_tokens: int = 0
    _sample_tokens: int = 0
    _sample_at: float = 0.0

    def __call__(self, event: BatchEvent) -> None:
        now = time.perf_counter()
        key = threading.get_ident()
        if isinstance(event, FileStarted):
            self.streams[key] = Stream(event.path)
            return
        stream = self.streams.get(key)
        if isinstance(event, FileFinished):
            self.files_done += 1
            self.file_seconds.append(event.result.seconds)
            if stream is not None:
                self._finished_tokens += stream.tokens
            self.streams.pop(key, None)
        elif stream is None:
            return
        elif isinstance(event, AttemptStarted):
            self._finished_tokens += stream.tokens
            stream.step = f"{event.step.model} · {event.step.prompt} · {event.step.mode}"
            stream.chunk, stream.chunks = 0, event.chunk_count
            stream.tokens, stream.expected = 0, max(1, event.expected_tokens)
            stream.attempt_started, stream.first_token_at = now, None
            stream.text = ""
        elif isinstance(event, ChunkStarted):
            stream.chunk = event.chunk_index
        elif isinstance(event, TokenGenerated):
            if stream.first_token_at is None:
                stream.first_token_at = now
                self.last_ttft = now - stream.attempt_started
            stream.tokens = event.tokens_done
            stream.text = (stream.text + event.text)[-STREAM_TAIL_CHARS:]
        elif isinstance(event, AttemptFinished):
            stats = event.result.stats
            self.total_tokens += stats.completion_tokens
            if stats.decode_tokens_per_s > 0:
                self.total_decode_s += stats.completion_tokens / stats.decode_tokens_per_s

    def current_path(self) -> str | None:
        """The file the calling worker thread is generating."""
        stream = self.streams.get(threading.get_ident())
        return stream.path if stream else None

    def in_flight(self) -> list[Stream]:
        return sorted(self.streams.values(), key=lambda s: s.path)

    @property
    def tokens(self) -> int:
        """Tokens generated so far in the attempts in flight."""
        return sum(s.tokens for s in self.streams.values())

    @property
    def rate_now(self) -> float:
        """Aggregate tokens per second of everything in flight."""
        return sum(s.rate_now for s in self.streams.values())

    @property
    def rate_average(self) -> float:
        """Decode speed over finished attempts (per stream)."""
        return self.total_tokens / self.total_decode_s if self.total_decode_s else 0.0

    def sample(self) -> None:
        """Append the last interval's aggregate rate to the history (about once a second)."""
        now = time.perf_counter()
        produced = self._finished_tokens + self.tokens
        if self._sample_at:
            elapsed = now - self._sample_at
            delta = max(0, produced - self._sample_tokens)
            self.rate_history.append(delta / elapsed if elapsed > 0 else 0.0)
        self._sample_tokens, self._sample_at = produced, now

    def eta_seconds(self, files_left: int) -> float | None:
        """Queue ETA from the average time per finished file and the files in flight."""
        if not self.file_seconds:
            return None
        per_file = sum(self.file_seconds) / len(self.file_seconds)
        parallel = max(1, len(self.streams))
        current = sum(per_file * (1 - s.progress) for s in self.streams.values()) / parallel
        return per_file * files_left / parallel + current
