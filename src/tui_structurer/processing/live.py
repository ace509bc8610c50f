"""Live figures of the files in flight: written by workers, read on a clock.

Workers feed every :class:`FileEvent` in; front ends take a :meth:`LiveStats.snapshot`
a few times a second (never per token). The snapshot is an immutable copy made under
the lock, so a reader never iterates over a dictionary that a worker is changing.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from tui_structurer.pipeline import (
    AttemptFinished,
    AttemptStarted,
    ChunkStarted,
    ModelLoading,
    TokenGenerated,
)
from tui_structurer.processing.events import FileEvent, FileFinished, FileStarted

STREAM_TAIL_CHARS = 4000
RATE_HISTORY = 300
"""Seconds of tokens/second history kept for the sparkline (five minutes)."""
WORDS_HISTORY = 50
"""Finished files the seconds-per-word figure averages over."""


@dataclass
class _Stream:
    """One file being generated (mutable; only touched under the lock)."""

    transcript_id: int
    path: str
    words: int
    started: float
    phase: str = "reading the file"
    step: str = ""
    chunk: int = 0
    chunks: int = 0
    tokens: int = 0
    expected: int = 1
    attempt_started: float = 0.0
    first_token_at: float | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class StreamView:
    """A file in flight, as it stood when the snapshot was taken."""

    transcript_id: int
    path: str
    phase: str
    """"reading the file", "loading model NAME", "reading the prompt" or "writing"."""
    step: str
    chunk: int
    chunks: int
    tokens: int
    expected: int
    words: int
    rate_now: float
    """Tokens per second of the current attempt since its first token."""
    text: str
    """The latest streamed text (at most :data:`STREAM_TAIL_CHARS` characters)."""
    seconds_left: float | None
    """This attempt's remaining time at the current rate; ``None`` before the rate is
    known."""

    @property
    def progress(self) -> float:
        return min(1.0, self.tokens / self.expected) if self.expected else 0.0


@dataclass(frozen=True, slots=True)
class LiveView:
    """Everything a live panel or progress line shows, taken at one moment."""

    streams: tuple[StreamView, ...]
    last_ttft: float | None
    rate_average: float
    """Decode tokens per second over finished attempts (per stream)."""
    attempts_averaged: int
    rate_history: tuple[float, ...]
    files_done: int
    seconds_per_word: float | None
    """Wall-clock seconds per source word over recently finished files."""
    words_per_file: float | None
    """Average words of the files seen, for estimating queued ones."""

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.streams)

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.streams)

    @property
    def rate_now(self) -> float:
        """Aggregate tokens per second of everything in flight."""
        return sum(s.rate_now for s in self.streams)

    def eta_seconds(self, queued: int) -> float | None:
        """Time until the files in flight and ``queued`` more are done; ``None`` while
        nothing has been measured yet."""
        in_flight = [s.seconds_left for s in self.streams]
        if any(left is None for left in in_flight):
            return None
        current = max((left for left in in_flight if left is not None), default=0.0)
        if not queued:
            return current
        if self.seconds_per_word is None or self.words_per_file is None:
            return None
        parallel = max(1, len(self.streams))
        return current + queued * self.words_per_file * self.seconds_per_word / parallel


class LiveStats:
    """Receives events from any number of worker threads; snapshots for the front ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._streams: dict[int, _Stream] = {}
        self._last_ttft: float | None = None
        self._total_tokens = 0
        self._total_decode_s = 0.0
        self._attempts = 0
        self._files_done = 0
        self._finished_tokens = 0
        self._file_words: deque[tuple[int, float]] = deque(maxlen=WORDS_HISTORY)
        self._words_seen: deque[int] = deque(maxlen=WORDS_HISTORY)
        self._rate_history: deque[float] = deque(maxlen=RATE_HISTORY)
        self._sample_tokens = 0
        self._sample_at = 0.0

    def __call__(self, wrapped: FileEvent) -> None:
        now = time.perf_counter()
        with self._lock:
            self._apply(wrapped, now)

    def _apply(self, wrapped: FileEvent, now: float) -> None:
        event = wrapped.event
        if isinstance(event, FileStarted):
            self._streams[wrapped.transcript_id] = _Stream(
                wrapped.transcript_id, wrapped.path, event.words, now
            )
            self._words_seen.append(event.words)
            return
        stream = self._streams.get(wrapped.transcript_id)
        if isinstance(event, FileFinished):
            self._files_done += 1
            if stream is not None:
                self._finished_tokens += stream.tokens
                if not event.result.cancelled and stream.words:
                    self._file_words.append((stream.words, now - stream.started))
            self._streams.pop(wrapped.transcript_id, None)
        elif stream is None:
            return
        elif isinstance(event, ModelLoading):
            stream.phase = f"loading model {event.model}"
        elif isinstance(event, AttemptStarted):
            self._finished_tokens += stream.tokens
            stream.phase = "reading the prompt"
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
                stream.phase = "writing"
                self._last_ttft = now - stream.attempt_started
            stream.tokens = event.tokens_done
            stream.text = (stream.text + event.text)[-STREAM_TAIL_CHARS:]
        elif isinstance(event, AttemptFinished):
            stats = event.result.stats
            self._attempts += 1
            self._total_tokens += stats.completion_tokens
            if stats.decode_tokens_per_s > 0:
                self._total_decode_s += stats.completion_tokens / stats.decode_tokens_per_s

    def snapshot(self) -> LiveView:
        now = time.perf_counter()
        with self._lock:
            streams = tuple(self._view(s, now) for s in self._streams.values())
            words = sum(w for w, _ in self._file_words)
            seconds = sum(s for _, s in self._file_words)
            seen = list(self._words_seen)
            return LiveView(
                streams=tuple(sorted(streams, key=lambda s: s.path)),
                last_ttft=self._last_ttft,
                rate_average=self._total_tokens / self._total_decode_s
                if self._total_decode_s
                else 0.0,
                attempts_averaged=self._attempts,
                rate_history=tuple(self._rate_history),
                files_done=self._files_done,
                seconds_per_word=seconds / words if words else None,
                words_per_file=sum(seen) / len(seen) if seen else None,
            )

    @staticmethod
    def _view(stream: _Stream, now: float) -> StreamView:
        rate = 0.0
        left: float | None = None
        if stream.first_token_at is not None and now > stream.first_token_at:
            rate = stream.tokens / (now - stream.first_token_at)
            if rate > 0:
                left = max(0, stream.expected - stream.tokens) / rate
        return StreamView(
            transcript_id=stream.transcript_id,
            path=stream.path,
            phase=stream.phase,
            step=stream.step,
            chunk=stream.chunk,
            chunks=stream.chunks,
            tokens=stream.tokens,
            expected=stream.expected,
            words=stream.words,
            rate_now=rate,
            text=stream.text,
            seconds_left=left,
        )

    def sample(self) -> None:
        """Append the last interval's aggregate rate to the history (about once a second)."""
        now = time.perf_counter()
        with self._lock:
            produced = self._finished_tokens + sum(s.tokens for s in self._streams.values())
            if self._sample_at:
                elapsed = now - self._sample_at
                delta = max(0, produced - self._sample_tokens)
                self._rate_history.append(delta / elapsed if elapsed > 0 else 0.0)
            self._sample_tokens, self._sample_at = produced, now
