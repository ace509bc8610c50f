"""The engine interface the pipeline talks to."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from tui_structurer.prompts import RenderedPrompt


class EngineError(Exception):
    """Generation failed; the message names the model profile."""


class EngineLoadError(EngineError):
    """The model could not be loaded (missing, corrupt, out of memory)."""


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
    """"stop", "length" or "cancelled"."""


class Engine(Protocol):
    """A loaded model that streams completions."""

    name: str
    """The model profile's name."""
    context: int
    """Context size in tokens."""

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

    def close(self) -> None:
        """Free the model."""
        ...
