"""How much structure a text has, and how much an output added to its source.

Structure is counted per word gap, not per character: a mark is a word ending in
``. , ? ! ; : …`` (closing quotes and brackets ignored) and a paragraph is a gap with a
blank line. A single line break is not structure: caption files wrap their lines, and
an output that drops those wraps while adding full stops has still added something.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_structurer.text.fidelity import Segment
from tui_structurer.text.words import Token, tokenize

MARKS = ".,?!;:…"
SENTENCE_ENDS = ".?!…"
_CLOSERS = "\"'”’)]»"


def trailing_mark(surface: str) -> str:
    """The structure mark a word ends with ("" when none), quotes and brackets aside."""
    stripped = surface.rstrip(_CLOSERS)
    return stripped[-1] if stripped and stripped[-1] in MARKS else ""


@dataclass(frozen=True, slots=True)
class Structure:
    """Counts over one text."""

    words: int
    marks: int
    """Words followed by a mark."""
    sentence_ends: int
    paragraphs: int
    """Paragraph breaks (blank lines between words)."""

    @property
    def marks_per_100_words(self) -> float:
        return 100.0 * self.marks / self.words if self.words else 0.0

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(1, self.sentence_ends)


@dataclass(frozen=True, slots=True)
class StructureChange:
    """An output's structure and what it changed at the words it shares with its source."""

    output: Structure
    source: Structure
    marks_added: int
    """Aligned words that end with a mark in the output and with none in the source."""
    paragraphs_added: int
    paragraphs_removed: int

    @property
    def added(self) -> bool:
        return self.marks_added > 0 or self.paragraphs_added > 0


def count(tokens: list[Token]) -> Structure:
    marks = [trailing_mark(t.text) for t in tokens]
    return Structure(
        words=len(tokens),
        marks=sum(1 for m in marks if m),
        sentence_ends=sum(1 for m in marks if m and m in SENTENCE_ENDS),
        paragraphs=sum(1 for t in tokens[1:] if t.breaks_before >= 2),
    )


def measure(source: str, output: str, segments: tuple[Segment, ...]) -> StructureChange:
    """Compare ``output`` with ``source`` at the words ``segments`` align."""
    src, out = tokenize(source), tokenize(output)
    added = para_added = para_removed = 0
    for seg in segments:
        if seg.kind != "equal":
            continue
        for offset in range(seg.src_end - seg.src_start):
            s, o = src[seg.src_start + offset], out[seg.out_start + offset]
            if trailing_mark(o.text) and not trailing_mark(s.text):
                added += 1
            if offset or seg.src_start:  # the first word has no gap before it
                para_added += o.breaks_before >= 2 > s.breaks_before
                para_removed += s.breaks_before >= 2 > o.breaks_before
    return StructureChange(count(out), count(src), added, para_added, para_removed)
