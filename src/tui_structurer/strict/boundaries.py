"""What the model may write at each gap between two source words.

A chunk of *n* words has *n + 1* boundaries: before the first word, between each pair,
and after the last. Each boundary offers a few candidate strings (separator, optional
paragraph break, the next word in one of its case variants), each tokenized as a whole
so the model sees the tokens it would have produced itself. The first candidate is the
likeliest one (no separator, the word as spoken); the decoder drafts it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui_structurer.text.chunking import Chunk
from tui_structurer.text.words import tokenize

SEPARATORS = ("", ",", ".", "?", "!", ":", ";")
"""What may follow a word; "" is a plain space."""
SENTENCE_ENDS = frozenset(".?!")
PARAGRAPH = "\n\n"

Tokenizer = Callable[[str], tuple[int, ...]]

_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to continue at a boundary."""

    text: str
    """What is appended to the output when this candidate is chosen."""
    tokens: tuple[int, ...]
    separator: str
    paragraph: bool


@dataclass(frozen=True, slots=True)
class Boundary:
    """The candidates at one gap, likeliest first."""

    candidates: tuple[Candidate, ...]
    resolve_on_separator: bool = False
    """A chunk's last gap when more text follows: only the separator and break are
    decided here (the next word belongs to the next chunk)."""


@dataclass(frozen=True, slots=True)
class StrictChunk:
    """The words of one chunk and what the decoder must know of its neighbours."""

    words: tuple[str, ...]
    next_word: str | None
    """First word of the next chunk; ``None`` for the last chunk of a text."""
    starts_sentence: bool


def bare_word(surface: str) -> str:
    """A source token without punctuation at its edges ("so," → "so", "don't" kept)."""
    return _EDGE_PUNCTUATION.sub("", surface)


def case_variants(word: str, sentence_start: bool) -> tuple[str, ...]:
    """Spellings the model may choose: as spoken, capitalized, or (if only its first
    letter is upper case) lowered. A sentence start must be capitalized."""
    capital = word[:1].upper() + word[1:]
    if sentence_start:
        return (capital,)
    variants = [word]
    if capital != word:
        variants.append(capital)
    lowered = word[:1].lower() + word[1:]
    if lowered != word and word[1:] == word[1:].lower():
        variants.append(lowered)
    return tuple(variants)


def _gap_candidates(next_word: str, tokenize_text: Tokenizer) -> list[Candidate]:
    candidates = []
    for separator in SEPARATORS:
        ends = separator in SENTENCE_ENDS
        for paragraph in (False, True) if ends else (False,):
            joint = separator + (PARAGRAPH if paragraph else " ")
            for variant in case_variants(next_word, ends):
                text = joint + variant
                candidates.append(Candidate(text, tokenize_text(text), separator, paragraph))
    return candidates


def _unique(candidates: list[Candidate]) -> tuple[Candidate, ...]:
    """Drop candidates whose tokens repeat an earlier one's (the earlier one wins)."""
    seen: set[tuple[int, ...]] = set()
    kept = []
    for candidate in candidates:
        if candidate.tokens and candidate.tokens not in seen:
            seen.add(candidate.tokens)
            kept.append(candidate)
    return tuple(kept)


def build_boundaries(chunk: StrictChunk, tokenize_text: Tokenizer) -> list[Boundary]:
    """Every boundary of ``chunk``; ``tokenize_text`` gives a string's tokens (no BOS)."""
    words = chunk.words
    if not words:
        return []
    first = [
        Candidate(variant, tokenize_text(variant), "", False)
        for variant in case_variants(words[0], chunk.starts_sentence)
    ]
    boundaries = [Boundary(_unique(first))]
    boundaries.extend(Boundary(_unique(_gap_candidates(word, tokenize_text))) for word in words[1:])
    if chunk.next_word is None:
        ends = [Candidate(mark, tokenize_text(mark), mark, False) for mark in ".?!"]
        boundaries.append(Boundary(_unique(ends)))
    else:
        boundaries.append(Boundary(_unique(_gap_candidates(chunk.next_word, tokenize_text)), True))
    return boundaries


def strict_chunks(chunks: Sequence[Chunk]) -> list[StrictChunk]:
    """The pipeline's chunks as word lists; sentence starts are settled while decoding,
    so every chunk but the first is marked as not starting one."""
    word_lists = [
        tuple(word for word in (bare_word(t.text) for t in tokenize(c.text)) if word)
        for c in chunks
    ]
    result = []
    for index, words in enumerate(word_lists):
        following = next((w for w in word_lists[index + 1 :] if w), None)
        result.append(StrictChunk(words, following[0] if following else None, index == 0))
    return result
