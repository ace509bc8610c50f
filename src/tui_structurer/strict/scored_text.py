"""A continuation as a server scored it: its tokens, each with its log-probability and
the likeliest alternatives at its position.

Servers report tokens as text, not ids, so strict decoding through a server works on
text: a candidate's first-token score is that of the longest alternative it begins
with, and a span's score is the sum over the tokens that cover it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

UNLIKELY = -30.0
"""The score of a candidate no reported alternative begins (below any threshold)."""


@dataclass(frozen=True, slots=True)
class ScoredToken:
    text: str
    logprob: float
    alternatives: Mapping[str, float] = field(default_factory=dict)
    """The likeliest tokens at this position (the token itself among them)."""


@dataclass(frozen=True, slots=True)
class ScoredText:
    """``text`` written after a context, as the tokens the model read it in."""

    text: str
    tokens: tuple[ScoredToken, ...]

    def starts(self) -> dict[int, int]:
        """Token index by character offset, for the tokens that start one."""
        offsets: dict[int, int] = {}
        at = 0
        for index, token in enumerate(self.tokens):
            offsets.setdefault(at, index)
            at += len(token.text)
        return offsets

    def aligned(self) -> bool:
        """Whether the tokens spell the text (a server may split a character)."""
        return "".join(t.text for t in self.tokens) == self.text

    def first_scores(self, offset: int) -> Mapping[str, float] | None:
        """The alternatives of the token that starts at ``offset``; None when no token
        does (the tokenizer joined across it)."""
        index = self.starts().get(offset) if self.aligned() else None
        if index is None:
            return None
        token = self.tokens[index]
        return {**token.alternatives, token.text: token.logprob}

    def span_score(self, start: int, end: int) -> float | None:
        """Sum of the log-probabilities of the tokens covering ``text[start:end]``;
        None when no tokens start and end exactly there."""
        starts = self.starts() if self.aligned() else {}
        first = starts.get(start)
        last = len(self.tokens) if end == len(self.text) else starts.get(end)
        if first is None or last is None:
            return None
        return math.fsum(t.logprob for t in self.tokens[first:last])

    def token_at(self, offset: int) -> tuple[int, ScoredToken] | None:
        """The token covering character ``offset`` and where it starts."""
        at = 0
        for token in self.tokens:
            if at <= offset < at + len(token.text):
                return at, token
            at += len(token.text)
        return None


def best_prefix(scores: Mapping[str, float], text: str) -> float:
    """The score of the longest alternative ``text`` begins with."""
    matches = [(len(t), lp) for t, lp in scores.items() if t and text.startswith(t)]
    return max(matches)[1] if matches else UNLIKELY


class TextScorer(Protocol):
    """What strict decoding needs of a server: how likely a continuation is."""

    def score(
        self, context: str, continuation: str, cancel: threading.Event | None = None
    ) -> ScoredText:
        """``continuation`` after ``context``, token by token."""
        ...


def total(scored: ScoredText) -> float:
    return math.fsum(t.logprob for t in scored.tokens)
