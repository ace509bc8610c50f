"""A transcript chunk as strict decoding sees it: fixed words and a glimpse ahead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_structurer.strict.candidates import Gap, Tokenizer, final_gap, first_gap, word_gap
from tui_structurer.strict.fixed_words import source_words
from tui_structurer.text.chunking import Chunk
from tui_structurer.text.source_rules import FREE, GapRule

FOLLOWING_WORDS = 8
"""Words of the next chunk each chunk carries: its last mark is scored with them."""


@dataclass(frozen=True, slots=True)
class StrictChunk:
    """The words of one chunk and what the decoder must know of its neighbours."""

    words: tuple[str, ...]
    following: tuple[str, ...] = ()
    """The first words of the text after this chunk; empty for a text's last chunk."""
    starts_sentence: bool = True
    rules: tuple[GapRule, ...] = ()
    """What the source decides at each of the chunk's ``len(words) + 1`` gaps (its last
    is the gap before the next chunk's first word); empty: the model decides them all."""
    paragraph_words: int = 0
    """Words of the paragraph the chunk begins inside (0 at a text's start or a break)."""

    def rule(self, gap: int) -> GapRule:
        return self.rules[gap] if self.rules else FREE

    @property
    def next_word(self) -> str | None:
        """First word of the next chunk; ``None`` for the last chunk of a text."""
        return self.following[0] if self.following else None

    def gap(self, index: int, tokenize: Tokenizer) -> Gap:
        """Gap ``index``: before word ``index``; the last one (``len(words)``) closes the
        chunk: a sentence end, or the separator before the next chunk's first word."""
        words, rule = self.words, self.rule(index)
        if index == 0:
            return first_gap(words[0], self.starts_sentence, tokenize, rule)
        if index < len(words):
            return word_gap(words[index], tokenize, rule=rule)
        if self.next_word is not None:
            return word_gap(self.next_word, tokenize, writes_word=False, rule=rule)
        return final_gap(tokenize, rule)


def strict_chunks(chunks: Sequence[Chunk], rules: Sequence[GapRule] = ()) -> list[StrictChunk]:
    """The pipeline's chunks as word lists, each with its slice of the text's gap
    ``rules`` (by the chunks' word positions); sentence starts are settled while
    decoding, so every chunk but the first is marked as not starting one."""
    word_lists = [tuple(source_words(chunk.text)) for chunk in chunks]
    result = []
    for index, (chunk, words) in enumerate(zip(chunks, word_lists, strict=True)):
        ahead = [word for later in word_lists[index + 1 :] for word in later[:FOLLOWING_WORDS]]
        own = tuple(rules[chunk.start : chunk.end + 1]) if rules else ()
        result.append(StrictChunk(words, tuple(ahead[:FOLLOWING_WORDS]), index == 0, own))
    return result
