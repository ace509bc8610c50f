"""What the review screen draws: every word of both sides with what happened to it.

Computed off the UI thread; the UI only turns kinds into styles and lays words out.
Besides the word kinds it carries what the reviewer is checking in a structured text:
the characters the model added to a word (punctuation, a capital), the paragraph breaks
it made or removed, and a word-index map between the two sides so both panes can show
the same passage however differently they wrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_structurer.text.fidelity import Segment, score
from tui_structurer.text.words import Token, tokenize

WordKind = Literal["kept", "styled", "removed", "replaced", "added", "unmatched"]
"""kept: unchanged; styled: same word, new punctuation or case (see ``marks``);
removed/replaced: the model dropped or rewrote the source word; added: a word the source
lacks; unmatched: a source word repair kept verbatim because the model changed it there."""
MarkKind = Literal["mark", "case"]
"""mark: punctuation the model added or changed; case: a letter whose case it changed."""
ParagraphChange = Literal["", "new", "joined"]
"""new: the model started a paragraph here; joined: it removed the source's paragraph
break before this word."""


@dataclass(frozen=True, slots=True)
class DiffWord:
    text: str
    kind: WordKind
    breaks_before: int
    marks: tuple[tuple[int, int, MarkKind], ...] = ()
    """Character spans ``[start, end)`` of ``text`` that the model added or changed."""
    paragraph: ParagraphChange = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One place the model changed words: the words concerned on each side. A span is
    empty where that side has none (words added to the output, dropped from it)."""

    source_start: int
    source_end: int
    output_start: int
    output_end: int


@dataclass(frozen=True, slots=True)
class ReviewDiff:
    source: tuple[DiffWord, ...]
    output: tuple[DiffWord, ...]
    changes: tuple[Change, ...]
    source_to_output: tuple[int, ...]
    """For each source word, the output word that shows the same place of the text."""
    output_to_source: tuple[int, ...]
    """For each output word, the source word that shows the same place of the text."""


def _affix_marks(
    source: str, output: str, start: int, leading: bool
) -> list[tuple[int, int, MarkKind]]:
    """The part of an output prefix/suffix that the source's does not have."""
    if output == source:
        return []
    if leading and output.endswith(source):
        return [(start, start + len(output) - len(source), "mark")]
    if not leading and output.startswith(source):
        return [(start + len(source), start + len(output), "mark")]
    return [(start, start + len(output), "mark")]


def _split(surface: str) -> tuple[int, int]:
    """Start and end of a token's core (from its first to its last letter or digit)."""
    start, end = 0, len(surface)
    while start < end and not surface[start].isalnum():
        start += 1
    while end > start and not surface[end - 1].isalnum():
        end -= 1
    return start, end


def char_marks(source: str, output: str) -> tuple[tuple[int, int, MarkKind], ...]:
    """Where ``output`` (the same word as ``source``) differs from it: punctuation added
    or changed around or inside the word, and letters whose case changed."""
    if source == output:
        return ()
    s_start, s_end = _split(source)
    o_start, o_end = _split(output)
    marks = _affix_marks(source[:s_start], output[:o_start], 0, leading=True)
    s, s_core = 0, source[s_start:s_end]
    for offset, char in enumerate(output[o_start:o_end], start=o_start):
        if char.isalnum():
            while s < len(s_core) and not s_core[s].isalnum():
                s += 1
            if s < len(s_core) and s_core[s] != char:
                marks.append((offset, offset + 1, "case" if s_core[s].isalnum() else "mark"))
            s += 1
        elif s < len(s_core) and s_core[s] == char:
            s += 1
        else:
            marks.append((offset, offset + 1, "mark"))
    marks += _affix_marks(source[s_end:], output[o_end:], o_end, leading=False)
    return tuple(marks)


