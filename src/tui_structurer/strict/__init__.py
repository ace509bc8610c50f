"""Strict mode: the output is the source words in order; the model only chooses
separators, paragraph breaks and capitals between them."""

from tui_structurer.strict.chunk import StrictChunk, strict_chunks
from tui_structurer.strict.fixed_words import case_variants, fixed_word, source_words
from tui_structurer.strict.paragraphs import words_in_last_paragraph

__all__ = [
    "StrictChunk",
    "case_variants",
    "fixed_word",
    "source_words",
    "strict_chunks",
    "words_in_last_paragraph",
]
