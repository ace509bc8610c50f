"""Paragraph breaks placed over a whole chunk: the optimum of the score they stand for,
streamed as soon as it is settled."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_structurer.strict.paragraphs import (
    MIN_PARAGRAPH_WORDS,
    ODDS_WEIGHT,
    SentenceEnd,
    place_breaks,
    words_in_last_paragraph,
)
from tui_structurer.strict.settings import StrictSettings


def pieces(words: int, ends: dict[int, float]) -> list[str | SentenceEnd]:
    """A chunk of ``words`` word gaps; a sentence end with its odds at each gap in
    ``ends`` (the break would come before that gap's word)."""
    out: list[str | SentenceEnd] = []
    for gap in range(words):
        if gap in ends:
            out.append(SentenceEnd(f". w{gap}", f".\n\nw{gap}", ends[gap]))
        else:
            out.append(f" w{gap}")
    return out


def breaks_of(text: str) -> set[int]:
    return {int(re.match(r"w(\d+)", part)[1]) for part in text.split("\n\n")[1:]}  # type: ignore[index]


def score(
    breaks: tuple[int, ...], ends: dict[int, float], words: int, s: StrictSettings, closes: bool
) -> float:
    """What the breaks are worth: the sum the planner maximises, written out plainly."""

    def prior(length: int) -> float:
        return -(math.log(max(length, 1) / s.paragraph_words) ** 2) / (2 * 0.3**2)

    starts = [0, *breaks]
    total = sum(ODDS_WEIGHT * ends[b] + s.bias_paragraph for b in breaks)
    total += sum(prior(b - a) for a, b in itertools.pairwise(starts))
    last = words - starts[-1]
    ending = prior(last)
    if not closes and last <= s.paragraph_words:
        ending = 0.0
    return total + ending


def allowed(breaks: tuple[int, ...]) -> bool:
    starts = [0, *breaks]
    return all(b - a >= MIN_PARAGRAPH_WORDS for a, b in itertools.pairwise(starts))


@settings(max_examples=60, deadline=None)
@given(
    ends=st.dictionaries(st.integers(1, 79), st.floats(-8, 8), min_size=1, max_size=10),
    typical=st.sampled_from([10, 20, 35]),
    bias=st.sampled_from([-2.0, 0.0, 3.0]),
    closes=st.booleans(),
)
def test_the_breaks_placed_are_the_best_the_score_allows(
    ends: dict[int, float], typical: int, bias: float, closes: bool
) -> None:
    words = 80
    s = StrictSettings(bias_paragraph=bias, paragraph_words=typical)
    text = "".join(place_breaks(pieces(words, ends), s, closes=closes))
    chosen = tuple(sorted(breaks_of(text)))
    assert allowed(chosen)
    best = max(
        score(option, ends, words, s, closes)
        for size in range(len(ends) + 1)
        for option in itertools.combinations(sorted(ends), size)
        if allowed(option)
    )
    assert math.isclose(score(chosen, ends, words, s, closes), best, abs_tol=1e-9)
    # Nothing else changes: the same pieces, joined with a space or a break.
    assert text.replace("\n\n", " ") == "".join(
        p if isinstance(p, str) else p.plain for p in pieces(words, ends)
    )


def test_text_streams_out_long_before_the_chunk_ends() -> None:
    s = StrictSettings(bias_paragraph=3.0, paragraph_words=40)
    ends = {gap: (6.0 if gap % 40 == 0 else -4.0) for gap in range(10, 400, 10)}
    released = []
    fed = 0

    def feed() -> Iterator[str | SentenceEnd]:
        nonlocal fed
        for piece in pieces(400, ends):
            fed += 1
            yield piece

    for _ in place_breaks(feed(), s):
        released.append(fed)
    lags = [fed_then - (index + 1) for index, fed_then in enumerate(released)]
    assert len(released) == 400
    assert released[0] < 200  # the first words came out while most were still to decode
    assert max(lags[: len(lags) // 2]) < 150
    assert breaks_of("".join(place_breaks(pieces(400, ends), s))) == {
        g for g in ends if g % 40 == 0
    }


def test_a_break_the_source_makes_stays_whatever_the_prior_says() -> None:
    s = StrictSettings(bias_paragraph=-10.0, paragraph_words=40)
    chunk = pieces(30, {})
    chunk[3] = SentenceEnd(".\n\nw3", ".\n\nw3", forced=True)
    assert breaks_of("".join(place_breaks(chunk, s))) == {3}


def test_a_chunk_that_begins_inside_a_long_paragraph_breaks_soon() -> None:
    s = StrictSettings(bias_paragraph=0.0, paragraph_words=30)
    ends = {10: 0.0, 30: 0.0, 60: 0.0}
    fresh = breaks_of("".join(place_breaks(pieces(90, ends), s)))
    carried = breaks_of("".join(place_breaks(pieces(90, ends), s, carried=40)))
    assert 10 not in fresh and 10 in carried


def test_the_first_token_rule_follows_the_model_alone() -> None:
    s = StrictSettings(rule="first-token")
    ends = {3: 5.0, 12: 1.0, 15: 2.0, 30: -1.0}
    # No break at 3 (too short a paragraph) nor at 15 (7 words after 12), none at 30.
    assert breaks_of("".join(place_breaks(pieces(40, ends), s))) == {12}


def test_words_in_the_last_paragraph() -> None:
    assert words_in_last_paragraph("One two.\n\nThree four five.", before=9) == 3
    assert words_in_last_paragraph("three more words", before=9) == 12
