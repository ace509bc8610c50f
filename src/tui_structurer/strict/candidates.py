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

Tokenizer = Callable[[str], tuple[int, ...]]
"""A string's tokens as they appear inside a longer text (no BOS)."""

PARAGRAPH = "\n\n"
SENTENCE_MARKS = (".", "?", "!")
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

    @property
    def mark_class(self) -> MarkClass:
        return _CLASS_OF[self.mark]

    @property
    def ends_sentence(self) -> bool:
        return self.mark in SENTENCE_MARKS

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


def first_gap(word: str, sentence_start: bool, tokenize: Tokenizer) -> Gap:
    """Before a chunk's first word: its case only."""
    variants = case_variants(word, sentence_start)
    return Gap(_unique([Candidate(v, tokenize(v), "", False, v) for v in variants]))


def word_gap(word: str, tokenize: Tokenizer, writes_word: bool = True) -> Gap:
    """Between two words: every mark, a break after a sentence end, every case variant."""
    candidates = []
    for mark in MARKS:
        ends = mark in SENTENCE_MARKS
        for paragraph in (False, True) if ends else (False,):
            joint = PARAGRAPH if paragraph else " "
            for variant in case_variants(word, ends):
                text = mark + joint + variant
                candidates.append(Candidate(text, tokenize(text), mark, paragraph, variant))
    return Gap(_unique(candidates), writes_word)


def final_gap(tokenize: Tokenizer) -> Gap:
    """After a text's last word: a sentence end."""
    return Gap(_unique([Candidate(m, tokenize(m), m, False) for m in SENTENCE_MARKS]))
