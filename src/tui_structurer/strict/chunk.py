"""A transcript chunk as strict decoding sees it: fixed words and a glimpse ahead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_structurer.strict.fixed_words import source_words
from tui_structurer.text.chunking import Chunk

FOLLOWING_WORDS = 8
"""Words of the next chunk each chunk carries: its last mark is scored with them."""


@dataclass(frozen=True, slots=True)
class StrictChunk:
    """The words of one chunk and what the decoder must know of its neighbours."""

    words: tuple[str, ...]
    following: tuple[str, ...] = ()
    """The first words of the text after this chunk; empty for a text's last chunk."""
    starts_sentence: bool = True

    @property
    def next_word(self) -> str | None:
        """First word of the next chunk; ``None`` for the last chunk of a text."""
        return self.following[0] if self.following else None


def strict_chunks(chunks: Sequence[Chunk]) -> list[StrictChunk]:
    """The pipeline's chunks as word lists; sentence starts are settled while decoding,
    so every chunk but the first is marked as not starting one."""
    word_lists = [tuple(source_words(chunk.text)) for chunk in chunks]
    result = []
    for index, words in enumerate(word_lists):
        ahead = [word for later in word_lists[index + 1 :] for word in later[:FOLLOWING_WORDS]]
        result.append(StrictChunk(words, tuple(ahead[:FOLLOWING_WORDS]), index == 0))
    return result
