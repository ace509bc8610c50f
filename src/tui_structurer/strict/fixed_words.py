"""What of a source word strict mode keeps as written, and the spellings it may choose.

A word's identity is everything the source wrote except the structure marks at its
edges (``, . ? ! : ; …``): symbols (``$50``, ``10%``, ``-5``, ``C++``, ``#tag``,
``@name``), quotes and brackets are fixed parts of it. The model may only choose the
marks between words and the case of a word's first letter.
"""

from __future__ import annotations

import re

from tui_structurer.text.words import tokenize

STRUCTURE_MARKS = ",.?!:;…"
_EDGE_MARKS = re.compile(r"^[,.?!:;…]+|[,.?!:;…]+$")
OPENERS = "\"'“‘«([{"
"""Characters that may stand before a word's first letter without hiding it: a quoted
or bracketed word is still capitalized at a sentence start ("(Maybe")."""


def fixed_word(surface: str) -> str:
    """The part of a whitespace-separated source token that is written as it is:
    ``"so,"`` → ``"so"``, ``"$50."`` → ``"$50"``, ``"C++"`` kept; empty when the token
    is structure marks only (``"…"``)."""
    return _EDGE_MARKS.sub("", surface)


def source_words(text: str) -> list[str]:
    """The fixed words of ``text`` in order, one per word as :func:`tokenize` counts
    them (so they line up with the source's gap rules); marks-only tokens are dropped."""
    words = (fixed_word(token.text).strip() for token in tokenize(text))
    return [word for word in words if word]


def _letter_at(word: str) -> int | None:
    """Index of the letter whose case may change: the first character, or the first one
    after opening quotes and brackets; ``None`` when a symbol or digit comes first."""
    index = 0
    while index < len(word) and word[index] in OPENERS:
        index += 1
    return index if index < len(word) and word[index].isalpha() else None


def case_variants(word: str, sentence_start: bool) -> tuple[str, ...]:
    """Spellings the model may choose: as spoken, capitalized, or (when only its first
    letter is upper case) lowered; a sentence start takes the capital alone."""
    index = _letter_at(word)
    if index is None:
        return (word,)
    head, letter, rest = word[:index], word[index], word[index + 1 :]
    capital = head + letter.upper() + rest
    if sentence_start:
        return (capital,)
    variants = [word]
    if capital != word:
        variants.append(capital)
    lowered = head + letter.lower() + rest
    if lowered != word and rest == rest.lower():
        variants.append(lowered)
    return tuple(variants)
