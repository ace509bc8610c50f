"""Rows of the state store as plain objects."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

EDIT_STEP = "(your edit)"
"""What :attr:`TranscriptRecord.latest_step` says when the latest attempt is an edit."""


class Status(StrEnum):
    """Where a transcript stands."""

    PENDING = "pending"
    RUNNING = "running"
    REVIEW = "review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"
    MISSING = "missing"
    """The source file was deleted before its work was decided."""


@dataclass(frozen=True, slots=True)
class TranscriptRecord:
    id: int
    path: str
    """Relative to the folder, with forward slashes."""
    content_hash: str
    size: int
    mtime_ns: int
    status: Status
    words: int | None
    reason: str | None
    warnings: tuple[str, ...]
    punctuation: float | None
    """Marks per 100 words the source already had (known once it was read)."""
    candidate_attempt: int | None
    attempts: int
    latest_step: str | None
    """``model/prompt`` of the most recent attempt."""
    likeness: float | None
    """Raw likeness of the candidate attempt."""
    passed: bool | None
    """Whether the candidate attempt passed the gate."""


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    id: int
    transcript_id: int
    content_hash: str
    model: str
    prompt: str
    mode: str
    raw_output: str
    final_output: str
    raw_likeness: float
    final_likeness: float
    added: int
    removed: int
    replaced: int
    longest_removed_run: int
    passed: bool
    gate_reasons: tuple[str, ...]
    unmatched: tuple[tuple[int, int], ...]
    prompt_tokens: int
    completion_tokens: int
    ttft_s: float
    decode_tps: float
    seconds: float
    created_at: float
    decode_calls: int = 0
    note: str = ""
    kind: str = "model"
    """"model" for a model's attempt, "edit" for a reviewer's own text."""

    @property
    def is_edit(self) -> bool:
        return self.kind == "edit"
