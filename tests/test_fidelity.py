from __future__ import annotations

import difflib

from tui_structurer.text.fidelity import score
from tui_structurer.text.words import word_keys

SOURCE = "so i went to the store and i bought some milk then i came home"


def test_punctuation_case_and_breaks_are_not_changes() -> None:
    out = "So I went to the store, and I bought some milk.\n\nThen I came home."
    result = score(SOURCE, out)
    assert result.likeness == 1.0
    assert (result.added, result.removed, result.replaced) == (0, 0, 0)
    assert result.kept == result.source_words == 15
    assert result.identical_words


def test_counts_removed_added_replaced() -> None:
    out = "So I went to the shop and bought some milk. Then I came home again."
    result = score(SOURCE, out)
    assert result.replaced == 1  # store -> shop
    assert result.removed == 1  # the second "i"
    assert result.added == 1  # "again"
    assert result.kept == 13
    assert result.longest_removed_run == 1


def test_longest_removed_run_finds_summarization() -> None:
    words = [f"w{i}" for i in range(100)]
    source = " ".join(words)
    out = " ".join(words[:40] + words[70:])
    result = score(source, out)
    assert result.removed == 30
    assert result.longest_removed_run == 30
    assert result.likeness < 0.86


def test_likeness_matches_word_level_sequence_matcher() -> None:
    source = "the cat sat on the mat and the dog sat on the log all day long"
    out = "The cat sat on a mat, and the dog lay on the log all day."
    expected = difflib.SequenceMatcher(
        None, word_keys(source), word_keys(out), autojunk=False
    ).ratio()
    assert abs(score(source, out).likeness - expected) < 1e-9


def test_five_percent_word_loss_moves_likeness_clearly() -> None:
    words = [f"word{i % 37}x{i}" for i in range(1000)]
    out = " ".join(w for i, w in enumerate(words) if i % 20 != 0)
    result = score(" ".join(words), out)
    assert result.removed == 50
    assert result.likeness < 0.98


def test_segments_cover_both_sides_in_order() -> None:
    out = "So I went to the shop and bought some milk. Then I came home again."
    result = score(SOURCE, out)
    src_pos = out_pos = 0
    for seg in result.segments:
        assert (seg.src_start, seg.out_start) == (src_pos, out_pos)
        src_pos, out_pos = seg.src_end, seg.out_end
    assert src_pos == result.source_words and out_pos == result.output_words


def test_empty_output_keeps_nothing() -> None:
    result = score(SOURCE, "")
    assert result.likeness == 0.0
    assert result.removed == 15 and result.longest_removed_run == 15
