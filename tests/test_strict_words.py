"""A source word's identity in strict mode: its symbols, quotes and brackets are kept;
only structure marks at its edges and the case of its first letter may change."""

from __future__ import annotations

import pytest

from strict_fakes import toy_tokens
from tui_structurer.strict import case_variants, fixed_word, source_words, strict_chunks
from tui_structurer.strict.batch_tree import Branch, build_tree
from tui_structurer.strict.candidates import first_gap, word_gap
from tui_structurer.text.chunking import Chunk


@pytest.mark.parametrize(
    ("surface", "kept"),
    [
        ("$50", "$50"),
        ("10%.", "10%"),
        ("-5", "-5"),
        ("C++,", "C++"),
        ("C#.", "C#"),
        ("+1", "+1"),
        ("#gardening", "#gardening"),
        ("@alice:", "@alice"),
        ('"hello,"', '"hello,"'),
        ("(maybe)", "(maybe)"),
        ("...so", "so"),
        ("don't", "don't"),
        ("…", ""),
    ],
)
def test_only_structure_marks_at_the_edges_are_dropped(surface: str, kept: str) -> None:
    assert fixed_word(surface) == kept


def test_case_variants_keep_symbols_and_change_only_the_first_letter() -> None:
    assert case_variants("paris", False) == ("paris", "Paris")
    assert case_variants("Paris", False) == ("Paris", "paris")
    assert case_variants("NASA", False) == ("NASA",)
    assert case_variants('"hello', True) == ('"Hello',)
    assert case_variants("(maybe", False) == ("(maybe", "(Maybe")
    for symbolic in ("$50", "#gardening", "@alice", "-5", "10%"):
        assert case_variants(symbolic, True) == (symbolic,)


def test_chunks_carry_the_words_that_follow_them() -> None:
    chunks = [Chunk(0, 0, 3, "so, we went", 3), Chunk(1, 3, 5, "$50 - C++.", 3)]
    first, last = strict_chunks(chunks)
    # a dash alone is no word (as fidelity counts words): it stays with the word before it
    assert first.words == ("so", "we", "went") and first.following == ("$50 -", "C++")
    assert first.starts_sentence and not last.starts_sentence
    assert last.words == ("$50 -", "C++") and last.following == () and last.next_word is None
    assert source_words("… so … yes") == ["so", "yes"]


def test_gap_candidates_start_with_the_word_as_spoken() -> None:
    gap = word_gap("paris", toy_tokens)
    draft = gap.candidates[0]
    assert draft.text == " paris" and not draft.mark and draft.word == "paris"
    texts = {c.text for c in gap.candidates}
    assert {", paris", ". Paris", ".\n\nParis", "? Paris", " Paris"} <= texts
    assert ". paris" not in texts  # a sentence start is capitalized
    assert [c.text for c in first_gap("so", True, toy_tokens).candidates] == ["So"]
    closing = word_gap("then", toy_tokens, writes_word=False)
    period = next(c for c in closing.candidates if c.mark == "." and c.paragraph)
    assert closing.written(period) == ".\n\n"


def test_a_prefix_tree_decodes_shared_tokens_once() -> None:
    branches = [
        Branch(0, (1, 2, 3), frozenset({2})),
        Branch(1, (1, 2, 4), frozenset({1})),
        Branch(2, (5,), frozenset({0})),
    ]
    tree = build_tree(branches, pos=10)
    assert [(e.token, e.pos, e.seqs, e.row) for e in tree.entries] == [
        (1, 10, (0, 1), False),
        (2, 11, (0, 1), True),
        (3, 12, (0,), True),
        (4, 12, (1,), False),
        (5, 10, (2,), True),
    ]
    assert tree.row_after([1, 2]) == 1 and tree.row_after([5]) == 4
