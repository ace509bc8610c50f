"""What strict decoding needs from a model runtime: llama.cpp's batch API in small.

Sequence 0 holds the prompt and the text kept so far. Candidates are scored on their
own sequences, forked from sequence 0, in one batch; tokens that candidates share are
decoded once, tagged with every sequence that shares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class ContextFull(Exception):
    """The KV cache had no room for a batch."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One token of a batch."""

    token: int
    pos: int
    seqs: tuple[int, ...]
    row: bool
    """Whether the logits after this token are kept."""


class ScoringRuntime(Protocol):
    """A model context holding several sequences over one KV cache."""

    @property
    def n_ctx(self) -> int:
        """Cells in the KV cache, shared by every sequence."""
        ...

    @property
    def n_seq(self) -> int:
        """Sequences the context can hold (ids 0 … n_seq − 1)."""
        ...

    @property
    def n_batch(self) -> int:
        """Most tokens one batch may hold when logits are kept in it."""
        ...

    def decode(self, entries: Sequence[Entry]) -> None:
        """Evaluate ``entries``; raises :class:`ContextFull` when they do not fit."""
        ...

    def logprobs(self, index: int, tokens: Sequence[int]) -> list[float]:
        """Log-probabilities (normalized over the vocabulary) of ``tokens`` after
        entry ``index`` of the last decode."""
        ...

    def fork(self, seq: int) -> None:
        """Let sequence ``seq`` see everything sequence 0 holds."""
        ...

    def adopt(self, seq: int, start: int, end: int) -> None:
        """Give sequence 0 the cells of sequence ``seq`` at positions ``start … end − 1``."""
        ...

    def drop(self, seq: int, start: int) -> None:
        """Remove sequence ``seq`` from its cells at positions ``start`` and after."""
        ...

    def clear(self) -> None:
        """Empty the KV cache."""
        ...

    def hold(self, tokens: Sequence[int]) -> bool:
        """Leave the cache holding exactly ``tokens`` on sequence 0 from position 0, with
        no logits kept; True when that took a decode. Tokens it already holds from the
        last ``hold`` are kept (a prompt every chunk shares is decoded once): they came
        from the same decode of the same tokens, so keeping them changes no result."""
        ...
