"""The drafted-block decoder's logic, on a runtime whose logits are a pure function of
the tokens before them: then drafting must give exactly what deciding one token at a
time gives, whatever the block size. (llama.cpp's own logits shift slightly with how a
text was batched, so the real model is checked for fidelity, not bit-equality:
tests/test_strict_real_model.py.)"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_structurer.strict import StrictChunk, build_boundaries
from tui_structurer.strict.block_size import best_size, expected_kept
from tui_structurer.strict.decoder import StrictDecoder
from tui_structurer.text.words import word_keys

VOCAB: dict[str, int] = {}


def toy_tokens(text: str) -> tuple[int, ...]:
    """One token per character, so words take several tokens as real ones often do."""
    return tuple(VOCAB.setdefault(ch, len(VOCAB) + 1) for ch in text)


class PrefixRuntime:
    """A KV cache of plain tokens; logits are hashes of the prefix. It refuses positions
    that do not follow the cache, so a missed or wrong roll-back fails loudly."""

    def __init__(self, prompt: Sequence[int], punctuation_bias: float):
        self.cache: list[int] = list(prompt)
        self.batch_start = 0
        self.kept: set[int] = set()
        self.bias = punctuation_bias
        self.decodes = 0

    def decode(self, tokens: Sequence[int], first_pos: int, want_logits: Sequence[int]) -> None:
        assert first_pos == len(self.cache), "positions must follow the cache"
        self.cache.extend(tokens)
        self.batch_start, self.kept = first_pos, set(want_logits)
        self.decodes += 1

    def scores(self, batch_index: int, token_ids: Sequence[int]) -> list[float]:
        assert batch_index in self.kept, "logits read where none were kept"
        prefix = self.cache[: self.batch_start + batch_index + 1]
        out = []
        for token in token_ids:
            digest = hashlib.blake2b(repr((prefix[-12:], token)).encode(), digest_size=4)
            value = int.from_bytes(digest.digest(), "big") / 2**32
            # Spaces and letters win most gaps, as they do in real text.
            char = next(k for k, v in VOCAB.items() if v == token)
            plain = char.isalnum() or char == " "
            out.append(value + (self.bias if plain else 0.0))
        return out

    def forget_from(self, pos: int) -> None:
        assert pos <= len(self.cache)
        del self.cache[pos:]


def decode_with(words: tuple[str, ...], size: int, bias: float) -> tuple[str, int]:
    chunk = StrictChunk(words, None, True)
    boundaries = build_boundaries(chunk, toy_tokens)
    prompt = list(toy_tokens("punctuate:"))
    runtime = PrefixRuntime(prompt, bias)
    runtime.kept = {len(prompt) - 1}
    decoder = StrictDecoder(runtime, boundaries, len(prompt), len(prompt) - 1, lambda _: size)
    text = "".join(decoder.write())
    return text, decoder.counters.decode_calls


WORDS = st.lists(
    st.sampled_from(["so", "i", "think", "we", "Paris", "went", "home", "yes", "a", "x2"]),
    min_size=1,
    max_size=40,
).map(tuple)


@settings(max_examples=60, deadline=None)
@given(words=WORDS, size=st.sampled_from([2, 3, 5, 8, 16]), bias=st.sampled_from([0.0, 0.3, 0.9]))
def test_drafting_gives_exactly_the_one_token_at_a_time_result(
    words: tuple[str, ...], size: int, bias: float
) -> None:
    one_by_one, _ = decode_with(words, 1, bias)
    drafted, _ = decode_with(words, size, bias)
    assert drafted == one_by_one
    assert word_keys(drafted) == word_keys(" ".join(words))


def test_drafting_needs_fewer_decodes_when_drafts_are_mostly_right() -> None:
    words = tuple(word_keys("so we went home and then i think we slept for a very long time"))
    _, calls_single = decode_with(words, 1, 0.9)
    _, calls_drafted = decode_with(words, 8, 0.9)
    assert calls_drafted * 3 < calls_single


def test_output_starts_a_sentence_and_ends_one() -> None:
    text, _ = decode_with(("so", "i", "went"), 4, 0.0)
    assert text[0] == "S" and text[-1] in ".?!"


def test_block_size_follows_cost_and_acceptance() -> None:
    flat = {1: 1.0, 4: 1.05, 16: 1.2}  # a GPU: a block costs about what one token does
    steep = {1: 1.0, 2: 1.9, 4: 3.8}  # a CPU where each token costs nearly a decode
    assert best_size(flat, 0.9) == 16
    assert best_size(steep, 0.9) == 1
    assert best_size(flat, 0.0) == 1
    assert expected_kept(4, 0.5) == pytest.approx(1.875)
