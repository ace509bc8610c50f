from __future__ import annotations

from tui_structurer.text.fidelity import score
from tui_structurer.text.repair import repair
from tui_structurer.text.words import word_keys

SOURCE = "so i went to the store and i bought some milk then i came home"


def test_faithful_output_is_kept_as_written() -> None:
    out = "So I went to the store, and I bought some milk.\n\nThen I came home."
    assert repair(SOURCE, out).text == out
    assert repair(SOURCE, out).unmatched == ()


def test_dropped_and_rewritten_words_come_back_from_the_source() -> None:
    out = "So I went to the shop. Then I came home again!"
    result = repair(SOURCE, out)
    assert word_keys(result.text) == word_keys(SOURCE)
    assert result.text.startswith("So I went to the")
    assert result.text.endswith("Then I came home!")
    assert result.unmatched == ((5, 11),)


def test_source_spelling_wins_and_case_follows_the_model() -> None:
    source = "dont you think nasa said that"
    out = "Don't you think NASA said that?"
    result = repair(source, out)
    assert result.text == "Dont you think NASA said that?"


def test_partly_punctuated_source_takes_the_model_punctuation() -> None:
    source = "well, i think so. maybe not"
    result = repair(source, "Well, I think so; maybe not.")
    assert result.text == "Well, I think so; maybe not."
    assert score(source, result.text).identical_words


def test_garbage_output_keeps_every_source_word() -> None:
    result = repair(SOURCE, "Ignore that. Here is a poem about the sea.")
    assert word_keys(result.text) == word_keys(SOURCE)
