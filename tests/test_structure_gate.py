"""What counts as structure added, and the gate's tests of it."""

from __future__ import annotations

from tui_structurer.config import Gate
from tui_structurer.pipeline.gate import NO_STRUCTURE, judge_text
from tui_structurer.text.fidelity import score
from tui_structurer.text.structure import measure

SOURCE = "so i went to the store and i bought some milk then i came home"
GATE = Gate()


def test_marks_and_paragraphs_added_at_aligned_words_are_counted() -> None:
    out = "So I went to the store, and I bought some milk.\n\nThen I came home."
    change = measure(SOURCE, out, score(SOURCE, out).segments)
    assert (change.marks_added, change.paragraphs_added, change.paragraphs_removed) == (3, 1, 0)
    assert change.added
    assert (change.output.marks, change.output.sentence_ends) == (3, 2)


def test_a_copy_of_the_source_adds_nothing_and_fails() -> None:
    change = measure(SOURCE, SOURCE, score(SOURCE, SOURCE).segments)
    assert not change.added
    assert judge_text(GATE, SOURCE, SOURCE)[1] == (NO_STRUCTURE,)


def test_full_stops_added_to_a_hard_wrapped_file_are_structure() -> None:
    """Caption files wrap their lines: losing the wraps while adding full stops is not
    "nothing added" (the old count of marks and line breaks read it as zero)."""
    wrapped = "so i went to the store\nand i bought some milk\nthen i came home\nand slept"
    out = "So I went to the store and I bought some milk. Then I came home and slept."
    change = measure(wrapped, out, score(wrapped, out).segments)
    assert change.marks_added == 2 and change.added
    assert NO_STRUCTURE not in judge_text(GATE, wrapped, out)[1]


def test_a_source_paragraph_the_output_lost_is_counted() -> None:
    source = "so that was the morning\n\nthen in the afternoon we rested"
    out = "So that was the morning. Then in the afternoon we rested."
    change = measure(source, out, score(source, out).segments)
    assert change.paragraphs_removed == 1 and change.marks_added == 2


def _talk(sentence_words: int, comma_every: int | None, total: int = 150) -> str:
    words = []
    for i in range(1, total + 1):
        word = f"word{i}"
        if i % sentence_words == 0 or i == total:
            word += "."
        elif comma_every and i % comma_every == 0:
            word += ","
        words.append(word)
    return " ".join(words)


def test_three_commas_in_150_words_is_too_little() -> None:
    source = " ".join(f"word{i}" for i in range(1, 151))
    out = _talk(1000, 40)  # three commas and the final full stop
    reasons = judge_text(GATE, source, out)[1]
    assert any(r.startswith("too little punctuation") for r in reasons)
    assert any(r.startswith("sentences run on") for r in reasons)


def test_human_like_punctuation_passes_and_fragments_or_clutter_fail() -> None:
    source = " ".join(f"word{i}" for i in range(1, 151))
    assert judge_text(GATE, source, _talk(15, 6))[1] == ()
    chopped = judge_text(GATE, source, _talk(2, None))[1]
    assert any(r.startswith("too much punctuation") for r in chopped)
    assert any(r.startswith("sentences are fragments") for r in chopped)


def test_density_is_not_judged_on_short_texts() -> None:
    assert judge_text(GATE, "hello there friend", "Hello there, friend.")[1] == ()
