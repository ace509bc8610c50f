"""Strict decoding's logic on a runtime whose log-probabilities are a pure function of
the tokens before them (tests/strict_fakes.py). There batching, drafting, sequences and
prefix trees must give exactly what deciding gap by gap from the model gives. (llama.cpp's
own logits move slightly with how a text was batched, so the real model is checked for
fidelity and reproducibility: tests/test_strict_real_model.py.)"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strict_fakes import CHARS, FakeRuntime, hashed_logit, reference_decode, toy_tokens
from tui_structurer.errors import Cancelled
from tui_structurer.strict import StrictChunk, source_words
from tui_structurer.strict.decoder import StrictDecoder
from tui_structurer.strict.paragraphs import MIN_PARAGRAPH_WORDS
from tui_structurer.strict.settings import StrictSettings
from tui_structurer.text.source_rules import FREE, Case, GapRule, Paragraph
from tui_structurer.text.words import tokenize, word_keys

PROMPT = toy_tokens("punctuate this:\n\n")
WORD_LIST = ["so", "i", "think", "we", "Paris", "went", "home", "yes", "a", "x2", "$50", "C++"]
WORDS = st.lists(st.sampled_from(WORD_LIST), min_size=1, max_size=40).map(tuple)
SETTINGS = st.builds(
    StrictSettings,
    rule=st.sampled_from(["lookahead", "first-token"]),
    lookahead=st.integers(0, 3),
    threshold=st.sampled_from([-2.0, -4.0, -8.0]),
    bias_sentence=st.sampled_from([0.0, 1.0]),
    bias_paragraph=st.sampled_from([-3.0, 4.0]),
    paragraph_words=st.sampled_from([10, 40]),
    draft_words=st.sampled_from([1, 2, 4, 8]),
)


def decode(
    chunk: StrictChunk, strict: StrictSettings, runtime: FakeRuntime | None = None
) -> tuple[str, StrictDecoder]:
    decoder = StrictDecoder(runtime or FakeRuntime(), PROMPT, chunk, toy_tokens, strict)
    return "".join(decoder.write()), decoder


@settings(max_examples=80, deadline=None)
@given(
    words=WORDS,
    following=st.lists(st.sampled_from(WORD_LIST), max_size=3).map(tuple),
    starts=st.booleans(),
    strict=SETTINGS,
)
def test_batched_decoding_makes_exactly_the_gap_by_gap_decisions(
    words: tuple[str, ...], following: tuple[str, ...], starts: bool, strict: StrictSettings
) -> None:
    chunk = StrictChunk(words, following, starts)
    text, _ = decode(chunk, strict)
    assert text == reference_decode(PROMPT, chunk, strict)
    assert word_keys(text) == word_keys(" ".join(words))


@settings(max_examples=30, deadline=None)
@given(words=WORDS, strict=SETTINGS)
def test_draft_size_changes_the_cost_never_the_text(
    words: tuple[str, ...], strict: StrictSettings
) -> None:
    chunk = StrictChunk(words)
    texts = {decode(chunk, dataclasses.replace(strict, draft_words=n))[0] for n in (1, 3, 16)}
    assert len(texts) == 1


def sure_of_words(prefix: Sequence[int], token: int) -> float:
    """A model that wants the words as spoken: lower case, no marks."""
    char = CHARS.get(token, "").strip()
    return hashed_logit(prefix, token, bias=0.0) + (12.0 if char.islower() else 0.0)


def test_drafts_save_decodes_where_the_model_is_sure() -> None:
    words = tuple(word_keys("so we went home and then i think we slept for a very long time " * 6))
    calls = {}
    for size in (1, 8):
        strict = StrictSettings(draft_words=size)
        _, decoder = decode(StrictChunk(words), strict, FakeRuntime(logit=sure_of_words))
        calls[size] = decoder.counters.decode_calls
    assert calls[8] * 3 < calls[1]


def test_words_and_their_symbols_survive_any_context_size() -> None:
    text = " ".join(WORD_LIST * 30)
    chunk = StrictChunk(tuple(source_words(text)))
    for n_ctx in (160, 400, 4096):
        out, decoder = decode(chunk, StrictSettings(), FakeRuntime(n_ctx=n_ctx))
        assert [w.lower() for w in source_words(out)] == [w.lower() for w in chunk.words]
        assert (decoder.counters.refills > 0) == (n_ctx < 4096)


def test_a_word_longer_than_the_context_is_written_unscored() -> None:
    giant = "x" * 150
    chunk = StrictChunk(("so", giant, "we", "went", "home"))
    out, _ = decode(chunk, StrictSettings(), FakeRuntime(n_ctx=200))
    assert giant in out.lower() and word_keys(out) == word_keys("so " + giant + " we went home")


def test_the_fewest_candidates_fit_when_few_sequences_exist() -> None:
    chunk = StrictChunk(tuple(WORD_LIST * 3))
    out, _ = decode(chunk, StrictSettings(threshold=-30.0), FakeRuntime(n_seq=2))
    assert word_keys(out) == word_keys(" ".join(chunk.words))


def break_loving(prefix: Sequence[int], token: int) -> float:
    """A model that wants a sentence end and a paragraph after every word."""
    char = CHARS.get(token, "")
    return hashed_logit(prefix, token) + (12.0 if char in (".", "\n") else 0.0)


def test_paragraphs_never_shrink_below_the_minimum() -> None:
    words = tuple(WORD_LIST * 8)
    runtime = FakeRuntime(logit=break_loving)
    out, _ = decode(StrictChunk(words), StrictSettings(bias_paragraph=5.0), runtime)
    paragraphs = out.split("\n\n")
    assert len(paragraphs) > 3
    assert all(len(p.split()) >= MIN_PARAGRAPH_WORDS for p in paragraphs[:-1])


def test_a_chunk_that_text_follows_ends_with_a_separator_only() -> None:
    chunk = StrictChunk(("so", "we", "went"), ("home", "then"), True)
    out, _ = decode(chunk, StrictSettings())
    assert out.startswith("So") and word_keys(out) == ["so", "we", "went"]
    assert not out.endswith(" ")


def test_the_last_chunk_ends_a_sentence_and_the_first_starts_one() -> None:
    out, _ = decode(StrictChunk(("so", "i", "went")), StrictSettings())
    assert out[0] == "S" and out[-1] in ".?!"


def test_cancel_stops_decoding() -> None:
    cancel = threading.Event()
    cancel.set()
    chunk = StrictChunk(("a", "b"))
    decoder = StrictDecoder(FakeRuntime(), PROMPT, chunk, toy_tokens, StrictSettings())
    with pytest.raises(Cancelled):
        list(decoder.write(cancel))


def test_an_empty_chunk_writes_nothing() -> None:
    assert decode(StrictChunk(()), StrictSettings())[0] == ""


RULES = st.sampled_from(
    [
        FREE,
        GapRule((".",), Paragraph.ALWAYS, Case.KEEP),
        GapRule(("",), Paragraph.NEVER, Case.KEEP),
        GapRule((":",), Paragraph.NEVER, Case.CAPITAL),
        GapRule((".", "?", "!"), Paragraph.FREE, Case.FREE),
        GapRule(("…",), Paragraph.NEVER, Case.KEEP),
    ]
)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), words=WORDS, strict=SETTINGS, starts=st.booleans())
def test_the_sources_rules_are_kept_and_batching_still_decides_as_the_reference(
    data: st.DataObject, words: tuple[str, ...], strict: StrictSettings, starts: bool
) -> None:
    """Whatever the model prefers, a gap the source fixes gets exactly what it allows."""
    rules = tuple(data.draw(RULES) for _ in range(len(words) + 1))
    chunk = StrictChunk(words, (), starts, rules)
    text, _ = decode(chunk, strict)
    assert text == reference_decode(PROMPT, chunk, strict)
    assert word_keys(text) == word_keys(" ".join(words))
    tokens = tokenize(text)
    for index, rule in enumerate(rules[1:-1], start=1):
        before, after = tokens[index - 1].text, tokens[index]
        mark = before[-1] if before[-1] in ",.?!:;…" else ""
        if rule.marks is not None:
            assert mark in rule.marks
        if rule.paragraph == Paragraph.ALWAYS and mark in ".?!…":
            assert after.breaks_before == 2
        if rule.paragraph == Paragraph.NEVER:
            assert after.breaks_before == 0
        if rule.case == Case.KEEP:
            assert after.text.rstrip(",.?!:;…") == words[index]


def test_the_next_chunk_reuses_the_prompt_and_decides_the_same() -> None:
    runtime = FakeRuntime()
    first = StrictChunk(tuple(["so", "i", "think", "we", "went", "home"]), ("yes",))
    second = StrictChunk(tuple(["yes", "we", "went", "home"]))
    decode(first, StrictSettings(), runtime)
    before = runtime.decodes
    text, decoder = decode(second, StrictSettings(), runtime)
    assert text == reference_decode(PROMPT, second, StrictSettings())
    # The prompt but its last token stayed: the chunk's first decode was that token alone.
    assert runtime.batch_sizes[before] == 1
    assert runtime.decodes - before == decoder.counters.decode_calls
