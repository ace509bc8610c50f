"""Words as the fidelity gate, repair and chunking see them.

A *word* is a whitespace-separated token with at least one letter or digit. Its *key* is
the lowercased token without punctuation, so "So," and "so" are the same word and
punctuation, case and line breaks are never counted as changes of words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NOT_WORD_CHAR = re.compile(r"[^\w\s]|_")
_TOKEN = re.compile(r"\S+")
SENTENCE_END = (".", "?", "!", "…")


def word_keys(text: str) -> list[str]:
    """The keys of every word in ``text``, in order (one regex pass: fast on long texts)."""
    return _NOT_WORD_CHAR.sub("", text.lower()).split()


def key_of(token: str) -> str:
    """The key of one token; empty when the token is punctuation only."""
    return _NOT_WORD_CHAR.sub("", token.lower())


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
    """Split ``text`` into words, keeping each word's surface form and preceding breaks."""
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
