"""What the source itself decides at each gap between its words, before any model.

Strict mode lets a model choose a mark, a paragraph break and the next word's case at
every gap. Some gaps are not the model's to decide:

- a blank line in the source is a paragraph, and a paragraph ends a sentence
  (a single line break is only a wrapped line and decides nothing);
- a speaker label opens a turn: a paragraph before it, a sentence end before that, the
  label written as it is and the turn starting with a capital; timestamps and tags such
  as ``[Music]`` are written as they are and take no mark of their own;
- where the source is already punctuated (a stretch with at least
  ``punctuated_per_100_words`` marks per 100 words), its own marks and capitals stay,
  and only paragraph breaks at its sentence ends are left to choose.

Gap *i* is the gap before word *i*; gap *n* follows the last word.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum

from tui_structurer.text.markers import Marker, MarkerKind, find_markers
from tui_structurer.text.structure import trailing_mark
from tui_structurer.text.words import Token, tokenize

SENTENCE_ENDS = (".", "?", "!")
RUN_FACTOR = 1.5
"""How much longer than the threshold's spacing (a mark every 25 words at 4 per 100) a
run without marks may be and still count as punctuated text."""
PUNCTUATED_SHARE = 0.9
"""Share of gaps in punctuated stretches above which a file counts as punctuated."""


class Paragraph(StrEnum):
    FREE = "free"
    NEVER = "never"
    ALWAYS = "always"


class Case(StrEnum):
    FREE = "free"
    KEEP = "keep"
    """The word is written as the source has it."""
    CAPITAL = "capital"
    """The word starts a sentence: its first letter is a capital."""


@dataclass(frozen=True, slots=True)
class GapRule:
    """What may be chosen at one gap."""

    marks: tuple[str, ...] | None = None
    """The marks allowed after the previous word ("" is none); ``None``: any."""
    paragraph: Paragraph = Paragraph.FREE
    case: Case = Case.FREE
    """How the word after the gap is spelled."""

    @property
    def free(self) -> bool:
        return self == FREE


FREE = GapRule()


@dataclass(frozen=True, slots=True)
class SourceRules:
    """The rules of every gap of a text, and how punctuated its source was."""

    gaps: tuple[GapRule, ...]
    """``len(words) + 1`` rules."""
    marks_per_100_words: float
    punctuated_share: float
    """Share of the gaps that lie in stretches the source already punctuated."""
    notes: tuple[str, ...] = field(default=())

    @property
    def already_punctuated(self) -> bool:
        return self.punctuated_share >= PUNCTUATED_SHARE


def _punctuated(marks: list[bool], threshold: float) -> list[bool]:
    """For each word, whether it lies in a punctuated stretch: between two marks at most
    ``RUN_FACTOR * 100 / threshold`` words apart (a long run without any mark is a
    stretch the recogniser left unpunctuated). The words before the first mark and
    after the last count only when that mark has a close neighbour: one full stop at the
    end of a transcript does not make it punctuated."""
    longest = round(RUN_FACTOR * 100 / threshold) if threshold > 0 else len(marks) + 1
    at = [i for i, has in enumerate(marks) if has]
    result = [False] * len(marks)

    def mark(start: int, end: int) -> None:  # words start..end (inclusive)
        for i in range(max(0, start), min(end, len(marks) - 1) + 1):
            result[i] = True

    close = [b - a <= longest for a, b in itertools.pairwise(at)]
    for (a, b), near in zip(itertools.pairwise(at), close, strict=True):
        if near:
            mark(a + 1, b)
    if close and close[0] and at[0] < longest:
        mark(0, at[0])
    if close and close[-1] and len(marks) - 1 - at[-1] < longest:
        mark(at[-1] + 1, len(marks) - 1)
    return result


def source_rules(
    text: str, keep_punctuation: bool = True, punctuated_per_100_words: float = 4.0
) -> SourceRules:
    """The rules for ``text``'s gaps (see the module docstring)."""
    tokens = tokenize(text)
    n = len(tokens)
    gaps = [FREE] * (n + 1)
    marks = [trailing_mark(t.text) for t in tokens]
    markers = find_markers(tokens)
    in_marker = {i for m in markers for i in range(m.start, m.end)}
    has_mark = [bool(m) and i not in in_marker for i, m in enumerate(marks)]
    punctuated = _punctuated(has_mark, punctuated_per_100_words) if n else []
    if keep_punctuation:
        _keep_source_marks(tokens, marks, punctuated, gaps)
    _keep_paragraphs(tokens, marks, gaps)
    _keep_markers(tokens, marks, markers, gaps)
    share = sum(punctuated) / n if n else 0.0
    density = 100.0 * sum(has_mark) / n if n else 0.0
    return SourceRules(tuple(gaps), density, share)


