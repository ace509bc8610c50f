"""The review diff: word kinds, the characters the model added, paragraph changes, the
stops for ]/[ and the word map that keeps the two panes on the same passage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui_structurer.text.review_diff import build, char_marks


def test_added_punctuation_and_capitals_are_marked_by_character() -> None:
    assert char_marks("so", "So,") == ((0, 1, "case"), (2, 3, "mark"))
    assert char_marks("dont", "don't") == ((3, 4, "mark"),)
    assert char_marks("said,", "said.") == ((4, 5, "mark"),)
    assert char_marks("“hello", "“Hello,”") == ((1, 2, "case"), (6, 8, "mark"))
    assert char_marks("same", "same") == ()


def test_new_and_removed_paragraph_breaks() -> None:
    source = "one two three\n\nfour five six seven"
    output = "One two.\n\nThree four five. Six seven."
    diff = build(source, output, output)
    paragraphs = {w.text: w.paragraph for w in diff.output if w.paragraph}
    assert paragraphs == {"Three": "new", "four": "joined"}
    assert [w.kind for w in diff.output][:2] == ["styled", "styled"]


def test_every_change_of_words_is_a_stop() -> None:
    source = "a b c d e f g h i j"
    output = "a B x c d e f g new words here h i j"  # one word added, then three more
    spans = [
        (c.source_start, c.source_end, c.output_start, c.output_end)
        for c in build(source, output, output).changes
    ]
    assert spans == [(2, 2, 2, 3), (7, 7, 8, 11)]
    replaced_and_added = "a b x d e f"  # c rewritten as x, f added at the end
    assert len(build("a b c d e", replaced_and_added, replaced_and_added).changes) == 2
    longer = source + " and five more words here"
    diff = build(source, longer, longer)
    assert len(diff.changes) == 1
    assert {w.kind for w in diff.output[10:]} == {"added"}


def test_repair_places_changes_on_the_source_words_shown() -> None:
    source = "we went to the old mill by the river"
    raw = "We went to the mill by the river."  # dropped "old"
    shown = "We went to the old mill by the river."  # repair gave it back
    diff = build(source, raw, shown, unmatched=((4, 5),))
    (change,) = diff.changes
    assert (change.source_start, change.source_end) == (4, 5)
    assert diff.output[change.output_start].text == "old"
    assert diff.output[4].kind == "unmatched"
    assert diff.source[4].kind == "removed"


def test_word_map_is_identity_when_words_are_kept() -> None:
    source = "a b c d e"
    output = "A b, c. D e."
    diff = build(source, output, output)
    assert diff.source_to_output == diff.output_to_source == (0, 1, 2, 3, 4)


words = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=40)


@given(words, words)
def test_word_map_is_monotonic_and_in_range(source: list[str], output: list[str]) -> None:
    diff = build(" ".join(source), " ".join(output), " ".join(output))
    assert len(diff.source_to_output) == len(source)
    assert len(diff.output_to_source) == len(output)
    assert list(diff.source_to_output) == sorted(diff.source_to_output)
    assert list(diff.output_to_source) == sorted(diff.output_to_source)
    assert all(0 <= i < len(output) for i in diff.source_to_output)
    assert all(0 <= i < len(source) for i in diff.output_to_source)
