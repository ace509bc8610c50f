"""tui-structurer: structure raw speech transcripts with a local LLM, keeping every word."""

from __future__ import annotations

__version__ = "0.1.0"
