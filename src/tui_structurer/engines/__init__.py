"""Engines turn a rendered prompt into a stream of text; one interface, several backends."""

from __future__ import annotations

from tui_structurer.engines.base import (
    Engine,
    EngineError,
    EngineLoadError,
    EngineUnavailable,
    GenerationStats,
    TextPiece,
)

__all__ = [
    "Engine",
    "EngineError",
    "EngineLoadError",
    "EngineUnavailable",
    "GenerationStats",
    "TextPiece",
]
