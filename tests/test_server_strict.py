"""Strict decoding through a server that reports log-probabilities: the toy model
behind a text interface stands in for the server (the decoder sees only token texts,
their log-probabilities and alternatives, as llama-server's ``n_probs`` reports them)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strict_fakes import CHARS, ToyScorer, hashed_logit
from tui_structurer.errors import Cancelled
from tui_structurer.strict import StrictChunk
from tui_structurer.strict.paragraphs import MIN_PARAGRAPH_WORDS
from tui_structurer.strict.scored_text import ScoredText, ScoredToken, best_prefix
from tui_structurer.strict.server_decoder import ServerStrictDecoder
from tui_structurer.strict.settings import StrictSettings
from tui_structurer.text.source_rules import Case, GapRule, Paragraph
from tui_structurer.text.words import word_keys

PROMPT = "punctuate this:\n\n"
WORD_LIST = ["so", "i", "think", "we", "Paris", "went", "home", "yes", "a", "x2", "$50", "C++"]


def decode(
    chunk: StrictChunk, strict: StrictSettings, scorer: ToyScorer | None = None
) -> tuple[str, ServerStrictDecoder]:
    decoder = ServerStrictDecoder(scorer or ToyScorer(), PROMPT, chunk, strict)
    return "".join(decoder.write()), decoder


@settings(max_examples=40, deadline=None)
@given(
    words=st.lists(st.sampled_from(WORD_LIST), min_size=1, max_size=25).map(tuple),
    following=st.lists(st.sampled_from(WORD_LIST), max_size=3).map(tuple),
    threshold=st.sampled_from([-2.0, -4.0, -8.0]),
    bias_paragraph=st.sampled_from([-3.0, 4.0]),
)
def test_no_word_changes_whatever_the_scores(
    words: tuple[str, ...], following: tuple[str, ...], threshold: float, bias_paragraph: float
) -> None:
    strict = StrictSettings(threshold=threshold, bias_paragraph=bias_paragraph, paragraph_words=10)
    text, _ = decode(StrictChunk(words, following), strict)
    assert word_keys(text) == word_keys(" ".join(words))
    if not following:
        assert text[-1] in ".?!"


def wants(marks: dict[str, str], breaks: Sequence[str] = ()) -> object:
    """A model that wants ``marks[word]`` after ``word``, a break after the sentence
    ends of ``breaks``, and otherwise lower-case words without marks."""

    def logit(prefix: Sequence[int], token: int) -> float:
        text = "".join(CHARS[t] for t in prefix)
        piece = CHARS[token]
        last = text.rstrip(".,?!").split()[-1] if text.split() else ""
        wanted = marks.get(last)
        if text.endswith(tuple(".?!")) and last in breaks:  # a break, or else a capital
            bonus = {"\n": 9.0}.get(piece, 6.0 if piece.strip().isupper() else 0.0)
            return hashed_logit(prefix, token, 0.0) + bonus
        if wanted and not text.endswith(wanted):
            return 14.0 if piece == wanted else hashed_logit(prefix, token, 0.0)
        if text.endswith("\n\n") or text.endswith(tuple(".?!")):
            return 12.0 if piece.strip().isupper() else hashed_logit(prefix, token, 0.0)
        return hashed_logit(prefix, token, 0.0) + (12.0 if piece.strip().islower() else 0.0)

    return logit


def test_the_marks_the_model_expects_are_written() -> None:
    words = tuple(["hello", "there", "my", "friend", "how", "are", "you", "i", "am", "fine"])
    scorer = ToyScorer(wants({"there": ",", "friend": ".", "you": "?"}))  # type: ignore[arg-type]
    text, decoder = decode(StrictChunk(words), StrictSettings(), scorer)
    assert text == "Hello there, my friend. How are you? I am fine."
    assert decoder.counters.scored_gaps >= 3


def test_a_break_is_written_where_the_model_and_the_prior_want_it() -> None:
    words = tuple(("we went home " * 4 + "and slept then we woke up and ate").split())
    assert len(words) > MIN_PARAGRAPH_WORDS
    logit = wants({"slept": "."}, breaks=("slept",))
    short = StrictSettings(bias_paragraph=4.0, paragraph_words=12)
    text, _ = decode(StrictChunk(words), short, ToyScorer(logit))  # type: ignore[arg-type]
    assert "slept.\n\nThen" in text
    assert word_keys(text) == word_keys(" ".join(words))
    # Where paragraphs run to 40 words, a break there would leave two stubs.
    long = StrictSettings(bias_paragraph=4.0, paragraph_words=40)
    text, _ = decode(StrictChunk(words), long, ToyScorer(logit))  # type: ignore[arg-type]
    assert "slept. Then" in text


def test_drafts_settle_sure_gaps_without_a_request_each() -> None:
    words = tuple(("so we went home and then i think we slept for a very long time " * 3).split())
    logit = wants({})
    requests = {}
    for size in (1, 8):
        scorer = ToyScorer(logit)  # type: ignore[arg-type]
        decode(StrictChunk(words), StrictSettings(draft_words=size), scorer)
        requests[size] = scorer.requests
    assert requests[8] * 3 < requests[1] <= len(words) + 2


def test_the_sources_own_marks_are_kept() -> None:
    words = ("so", "we", "went", "home")
    keep = GapRule((":",), Paragraph.NEVER, Case.KEEP)
    rules = (GapRule(None, Paragraph.FREE, Case.FREE),) * 2 + (keep,) + (GapRule(None),) * 2
    text, _ = decode(StrictChunk(words, rules=rules), StrictSettings())
    assert ": went" in text


def test_a_chunk_that_text_follows_ends_with_a_separator_only() -> None:
    text, _ = decode(StrictChunk(("so", "we", "went"), ("home", "then")), StrictSettings())
    assert text.startswith("So") and word_keys(text) == ["so", "we", "went"]
    assert not text.endswith(" ")


def test_cancel_stops_decoding_and_an_empty_chunk_writes_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    decoder = ServerStrictDecoder(ToyScorer(), PROMPT, StrictChunk(("a", "b")), StrictSettings())
    with pytest.raises(Cancelled):
        list(decoder.write(cancel))
    assert decode(StrictChunk(()), StrictSettings())[0] == ""


def test_scored_text_reads_spans_and_alternatives_only_where_tokens_line_up() -> None:
    scored = ScoredText(
        ", and the",
        (ScoredToken(",", -0.5, {".": -1.0}), ScoredToken(" and", -1.0, {" And": -3.0}),
         ScoredToken(" the", -0.25)),
    )  # fmt: skip
    assert scored.span_score(0, len(", and")) == -1.5
    assert scored.span_score(0, 3) is None  # inside " and"
    assert scored.first_scores(1) == {" And": -3.0, " and": -1.0}
    assert scored.first_scores(2) is None
    assert scored.token_at(3) == (1, scored.tokens[1])
    split = ScoredText("é", (ScoredToken("\ufffd", -1.0), ScoredToken("\ufffd", -1.0)))
    assert split.first_scores(0) is None and split.span_score(0, 1) is None
    assert best_prefix({" a": -2.0, " and": -1.5, ",": -0.1}, " and") == -1.5
    assert best_prefix({",": -0.1}, " and") < -20
