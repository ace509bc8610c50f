"""What the processing service reports, every event naming its file.

A pipeline event says what happened inside one structuring run; the service wraps it
(and its own file-level events) in a :class:`FileEvent` with the transcript's id and
path, so a front end never has to guess which file an event belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_structurer.library import Status
from tui_structurer.pipeline import PipelineEvent


@dataclass(frozen=True, slots=True)
class FileResult:
    """What became of one file."""

    path: str
    status: Status
    likeness: float | None
    passed: bool
    """The offered attempt passed the gate."""
    attempts: int
    reason: str | None
    """Why it failed, waits or could not be written; ``None`` when all went well."""
    seconds: float
    words: int = 0
    warnings: tuple[str, ...] = ()
    """How the file was read (an encoding guessed, say)."""
    write_failed: bool = False
    """It passed and was to be written (auto-accept), but the output could not be."""
    cancelled: bool = False
    """Stopped before it finished; back to pending, nothing of it kept."""


@dataclass(frozen=True, slots=True)
class FileStarted:
    words: int
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileFinished:
    result: FileResult


@dataclass(frozen=True, slots=True)
class FileEvent:
    """Something that happened to one transcript."""

    transcript_id: int
    path: str
    """The transcript's path relative to its folder, when the event happened."""
    event: FileStarted | PipelineEvent | FileFinished


@dataclass(frozen=True, slots=True)
class SessionError:
    """The run cannot go on (e.g. a model that does not load); the queue is paused."""

    message: str


@dataclass(frozen=True, slots=True)
class FolderChange:
    """The watcher saw files arrive, move or disappear."""

    kind: str
    """"queued", "changed", "moved" or "missing"."""
    paths: tuple[str, ...]
    """Current relative paths of the transcripts concerned."""
    detail: str = ""


SessionEvent = FileEvent | SessionError | FolderChange


def finished_result(event: SessionEvent) -> FileResult | None:
    """The result ``event`` announces when it is a file that finished (cancelled or not)."""
    if isinstance(event, FileEvent) and isinstance(event.event, FileFinished):
        return event.event.result
    return None
