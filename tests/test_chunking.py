from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_structurer.text.chunking import (
    ContextTooSmallError,
    chunk_token_budget,
    max_output_tokens,
    split,
)
from tui_structurer.text.words import tokenize, word_keys


def count_tokens(text: str) -> int:
    """A stand-in tokenizer: long words cost more tokens, as with real vocabularies."""
    return sum(1 + len(word) // 6 for word in text.split())


def _check_cover(text: str, max_tokens: int) -> None:
    chunks = split(text, max_tokens, count_tokens)
    source = tokenize(text)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    position = 0
    for chunk in chunks:
        assert chunk.start == position and chunk.end > chunk.start
        assert word_keys(chunk.text) == [t.key for t in source[chunk.start : chunk.end]]
        assert count_tokens(chunk.text) <= max_tokens or chunk.end - chunk.start == 1
        position = chunk.end
    assert position == len(source)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14)
punct = st.sampled_from(["", "", "", ",", ".", "?", "!"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(words, punct), min_size=1, max_size=600), st.integers(8, 300))
def test_chunks_cover_every_word_once(items: list[tuple[str, str]], max_tokens: int) -> None:
    _check_cover(" ".join(w + p for w, p in items), max_tokens)


def test_twenty_thousand_words_fit_a_4096_context() -> None:
    text = " ".join(f"word{i % 97}" for i in range(20_000))
    budget = chunk_token_budget(4096, prompt_tokens=200)
    chunks = split(text, budget, count_tokens)
    assert len(chunks) > 10
    for chunk in chunks:
        tokens = count_tokens(chunk.text)
        assert 200 + tokens + max_output_tokens(tokens) <= 4096
    _check_cover(text, budget)


def test_cuts_fall_after_sentence_ends_when_there_are_some() -> None:
    sentences = [f"this is sentence number {i} and it goes on a little." for i in range(60)]
    chunks = split(" ".join(sentences), 60, count_tokens)
    assert len(chunks) > 1
    assert all(chunk.text.endswith(".") for chunk in chunks)


def test_unpunctuated_text_is_cut_at_word_windows() -> None:
    chunks = split(" ".join(["word"] * 1000), 100, count_tokens)
    sizes = {c.end - c.start for c in chunks[:-1]}
    assert len(sizes) == 1


def test_short_text_is_one_chunk() -> None:
    assert len(split("just a few words", 100, count_tokens)) == 1
    assert split("   ", 100, count_tokens) == []


def test_tiny_context_is_refused_clearly() -> None:
    with pytest.raises(ContextTooSmallError, match="larger context"):
        chunk_token_budget(512, prompt_tokens=500)
