"""What the model may write at each gap between two source words.

A chunk of *n* words has *n + 1* gaps: before the first word (its case only), between
each pair (a mark, a paragraph break after a sentence end, and the next word's case),
and after the last. Each candidate is tokenized as a whole, so the model is scored on
the tokens it would have produced itself. The first candidate of a gap between words is
the draft: no mark, the word as spoken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from tui_structurer.strict.fixed_words import case_variants
from tui_structurer.text.source_rules import FREE, Case, GapRule, Paragraph

Tokenizer = Callable[[str], tuple[int, ...]]
"""A string's tokens as they appear inside a longer text (no BOS)."""

PARAGRAPH = "\n\n"
SENTENCE_MARKS = (".", "?", "!")
SOURCE_ONLY_MARKS = ("…",)
"""Marks the model never chooses but a source may have (kept where the source is kept)."""
CLAUSE_MARKS = (",", ":", ";")
MARKS = ("", *CLAUSE_MARKS, *SENTENCE_MARKS)
"""What may follow a word; "" is a plain space."""


class MarkClass(StrEnum):
    """The decision classes that carry a calibrated bias."""

    NONE = "none"
    COMMA = "comma"
    """A comma, colon or semicolon: a pause inside a sentence."""
    SENTENCE = "sentence"
    """A full stop or exclamation mark."""
    QUESTION = "question"


_CLASS_OF = {
    "": MarkClass.NONE,
    ",": MarkClass.COMMA,
    ":": MarkClass.COMMA,
    ";": MarkClass.COMMA,
    ".": MarkClass.SENTENCE,
    "!": MarkClass.SENTENCE,
    "…": MarkClass.SENTENCE,
    "?": MarkClass.QUESTION,
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to continue at a gap."""

    text: str
    """The mark, the joint (space or paragraph break) and the next word as written."""
    tokens: tuple[int, ...]
    mark: str
    paragraph: bool
    word: str = ""
    """The next word as this candidate writes it (empty after a text's last word)."""
    raised: bool = False
    """The word is given a capital it was not spoken with, inside a sentence (a name)."""

    @property
    def mark_class(self) -> MarkClass:
        return _CLASS_OF[self.mark]

    @property
    def ends_sentence(self) -> bool:
        return self.mark in SENTENCE_MARKS or self.mark in SOURCE_ONLY_MARKS

    @property
    def separator(self) -> str:
        """What this candidate writes before its word."""
        return self.mark + (PARAGRAPH if self.paragraph else "")


@dataclass(frozen=True, slots=True)
class Gap:
    """The candidates at one gap, the draft first."""

    candidates: tuple[Candidate, ...]
    writes_word: bool = True
    """False at a chunk's last gap: the next word is scored but belongs to the next chunk,
    so only the separator is written."""

    def written(self, candidate: Candidate) -> str:
        return candidate.text if self.writes_word else candidate.separator


def _unique(candidates: list[Candidate]) -> tuple[Candidate, ...]:
    """Drop candidates whose tokens repeat an earlier one's (the earlier one wins)."""
    seen: set[tuple[int, ...]] = set()
    kept = []
    for candidate in candidates:
        if candidate.tokens and candidate.tokens not in seen:
            seen.add(candidate.tokens)
            kept.append(candidate)
    return tuple(kept)


def _spellings(word: str, sentence_start: bool, rule: GapRule) -> tuple[str, ...]:
    """The spellings of the word after a gap that its rule allows."""
    if rule.case == Case.KEEP:
        return (word,)
    return case_variants(word, sentence_start or rule.case == Case.CAPITAL)


def first_gap(word: str, sentence_start: bool, tokenize: Tokenizer, rule: GapRule = FREE) -> Gap:
    """Before a chunk's first word: its case only."""
    variants = _spellings(word, sentence_start, rule)
    return Gap(_unique([Candidate(v, tokenize(v), "", False, v) for v in variants]))


def word_gap(word: str, tokenize: Tokenizer, writes_word: bool = True, rule: GapRule = FREE) -> Gap:
    """Between two words: every mark the rule allows (any, by default), a break after a
    sentence end (always or never, when the rule says), every case variant."""
    marks = MARKS if rule.marks is None else rule.marks
    candidates = []
    for mark in marks:
        ends = mark in SENTENCE_MARKS or mark in SOURCE_ONLY_MARKS
        breaks = {Paragraph.FREE: (False, True), Paragraph.NEVER: (False,),
                  Paragraph.ALWAYS: (True,)}[rule.paragraph] if ends else (False,)  # fmt: skip
        for paragraph in breaks:
            joint = PARAGRAPH if paragraph else " "
            for variant in _spellings(word, ends, rule):
                text = mark + joint + variant
                raised = not ends and variant != word and variant != variant.lower()
                candidates.append(Candidate(text, tokenize(text), mark, paragraph, variant, raised))
    return Gap(_unique(candidates), writes_word)


def final_gap(tokenize: Tokenizer, rule: GapRule = FREE) -> Gap:
    """After a text's last word: a sentence end (the source's, where it is kept)."""
    ends = SENTENCE_MARKS + SOURCE_ONLY_MARKS
    kept = tuple(m for m in rule.marks or () if m in ends)
    marks = kept or SENTENCE_MARKS
    return Gap(_unique([Candidate(m, tokenize(m), m, False) for m in marks]))
