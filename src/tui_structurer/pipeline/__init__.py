"""Orchestration of one transcript: chunks, prompts, the cascade and the fidelity gate."""

from __future__ import annotations

from tui_structurer.pipeline.cascade import Pipeline
from tui_structurer.pipeline.events import (
    AttemptFailed,
    AttemptFinished,
    AttemptStarted,
    ChunkStarted,
    ModelLoading,
    PipelineEvent,
    TokenGenerated,
)
from tui_structurer.pipeline.result import AttemptResult, AttemptStats, Outcome

__all__ = [
    "AttemptFailed",
    "AttemptFinished",
    "AttemptResult",
    "AttemptStarted",
    "AttemptStats",
    "ChunkStarted",
    "ModelLoading",
    "Outcome",
    "Pipeline",
    "PipelineEvent",
    "TokenGenerated",
]
