"""Typed messages that workers post; handlers on the UI thread update widgets."""

from __future__ import annotations

from textual.message import Message

from tui_structurer.gpu.telemetry import Telemetry
from tui_structurer.library import TranscriptRecord
from tui_structurer.processing.events import SessionEvent


class SessionUpdate(Message):
    """A file started or finished, an attempt ended, or the run hit an error.

    ``record`` is the file's row as stored after the event, read in the worker.
    """

    def __init__(self, event: SessionEvent, record: TranscriptRecord | None) -> None:
        super().__init__()
        self.event = event
        self.record = record


class RecordsLoaded(Message):
    """The folder was scanned and its records read (in a worker)."""

    def __init__(self, records: list[TranscriptRecord]) -> None:
        super().__init__()
        self.records = records


class GpuSampled(Message):
    def __init__(self, telemetry: Telemetry) -> None:
        super().__init__()
        self.telemetry = telemetry


class RecordsChanged(Message):
    """Decisions or the folder watcher changed these transcripts' rows."""

    def __init__(self, records: list[TranscriptRecord], note: str = "") -> None:
        super().__init__()
        self.records = records
        self.note = note
