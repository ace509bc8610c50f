"""What the pipeline reports while it works; the TUI and the headless CLI both consume it."""

from __future__ import annotations

from dataclasses import dataclass

from tui_structurer.config import CascadeStep
from tui_structurer.pipeline.result import AttemptResult


@dataclass(frozen=True, slots=True)
class ModelLoading:
    """The next attempt's model is being loaded (seconds to minutes for a large one)."""

    model: str


@dataclass(frozen=True, slots=True)
class AttemptFailed:
    """A step could not run on this text (the model failed); the cascade goes on."""

    step: CascadeStep
    message: str


@dataclass(frozen=True, slots=True)
class AttemptStarted:
    step_index: int
    step: CascadeStep
    chunk_count: int
    expected_tokens: int
    """Output tokens expected for the whole transcript (≈ its token count)."""


@dataclass(frozen=True, slots=True)
class ChunkStarted:
    chunk_index: int
    chunk_count: int


@dataclass(frozen=True, slots=True)
class TokenGenerated:
    """One piece of streamed text. Consumers count these and redraw on a clock."""

    text: str
    tokens_done: int
    """Tokens generated so far in this attempt."""
    expected_tokens: int


@dataclass(frozen=True, slots=True)
class AttemptFinished:
    result: AttemptResult


PipelineEvent = (
    ModelLoading | AttemptStarted | ChunkStarted | TokenGenerated | AttemptFinished | AttemptFailed
)
