"""Reading transcript files of every supported format into plain text."""

from __future__ import annotations

from tui_structurer.transcripts.reader import (
    OWN_FORMAT_SUFFIXES,
    SUPPORTED_SUFFIXES,
    Transcript,
    TranscriptError,
    read_source,
    read_transcript,
)

__all__ = [
    "OWN_FORMAT_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "Transcript",
    "TranscriptError",
    "read_source",
    "read_transcript",
]
