"""The folder, its transcripts and one durable record per transcript."""

from __future__ import annotations

from tui_structurer.library.records import AttemptRecord, Status, TranscriptRecord
from tui_structurer.library.store import Library
from tui_structurer.library.store_file import StoreError

__all__ = ["AttemptRecord", "Library", "Status", "StoreError", "TranscriptRecord"]
