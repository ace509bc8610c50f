"""Strict mode: the output is the source words in order; the model only chooses
separators, paragraph breaks and capitals between them."""

from tui_structurer.strict.boundaries import (
    SEPARATORS,
    Boundary,
    Candidate,
    StrictChunk,
    build_boundaries,
    strict_chunks,
)

__all__ = [
    "SEPARATORS",
    "Boundary",
    "Candidate",
    "StrictChunk",
    "build_boundaries",
    "strict_chunks",
]
