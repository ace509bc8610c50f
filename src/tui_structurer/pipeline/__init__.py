"""Orchestration of one transcript: chunks, prompts, the cascade and the fidelity gate."""

from __future__ import annotations

from tui_structurer.pipeline.attempt import Cancelled
from tui_structurer.pipeline.cascade import Pipeline
from tui_structurer.pipeline.events import (
    AttemptFinished,
    AttemptStarted,
    ChunkStarted,
    PipelineEvent,
    TokenGenerated,
)
from tui_structurer.pipeline.result import AttemptResult, AttemptStats, Outcome

__all__ = [
    "AttemptFinished",
    "AttemptResult",
    "AttemptStarted",
    "AttemptStats",
    "Cancelled",
    "ChunkStarted",
    "Outcome",
    "Pipeline",
    "PipelineEvent",
    "TokenGenerated",
]
