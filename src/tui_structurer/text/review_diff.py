"""What the review screen draws: every word of both sides with what happened to it.

Computed off the UI thread; the UI only turns word kinds into styles.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from tui_structurer.text.fidelity import Segment, score
from tui_structurer.text.words import Token, tokenize

WordKind = Literal["kept", "styled", "removed", "replaced", "added", "unmatched"]
"""kept: unchanged; styled: same word, new punctuation or case (quiet); removed/replaced:
the model dropped or rewrote the source word; added: a word the source lacks;
unmatched: a source word repair kept verbatim because the model changed it there."""


@dataclass(frozen=True, slots=True)
class DiffWord:
    text: str
    kind: WordKind
    breaks_before: int


@dataclass(frozen=True, slots=True)
class Change:
    """One place the model changed words: where it starts on each side."""

    source_word: int
    output_word: int
    size: int


@dataclass(frozen=True, slots=True)
class ReviewDiff:
    source: tuple[DiffWord, ...]
    output: tuple[DiffWord, ...]
    changes: tuple[Change, ...]


def _output_index(segments: tuple[Segment, ...], source_index: int) -> int:
    """Where in the output the text around source word ``source_index`` is."""
    starts = [seg.src_start for seg in segments]
    position = max(0, bisect.bisect_right(starts, source_index) - 1)
    if not segments:
        return 0
    seg = segments[position]
    return seg.out_start + min(source_index - seg.src_start, max(0, seg.out_end - seg.out_start))


def build(
    source_text: str,
    raw_output: str,
    shown_output: str,
    unmatched: tuple[tuple[int, int], ...] = (),
) -> ReviewDiff:
    """Classify the words of ``source_text`` (against the model's raw output) and of
    ``shown_output`` (the text the reviewer accepts) for side-by-side display."""
    source_tokens = tokenize(source_text)
    shown_tokens = tokenize(shown_output)
    raw_fid = score(source_text, raw_output)
    shown_fid = score(source_text, shown_output)

    source_kinds: list[WordKind] = ["kept"] * len(source_tokens)
    changes: list[Change] = []
    for seg in raw_fid.segments:
        if seg.kind in ("delete", "replace"):
            kind: WordKind = "removed" if seg.kind == "delete" else "replaced"
            source_kinds[seg.src_start : seg.src_end] = [kind] * (seg.src_end - seg.src_start)
            changes.append(
                Change(
                    seg.src_start,
                    _output_index(shown_fid.segments, seg.src_start),
                    seg.src_end - seg.src_start,
                )
            )

    shown_kinds: list[WordKind] = ["kept"] * len(shown_tokens)
    in_unmatched: set[int] = set()
    for start, end in unmatched:
        in_unmatched.update(range(start, end))
    for seg in shown_fid.segments:
        if seg.kind == "equal":
            for offset in range(seg.src_end - seg.src_start):
                out_i, src_i = seg.out_start + offset, seg.src_start + offset
                if src_i in in_unmatched:
                    shown_kinds[out_i] = "unmatched"
                elif shown_tokens[out_i].text != source_tokens[src_i].text:
                    shown_kinds[out_i] = "styled"
        elif seg.out_end > seg.out_start:
            kind = "added" if seg.kind == "insert" else "replaced"
            shown_kinds[seg.out_start : seg.out_end] = [kind] * (seg.out_end - seg.out_start)

    def words(tokens: list[Token], kinds: list[WordKind]) -> tuple[DiffWord, ...]:
        return tuple(
            DiffWord(t.text, k, t.breaks_before) for t, k in zip(tokens, kinds, strict=True)
        )

    return ReviewDiff(
        words(source_tokens, source_kinds), words(shown_tokens, shown_kinds), tuple(changes)
    )