def _sentence_end(mark: str) -> tuple[str, ...]:
    """The marks allowed where a sentence must end: the source's own, if it is one."""
    return (mark,) if mark in SENTENCE_ENDS else SENTENCE_ENDS


def _keep_source_marks(
    tokens: list[Token], marks: list[str], punctuated: list[bool], gaps: list[GapRule]
) -> None:
    for i in range(1, len(tokens) + 1):
        if not punctuated[i - 1]:
            continue
        mark = marks[i - 1]
        if i == len(tokens):
            gaps[i] = GapRule(_sentence_end(mark))
            continue
        paragraph = Paragraph.FREE if mark in SENTENCE_ENDS else Paragraph.NEVER
        # The next word keeps its source spelling only inside the punctuated stretch: the
        # first word of an unpunctuated one starts a sentence like any other.
        sentence_start = Case.CAPITAL if mark in SENTENCE_ENDS else Case.FREE
        case = Case.KEEP if punctuated[i] else sentence_start
        gaps[i] = GapRule((mark,), paragraph, case)
    if tokens and punctuated[0]:
        gaps[0] = GapRule(None, Paragraph.FREE, Case.KEEP)


def _keep_paragraphs(tokens: list[Token], marks: list[str], gaps: list[GapRule]) -> None:
    for i in range(1, len(tokens)):
        if tokens[i].breaks_before >= 2:
            case = Case.KEEP if gaps[i].case == Case.KEEP else Case.CAPITAL
            gaps[i] = GapRule(_sentence_end(marks[i - 1]), Paragraph.ALWAYS, case)


def _keep_markers(
    tokens: list[Token], marks: list[str], markers: list[Marker], gaps: list[GapRule]
) -> None:
    n = len(tokens)
    line_time_end = -1  # where a timestamp that opens a line ends
    for marker in markers:
        s, e = marker.start, marker.end
        opens_line = s == 0 or tokens[s].breaks_before > 0
        label = marker.kind == MarkerKind.LABEL
        if s == line_time_end:  # "[00:01:05] Maria:": the label follows its line's time
            gaps[s] = GapRule((marks[s - 1],), Paragraph.NEVER, Case.KEEP)
        elif s > 0 and (opens_line or label):  # a new line or turn: the sentence ends
            gaps[s] = GapRule(_sentence_end(marks[s - 1]), Paragraph.ALWAYS, Case.KEEP)
        elif s > 0:  # a time or tag inside a line
            gaps[s] = GapRule(gaps[s].marks, Paragraph.NEVER, Case.KEEP)
        else:
            gaps[s] = GapRule(gaps[s].marks, gaps[s].paragraph, Case.KEEP)
        for i in range(s + 1, e):
            gaps[i] = GapRule((marks[i - 1],), Paragraph.NEVER, Case.KEEP)
        line_time_end = e if marker.kind == MarkerKind.TIME and opens_line else -1
        if e < n:
            starts = label or opens_line  # a turn or a line begins a sentence
            gaps[e] = GapRule(
                (marks[e - 1],), Paragraph.NEVER, Case.CAPITAL if starts else Case.FREE
            )
