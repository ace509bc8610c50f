"""What the review screen shows of a transcript, and which attempt is offered first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tui_structurer.library import AttemptRecord, Status, TranscriptRecord
from tui_structurer.library.folder import Folder
from tui_structurer.pipeline.gate import adds_structure
from tui_structurer.text import review_diff
from tui_structurer.transcripts import TranscriptError


@dataclass(frozen=True, slots=True)
class DecisionInfo:
    """The latest accept or reject of a transcript, for the review's header."""

    decision: Status
    attempt_id: int | None
    decided_at: float
    output_path: str | None
    """Accepted: the file written. Rejected: an earlier output kept on disk, if any."""
    output_on_disk: bool = False
    """Whether ``output_path`` is a file now."""
    further_on_disk: tuple[str, ...] = ()
    """The decision's other outputs (a subtitle beside the text) that are files now."""


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """Everything the review screen shows for one transcript."""

    record: TranscriptRecord
    source_text: str
    attempt: AttemptRecord
    """The attempt shown: the candidate unless another one was asked for."""
    history: tuple[AttemptRecord, ...]
    diff: review_diff.ReviewDiff
    decision: DecisionInfo | None = None
    outputs: tuple[str, ...] = ()
    """What accepting writes, relative to the output folder."""


def latest_decision(folder: Folder, transcript_id: int) -> DecisionInfo | None:
    decisions = folder.library.decisions(transcript_id)
    if not decisions:
        return None
    row = decisions[-1]
    output = row["output_path"]
    further = folder.library.decision_outputs(row["id"])
    return DecisionInfo(
        Status(row["decision"]),
        row["attempt_id"],
        row["decided_at"],
        output,
        output is not None and Path(output).is_file(),
        tuple(path for path, _ in further if Path(path).is_file()),
    )


def load_review(
    folder: Folder, transcript_id: int, max_bytes: int, attempt_id: int | None = None
) -> ReviewItem:
    """Load and diff a transcript's candidate, or its attempt ``attempt_id`` (slow on
    long texts: call off the UI)."""
    library = folder.library
    record = library.get(transcript_id)
    if record.candidate_attempt is None:
        raise ValueError(f"{record.path} has nothing to review yet")
    attempt = library.attempt(attempt_id or record.candidate_attempt)
    if attempt.transcript_id != transcript_id:
        raise ValueError(f"attempt {attempt.id} is not one of {record.path}")
    try:
        source = folder.read_source(record.path, max_bytes).text
    except TranscriptError as exc:
        raise ValueError(f"{record.path}: {exc}") from exc
    diff = review_diff.build(source, attempt.raw_output, attempt.final_output, attempt.unmatched)
    history = tuple(library.attempts(transcript_id))
    decision = latest_decision(folder, transcript_id)
    return ReviewItem(
        record, source, attempt, history, diff, decision, tuple(folder.outputs_of(record.path))
    )


def rank(attempt: AttemptRecord) -> tuple[bool, bool, float]:
    """Best first: passed the gate, then added some structure, then kept most words."""
    return attempt.passed, adds_structure(attempt.gate_reasons), attempt.raw_likeness


def best_attempt(attempts: Sequence[AttemptRecord]) -> AttemptRecord:
    """The attempt to offer (see :func:`rank`); on a tie the latest."""
    return max(reversed(attempts), key=rank)


def preferred(history: Sequence[AttemptRecord], candidate: AttemptRecord) -> AttemptRecord:
    """The attempt a review opens on: the candidate, unless another attempt on the same
    source ranks better (a rerun that did worse may have become the candidate). A
    person's edit that is the candidate is their choice and is never second-guessed."""
    if candidate.is_edit:
        return candidate
    same_source = [a for a in history if a.content_hash == candidate.content_hash]
    best = best_attempt([candidate, *same_source])
    return best if rank(best) > rank(candidate) else candidate
