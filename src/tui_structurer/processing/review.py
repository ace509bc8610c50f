"""What the review screen shows of a transcript, and which attempt is offered first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_structurer.library import AttemptRecord, TranscriptRecord
from tui_structurer.library.folder import Folder
from tui_structurer.pipeline.gate import adds_structure
from tui_structurer.text import review_diff
from tui_structurer.transcripts import TranscriptError


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """Everything the review screen shows for one transcript."""

    record: TranscriptRecord
    source_text: str
    attempt: AttemptRecord
    history: tuple[AttemptRecord, ...]
    diff: review_diff.ReviewDiff


def load_review(folder: Folder, transcript_id: int, max_bytes: int) -> ReviewItem:
    """Load and diff a transcript's candidate (slow on long texts: call off the UI)."""
    library = folder.library
    record = library.get(transcript_id)
    if record.candidate_attempt is None:
        raise ValueError(f"{record.path} has nothing to review yet")
    attempt = library.attempt(record.candidate_attempt)
    try:
        source = folder.read_source(record.path, max_bytes).text
    except TranscriptError as exc:
        raise ValueError(f"{record.path}: {exc}") from exc
    diff = review_diff.build(source, attempt.raw_output, attempt.final_output, attempt.unmatched)
    history = tuple(library.attempts(transcript_id))
    return ReviewItem(record, source, attempt, history, diff)


def best_attempt(attempts: Sequence[AttemptRecord]) -> AttemptRecord:
    """The attempt to offer: one that passed the gate, else one that added structure,
    then the one that kept most words; on a tie the latest."""
    return max(
        reversed(attempts),
        key=lambda a: (a.passed, adds_structure(a.gate_reasons), a.raw_likeness),
    )
