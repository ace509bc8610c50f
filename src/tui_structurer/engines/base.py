"""The engine interface the pipeline talks to."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from tui_structurer.errors import FileProblem, RetryLater, RunFatal
from tui_structurer.strict import StrictChunk
from tui_structurer.text.prompts import RenderedPrompt


class EngineError(FileProblem):
    """Generation failed on this text; the message names the model profile."""


class EngineLoadError(RunFatal):
    """The model could not be loaded (missing, corrupt, out of memory)."""


class EngineUnavailable(RetryLater):
    """No server could serve the request now: the file is tried again later."""


class StrictUnsupported(EngineError):
    """The backend cannot constrain decoding to the source words."""


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Text of one generated token (or a few, when the engine holds back partial UTF-8)."""

    text: str


@dataclass(frozen=True, slots=True)
class GenerationStats:
    """Sent once, last, for every generation."""

    prompt_tokens: int
    completion_tokens: int
    time_to_first_token_s: float
    decode_tokens_per_s: float
    """Generated tokens per second after the first one: prompt processing excluded."""
    seconds: float
    finish_reason: str
    """"stop" or "length". A cancelled generation raises
    :class:`~tui_structurer.errors.Cancelled` instead of finishing."""
    decode_calls: int = 0
    """Model evaluations after the prompt (strict mode batches several tokens in one)."""


def chunk_text(chunk: dict[str, Any]) -> tuple[str | None, str | None]:
    """Text and finish reason of an OpenAI-style completion or chat stream chunk."""
    choice = (chunk.get("choices") or [{}])[0]
    return (choice.get("delta") or {}).get("content") or choice.get("text"), choice.get(
        "finish_reason"
    )


class StreamClock:
    """Times a streamed reply: when it was asked for, its first and its last piece."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first = self.last = 0.0
        self.pieces = 0

    def piece(self) -> None:
        self.last = time.perf_counter()
        if not self.pieces:
            self.first = self.last
        self.pieces += 1

    def stats(self, prompt_tokens: int, completion_tokens: int, finish: str) -> GenerationStats:
        decode = self.last - self.first
        return GenerationStats(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            time_to_first_token_s=(self.first - self.started) if self.pieces else 0.0,
            decode_tokens_per_s=(completion_tokens - 1) / decode if decode > 0 else 0.0,
            seconds=time.perf_counter() - self.started,
            finish_reason=finish,
            decode_calls=max(0, completion_tokens - 1),
        )


class Engine(Protocol):
    """A loaded model that streams completions.

    Every generation checks ``cancel`` between pieces and raises
    :class:`~tui_structurer.errors.Cancelled` when it is set.
    """

    name: str
    """The model profile's name."""
    context: int
    """Context size in tokens."""
    concurrency: int
    """Generations it serves at once (a server's slots on every endpoint; 1 in process)."""
    strict_ready: bool
    """Whether it was loaded so that strict decoding can roll drafts back exactly."""

    def placement(self) -> str:
        """Where the model runs and why (GPU layers, a load retried with fewer), in words."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model's vocabulary."""
        ...

    def prompt_tokens(self, prompt: RenderedPrompt) -> int:
        """Tokens the whole prompt takes, template included."""
        ...

    def generate(
        self,
        prompt: RenderedPrompt,
        max_tokens: int,
        stop: list[str],
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        """Stream the answer: text pieces, then one :class:`GenerationStats`."""
        ...

    def generate_strict(
        self,
        prompt: RenderedPrompt,
        chunk: StrictChunk,
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        """Write ``chunk``'s words in order, choosing only separators, breaks and
        capitals; stream like :meth:`generate`. Raises :class:`StrictUnsupported` when
        the backend cannot constrain its output."""
        ...

    def close(self) -> None:
        """Free the model."""
        ...