def _word_maps(
    segments: tuple[Segment, ...], n_source: int, n_output: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Source word -> output word and back: one to one where the words match, spread
    evenly over a rewritten span, and onto the next word across a gap."""
    to_output = [0] * n_source
    to_source = [0] * n_output
    last_out, last_src = max(0, n_output - 1), max(0, n_source - 1)
    for seg in segments:
        n_src, n_out = seg.src_end - seg.src_start, seg.out_end - seg.out_start
        for offset in range(n_src):
            shift = offset * n_out // n_src if n_out else 0
            to_output[seg.src_start + offset] = min(seg.out_start + shift, last_out)
        for offset in range(n_out):
            shift = offset * n_src // n_out if n_src else 0
            to_source[seg.out_start + offset] = min(seg.src_start + shift, last_src)
    return tuple(to_output), tuple(to_source)


def _changes(
    raw_segments: tuple[Segment, ...],
    raw_is_shown: bool,
    to_output: tuple[int, ...],
    n_output: int,
) -> tuple[Change, ...]:
    """Every place the model changed words (dropped, rewrote or added), as stops for the
    reviewer. Judged on the raw output; placed on the text shown (which repair may have
    given back the source's words)."""
    changes = []
    for seg in raw_segments:
        if seg.kind == "equal":
            continue
        if raw_is_shown:
            out_start, out_end = seg.out_start, seg.out_end
        else:  # repair kept the source's words: the same span, mapped
            out_start = to_output[seg.src_start] if seg.src_start < len(to_output) else n_output
            out_end = to_output[seg.src_end - 1] + 1 if seg.src_end > seg.src_start else out_start
        changes.append(Change(seg.src_start, seg.src_end, out_start, out_end))
    return tuple(changes)


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
    shown_fid = raw_fid if raw_output == shown_output else score(source_text, shown_output)

    source_kinds: list[WordKind] = ["kept"] * len(source_tokens)
    for seg in raw_fid.segments:
        if seg.kind in ("delete", "replace"):
            kind: WordKind = "removed" if seg.kind == "delete" else "replaced"
            source_kinds[seg.src_start : seg.src_end] = [kind] * (seg.src_end - seg.src_start)

    in_unmatched: set[int] = set()
    for start, end in unmatched:
        in_unmatched.update(range(start, end))
    shown: list[DiffWord] = [DiffWord(t.text, "kept", t.breaks_before) for t in shown_tokens]
    for seg in shown_fid.segments:
        if seg.kind == "equal":
            for offset in range(seg.src_end - seg.src_start):
                out_i, src_i = seg.out_start + offset, seg.src_start + offset
                shown[out_i] = _aligned_word(
                    source_tokens[src_i],
                    shown_tokens[out_i],
                    src_i in in_unmatched,
                    inside=out_i > 0 and src_i > 0,
                )
        elif seg.out_end > seg.out_start:
            kind = "added" if seg.kind == "insert" else "replaced"
            for out_i in range(seg.out_start, seg.out_end):
                token = shown_tokens[out_i]
                shown[out_i] = DiffWord(token.text, kind, token.breaks_before)

    to_output, to_source = _word_maps(shown_fid.segments, len(source_tokens), len(shown_tokens))
    changes = _changes(raw_fid.segments, raw_fid is shown_fid, to_output, len(shown_tokens))
    source = tuple(
        DiffWord(t.text, k, t.breaks_before)
        for t, k in zip(source_tokens, source_kinds, strict=True)
    )
    return ReviewDiff(source, tuple(shown), changes, to_output, to_source)


def _aligned_word(source: Token, output: Token, unmatched: bool, inside: bool) -> DiffWord:
    """An output word matched to a source word: what the model did to it."""
    paragraph: ParagraphChange = ""
    if inside and output.breaks_before >= 2 > source.breaks_before:
        paragraph = "new"
    elif inside and source.breaks_before >= 2 > output.breaks_before:
        paragraph = "joined"
    if unmatched:
        return DiffWord(output.text, "unmatched", output.breaks_before, (), paragraph)
    marks = char_marks(source.text, output.text)
    kind: WordKind = "styled" if marks else "kept"
    return DiffWord(output.text, kind, output.breaks_before, marks, paragraph)
