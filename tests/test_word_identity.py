"""A word's symbols are part of it; only structure marks at its edges and case are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_structurer.config import load_config
from tui_structurer.pipeline.gate import gate_reasons, judge_text
from tui_structurer.text.fidelity import score
from tui_structurer.text.repair import repair
from tui_structurer.text.structure import measure
from tui_structurer.text.words import split_edges, tokenize, word_keys

SYMBOLS = [
    ("$50", "50"),
    ("10%", "10"),
    ("-5", "5"),
    ("C++", "C"),
    ("C#", "C"),
    ("+1", "1"),
    ("#gardening", "gardening"),
    ("@alice", "alice"),
]
SENTENCE = "so the thing {} was all anyone talked about at the meeting this week"


@pytest.mark.parametrize(("word", "bare"), SYMBOLS)
def test_a_lost_symbol_is_a_changed_word(word: str, bare: str) -> None:
    source = SENTENCE.format(word)
    result = score(source, "So the thing " + bare + " was all anyone talked about at the "
                   "meeting this week.")  # fmt: skip
    assert result.replaced == 1 and not result.identical_words


@pytest.mark.parametrize(("word", "bare"), SYMBOLS)
def test_a_free_output_that_loses_a_symbol_fails_the_gate(word: str, bare: str) -> None:
    source = SENTENCE.format(word)
    output = f"So the thing {bare} was all anyone talked about at the meeting this week."
    assert judge_text(load_config().gate, source, output)[1]
    kept = score(source, f"So the thing {word}, was all anyone talked about at the meeting.")
    assert kept.replaced == 0  # the symbol kept, with a comma after it: the same word


@pytest.mark.parametrize(("word", "bare"), SYMBOLS)
def test_repair_keeps_the_source_symbol_and_the_model_structure(word: str, bare: str) -> None:
    source = SENTENCE.format(word)
    output = f"So the thing {bare}, was all anyone talked about at the meeting this week."
    repaired = repair(source, output)
    assert word_keys(repaired.text) == word_keys(source)
    assert f" {word}, was" in repaired.text  # the model's comma, the source's word
    assert repaired.unmatched == ((3, 4),)  # and the reviewer is shown the place
    raw, final = score(source, output), score(source, repaired.text)
    change = measure(source, repaired.text, final.segments)
    assert gate_reasons(load_config().gate, raw, final, change)  # judged on what it wrote


def test_structure_marks_quotes_brackets_and_case_are_not_changes() -> None:
    source = "and then she said we are going home now and nobody argued with her at all"
    output = ('And then she said: "We are going home now!" And nobody argued with her '
              "(at all)…")  # fmt: skip
    fidelity, reasons = judge_text(load_config().gate, source, output)
    assert fidelity.identical_words and reasons == ()
    curly = score("she said dont go", "She said “Don’t go.”")
    assert curly.replaced == 1  # an apostrophe inside a word is part of it
    assert score("she said don't go", "She said, “Don’t go.”").identical_words


def test_dashes_and_dots_alone_are_not_words() -> None:
    assert word_keys("so - well -- ... — it was -5 degrees") == [
        "so", "well", "it", "was", "-5", "degrees",
    ]  # fmt: skip
    assert split_edges('so - "C++",') == ("", "so", ' - "C++",')
    assert split_edges('"C++",') == ('"', "C++", '",')


words = st.sampled_from(["so", "$50", "10%", "-5", "C++", "don't", "@alice", "#tag", "x"])
marks = st.sampled_from(["", ",", ".", "?!", '"', "(", ")", "…", " -", " —", "'"])


@given(st.lists(st.tuples(marks, words, marks), max_size=30))
@settings(max_examples=200, deadline=None)
def test_tokens_and_word_keys_agree(parts: list[tuple[str, str, str]]) -> None:
    text = " ".join(before + word + after for before, word, after in parts)
    assert [t.key for t in tokenize(text)] == word_keys(text)
    for token in tokenize(text):
        before, word, after = split_edges(token.text)
        assert before + word + after == token.text and word.lower() == token.key
