"""The decision rules on hand-made log-probabilities, and their settings in models.toml."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from strict_fakes import toy_tokens
from tui_structurer.config import ConfigError, load_config
from tui_structurer.strict.candidates import final_gap, word_gap
from tui_structurer.strict.choice import (
    final_winner,
    lookahead_winner,
    paragraph_split,
    survivors,
)
from tui_structurer.strict.settings import StrictSettings, from_profile

T = toy_tokens
GAP = word_gap("then", T)  # candidates " then", " Then", ", then", ". Then", "? Then", …


def firsts(**marks: float) -> dict[int, float]:
    """First-token log-probabilities: every candidate's first token at -20 unless named."""
    names = {"none": " t", "capital": " T", "comma": ",", "period": ".", "question": "?"}
    table = {c.tokens[0]: -20.0 for c in GAP.candidates}
    for name, value in marks.items():
        table[T(names[name])[0]] = value
    return table


def test_the_word_as_spoken_is_always_weighed_and_unlikely_marks_are_not() -> None:
    strict = StrictSettings(threshold=-4.0)
    weighed = survivors(GAP, firsts(none=-9.0, comma=-0.5, period=-3.0), strict, 16)
    assert {c.text for c in weighed} == {", then", " then", ". Then"}
    assert weighed[0].text == ", then"  # the favoured: likeliest first token
    alone = survivors(GAP, firsts(none=-0.1), strict, 16)
    assert [c.text for c in alone] == [" then"]


def test_a_capital_likelier_than_the_spoken_word_is_weighed() -> None:
    weighed = survivors(GAP, firsts(none=-9.0, capital=-6.0), StrictSettings(), 16)
    assert {c.text for c in weighed} == {" then", " Then"}


def test_a_class_is_weighed_once_and_breaks_are_settled_later() -> None:
    weighed = survivors(GAP, firsts(none=-1.0, period=-1.0), StrictSettings(), 16)
    assert [c.mark for c in weighed if c.mark] == ["."]
    assert not any(c.paragraph for c in weighed)
    few = survivors(GAP, firsts(none=-3.0, comma=-1, period=-1.5, question=-2), StrictSettings(), 2)
    assert len(few) == 2 and few[-1].text == " then"


def test_first_token_rule_takes_the_likeliest_first_token() -> None:
    strict = StrictSettings(rule="first-token")
    weighed = survivors(GAP, firsts(none=-2.0, comma=-1.0), strict, 16)
    assert [c.text for c in weighed] == [", then", ", Then"]  # case settled at the next token


def scorer(table: dict[str, float]) -> object:
    """Log-probabilities after a prefix, looked up by the prefix's text."""

    def logprobs_after(prefix: Sequence[int], tokens: Sequence[int]) -> list[float]:
        text = "".join(next(k for k, v in toy_vocab().items() if v == t) for t in prefix)
        return [table.get(text, -1.0) for _ in tokens]

    return logprobs_after


def toy_vocab() -> dict[str, int]:
    from strict_fakes import VOCAB

    return VOCAB


def test_lookahead_weighs_what_follows_a_mark() -> None:
    none, comma = GAP.candidates[0], next(c for c in GAP.candidates if c.text == ", then")
    first = firsts(none=-0.5, comma=-1.0)
    # After ", then" the next source token is far likelier than after " then".
    after = scorer({" then": -9.0, ",": -0.2, ", then": -0.5})
    strict = StrictSettings(bias_comma=0.0)
    assert lookahead_winner([none, comma], T(" we"), first, after, strict) is comma  # type: ignore[arg-type]
    shy = StrictSettings(bias_comma=-12.0)
    assert lookahead_winner([none, comma], T(" we"), first, after, shy) is none  # type: ignore[arg-type]


def test_a_capital_inside_a_sentence_carries_the_capital_bias() -> None:
    spoken, capital = GAP.candidates[0], next(c for c in GAP.candidates if c.text == " Then")
    sentence_start = next(c for c in GAP.candidates if c.text == ". Then")
    assert capital.raised and not spoken.raised and not sentence_start.raised
    first = firsts(none=-0.5, capital=-1.5)
    after = scorer({" then": -0.5, " Then": -0.5})
    plain = StrictSettings()
    assert lookahead_winner([spoken, capital], T(" we"), first, after, plain) is spoken  # type: ignore[arg-type]
    named = StrictSettings(bias_capital=1.5)
    assert named.class_bias(capital) == 1.5 and named.class_bias(sentence_start) == 1.0
    assert lookahead_winner([spoken, capital], T(" we"), first, after, named) is capital  # type: ignore[arg-type]
    # A word spoken with a capital is not raised by keeping it.
    assert not any(c.raised for c in word_gap("Paris", T).candidates)


def test_a_sentence_end_has_a_paragraph_twin_that_parts_after_the_mark() -> None:
    period = next(c for c in GAP.candidates if c.text == ". Then")
    twin, shared = paragraph_split(period, GAP) or (None, 0)
    assert twin is not None and twin.text == ".\n\nThen" and shared == 1
    assert paragraph_split(GAP.candidates[0], GAP) is None


def test_the_closing_mark_uses_first_tokens_and_biases() -> None:
    gap = final_gap(T)
    first = {T(".")[0]: -1.0, T("?")[0]: -1.5, T("!")[0]: -3.0}
    assert final_winner(gap, first, StrictSettings()).mark == "."
    assert final_winner(gap, first, StrictSettings(bias_question=2.0)).mark == "?"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_profiles_carry_strict_settings_with_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / "c.toml", '[models.m]\ngguf = "x.gguf"\n'))
    strict = from_profile(config.models["m"])
    assert (strict.bias_sentence, strict.bias_comma, strict.bias_paragraph) == (1.0, 0.0, 3.0)
    assert strict.bias_capital == 0.0
    assert from_profile(load_config().models["gemma3-270m"]).bias_capital == 2.0  # shipped
    assert strict.rule == "lookahead" and strict.lookahead == 1
    tuned = load_config(
        write(tmp_path / "d.toml", '[models.m]\ngguf = "x.gguf"\nstrict_bias_comma = -0.5\n')
    )
    assert from_profile(tuned.models["m"]).bias_comma == -0.5


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("strict_bias_comma = 99.0", "between -20.0 and 20.0"),
        ("strict_lookahead = 12", "between 0 and 8"),
        ('strict_rule = "magic"', '"lookahead" or "first-token"'),
        ("strict_draft_words = 0", "between 1 and 32"),
    ],
)
def test_strict_settings_are_checked(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path / "c.toml", f'[models.m]\ngguf = "x.gguf"\n{line}\n'))


def test_a_prompt_without_the_transcript_serves_strict_steps_only(tmp_path: Path) -> None:
    prompt = '[prompts.p]\nshows_transcript = false\ncompletion = "Speech:\\n\\n"\n'
    strict = '[[cascade]]\nmodel = "gemma3-270m"\nprompt = "p"\nmode = "strict"\n'
    assert load_config(write(tmp_path / "a.toml", prompt + strict)).cascade[0].prompt == "p"
    with pytest.raises(ConfigError, match="serves strict steps only"):
        load_config(write(tmp_path / "b.toml", prompt + strict.replace("strict", "repair")))
    with pytest.raises(ConfigError, match=r"must contain \{text\}"):
        load_config(write(tmp_path / "c.toml", '[prompts.p]\ncompletion = "Speech:"\n'))
