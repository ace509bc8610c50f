"""Several token branches from one position as one batch: a prefix tree.

Branches that begin with the same tokens share those entries (one entry tagged with
every branch's sequence), so a mark followed by a break or by a space is decoded once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_structurer.strict.runtime import Entry


@dataclass(frozen=True, slots=True)
class Branch:
    """Tokens decoded on sequence ``seq``; logits are kept at the offsets in ``rows``."""

    seq: int
    tokens: tuple[int, ...]
    rows: frozenset[int]


@dataclass(frozen=True, slots=True)
class Tree:
    entries: list[Entry]
    nodes: dict[tuple[int, ...], int]
    """Entry index of the last token of each decoded prefix."""

    def row_after(self, prefix: Sequence[int]) -> int:
        """The entry whose logits score the token that follows ``prefix``."""
        return self.nodes[tuple(prefix)]


def build_tree(branches: Sequence[Branch], pos: int) -> Tree:
    """Entries for ``branches``, all starting at position ``pos``, depth-first so each
    sequence's positions rise in batch order."""
    nodes: dict[tuple[int, ...], int] = {}
    seqs: list[set[int]] = []
    rows: list[bool] = []
    tokens: list[tuple[int, int]] = []
    for branch in branches:
        for depth, token in enumerate(branch.tokens):
            prefix = branch.tokens[: depth + 1]
            index = nodes.get(prefix)
            if index is None:
                index = nodes[prefix] = len(tokens)
                tokens.append((token, pos + depth))
                seqs.append(set())
                rows.append(False)
            seqs[index].add(branch.seq)
            rows[index] = rows[index] or depth in branch.rows
    entries = [
        Entry(token, position, tuple(sorted(seqs[i])), rows[i])
        for i, (token, position) in enumerate(tokens)
    ]
    return Tree(entries, nodes)
