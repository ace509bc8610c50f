"""Where a source file keeps its spoken words, so structured text can be written back in
the source's own format: the same cues, numbers, timings and fields, each place holding
exactly its own words, now punctuated and capitalised.

A layout is a sequence of parts: text written as it was (cue numbers, timings, headers),
slots that take the next *n* words of the structured text, and labels (speaker labels the
reader added to the text, which the source keeps in a field of its own).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Slot:
    """A place that holds the next ``words`` words."""

    words: int
    prefix: str = ""
    """Written before the words (the leading whitespace or styling tag of a line)."""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    """Words the reader put into the text (a speaker label) that are not written here."""

    words: int


Part = str | Slot | Label


class WordFeed:
    """The structured words, handed out slot by slot; a slot is written as its words
    joined by single spaces (paragraph breaks belong to the prose output only)."""

    def __init__(self, words: Sequence[str]):
        self._words = words
        self._next = 0

    def take(self, count: int) -> str:
        taken = self._words[self._next : self._next + count]
        if len(taken) != count:
            raise ValueError(
                f"the structured text has {len(self._words)} words; the layout needs more"
            )
        self._next += count
        return " ".join(taken)

    def finished(self) -> bool:
        return self._next == len(self._words)


def fill(parts: Sequence[Part], words: Sequence[str]) -> str:
    """The layout with every slot holding its words from ``words`` (the structured
    text's words, one for each source word, in order)."""
    feed = WordFeed(words)
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Slot):
            out.append(part.prefix + feed.take(part.words) + part.suffix)
        else:
            feed.take(part.words)
    if not feed.finished():
        raise ValueError("the structured text has more words than the layout holds")
    return "".join(out)


def slot_words(parts: Sequence[Part]) -> Iterator[int]:
    """Words in each slot and label, in order."""
    for part in parts:
        if not isinstance(part, str):
            yield part.words


class SourceLayout(Protocol):
    """How a source file is written back with structured words in place of its own."""

    def write(self, words: Sequence[str]) -> str:
        """The file's text with ``words`` (one per source word, in order) in place."""
        ...


@dataclass(frozen=True, slots=True)
class TextLayout:
    """A text format (SRT, WebVTT) as parts, with the source's own line breaks."""

    parts: tuple[Part, ...]
    newline: str = "\n"

    def write(self, words: Sequence[str]) -> str:
        text = fill(self.parts, words)
        return text if self.newline == "\n" else text.replace("\n", self.newline)
