"""Word-level fidelity of a structured text to its source.

The alignment runs on word keys (case and punctuation removed), mapped to integers so
rapidfuzz compares machine words instead of hashing strings. Character ratios are not
used: dropping 5 % of the words moves them by only ~0.02.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import Indel, Levenshtein

from tui_structurer.text.words import word_keys

SegmentKind = Literal["equal", "replace", "delete", "insert"]


@dataclass(frozen=True, slots=True)
class Segment:
    """An aligned span: source words ``[src_start, src_end)`` against output words
    ``[out_start, out_end)``. ``delete`` means the output lacks source words,
    ``insert`` means it has words the source lacks."""

    kind: SegmentKind
    src_start: int
    src_end: int
    out_start: int
    out_end: int


@dataclass(frozen=True, slots=True)
class Fidelity:
    """How faithfully an output keeps its source's words."""

    likeness: float
    """Word-level similarity in 0..1: 2·(words in common) / (source + output words),
    the same ratio a word-level SequenceMatcher reports."""
    source_words: int
    output_words: int
    kept: int
    added: int
    removed: int
    replaced: int
    longest_removed_run: int
    """Longest run of consecutive source words missing from the output (deleted or
    replaced): summarization shows up here."""
    segments: tuple[Segment, ...] = field(repr=False)

    @property
    def identical_words(self) -> bool:
        return self.kept == self.source_words == self.output_words


def _as_ids(source: list[str], output: list[str]) -> tuple[list[int], list[int]]:
    ids = {word: index for index, word in enumerate(set(source).union(output))}
    return [ids[word] for word in source], [ids[word] for word in output]


def score(source: str, output: str) -> Fidelity:
    """Align ``output`` to ``source`` word by word and count what changed."""
    src, out = _as_ids(word_keys(source), word_keys(output))
    segments: list[Segment] = []
    kept = added = removed = replaced = 0
    longest = run = 0
    edits = 0
    # Outputs are near-copies of their source: a small expected distance lets rapidfuzz
    # use a banded alignment (about 4x faster on 20,000 words); it widens when needed.
    hint = max(64, max(len(src), len(out)) // 20)
    for op in Levenshtein.opcodes(src, out, score_hint=hint):
        tag: SegmentKind = op.tag  # type: ignore[assignment]
        segments.append(Segment(tag, op.src_start, op.src_end, op.dest_start, op.dest_end))
        n_src = op.src_end - op.src_start
        n_out = op.dest_end - op.dest_start
        if tag == "equal":
            kept += n_src
            run = 0
            continue
        edits += max(n_src, n_out)
        if tag == "replace":
            common = min(n_src, n_out)
            replaced += common
            removed += n_src - common
            added += n_out - common
        elif tag == "delete":
            removed += n_src
        else:
            added += n_out
        run += n_src
        longest = max(longest, run)
    # The exact LCS ratio. An indel distance is at most twice the Levenshtein one, so
    # that bound is a safe cut-off and keeps this computation banded as well.
    total = len(src) + len(out)
    likeness = 1.0 - Indel.distance(src, out, score_cutoff=2 * edits) / total if total else 1.0
    return Fidelity(
        likeness=likeness,
        source_words=len(src),
        output_words=len(out),
        kept=kept,
        added=added,
        removed=removed,
        replaced=replaced,
        longest_removed_run=longest,
        segments=tuple(segments),
    )
