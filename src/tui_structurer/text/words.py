"""Words as the fidelity gate, repair, chunking and the review diff see them.

A *word* is a whitespace-separated token. Its *key* is what makes it that word: the
token in lower case without the structure marks at its edges, so "So," and "so" are the
same word, while "$50", "10%", "-5", "C++", "C#", "+1", "#gardening" and "@alice" are
not "50", "10", "5", "C", "1", "gardening" and "alice": a symbol belongs to its word and
losing it is a change. A token that is nothing but structure marks (" - ", "...") is not
a word; it belongs to the word before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_MARKS = ",.?!:;…"
"""What a model adds between words: never part of a word at its edges."""
QUOTES_AND_BRACKETS = "\"'“”‘’„‚«»‹›()[]{}"
"""Also structure at a word's edges: a model that quotes speech ("“So,” she said") or
brackets an aside changes no word, and the gate must not fail it for that. The price:
an apostrophe at an edge ("goin'", "'90s") is read as a quote, so losing it is not
counted; inside a word ("don't") it is part of the word."""
DASHES = "—–"
"""Em and en dashes are punctuation wherever they stand. The hyphen-minus is not: at a
word's start it is a sign ("-5"); a token of hyphens alone ("-", "--") is a dash."""
EDGE_MARKS = SENTENCE_MARKS + QUOTES_AND_BRACKETS + DASHES
SENTENCE_END = (".", "?", "!", "…")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
"""Typographic apostrophes inside a word are the same letter as the typewriter one."""
_TOKEN = re.compile(r"\S+")


def key_of(token: str) -> str:
    """The key of one whitespace-free token; empty when it is structure marks only."""
    key = token.lower().translate(_APOSTROPHES).strip(EDGE_MARKS)
    return key if key.strip("-") else ""


def word_keys(text: str) -> list[str]:
    """The keys of every word in ``text``, in order: :func:`key_of` of each token, with
    the case and apostrophes of the whole text folded at once (fast on long texts)."""
    stripped = [t.strip(EDGE_MARKS) for t in text.lower().translate(_APOSTROPHES).split()]
    return [key for key in stripped if key.strip("-")]


def split_edges(surface: str) -> tuple[str, str, str]:
    """A word's surface form as (marks before, the word itself, marks after).

    ``surface`` is a :class:`Token`'s text: one word with any structure-only tokens
    folded into it ("so -"). The middle part keeps the word's own symbols ("$50"); the
    outer parts hold only what may change without changing the word.
    """
    parts = surface.split(" ")
    index = next((i for i, part in enumerate(parts) if key_of(part)), None)
    if index is None:
        return surface, "", ""
    word = parts[index]
    start = len(word) - len(word.lstrip(EDGE_MARKS))
    end = len(word.rstrip(EDGE_MARKS))
    before = "".join(part + " " for part in parts[:index]) + word[:start]
    after = word[end:] + "".join(" " + part for part in parts[index + 1 :])
    return before, word[start:end], after


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text with what surrounds it.

    ``text`` is the surface form including punctuation glued to it (a punctuation-only
    token such as " - " is folded into the word before it); ``breaks_before`` counts the
    line breaks between this word and the previous one.
    """

    text: str
    key: str
    breaks_before: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into words, keeping each word's surface form and preceding breaks.

    The keys are exactly :func:`word_keys` of the same text, so alignments computed on
    keys index these tokens.
    """
    tokens: list[Token] = []
    leading = ""
    last_end = 0
    for match in _TOKEN.finditer(text):
        surface = match.group()
        breaks = text.count("\n", last_end, match.start())
        last_end = match.end()
        key = key_of(surface)
        if not key:
            if tokens:
                prev = tokens[-1]
                tokens[-1] = Token(prev.text + " " + surface, prev.key, prev.breaks_before)
            else:
                leading += surface + " "
            continue
        if leading:
            surface, leading = leading + surface, ""
        tokens.append(Token(surface, key, breaks))
    return tokens


def ends_sentence(token: str) -> bool:
    """Whether a surface token closes a sentence (trailing quotes and brackets ignored)."""
    stripped = token.rstrip("\"'”’)]»")
    return stripped.endswith(SENTENCE_END)
