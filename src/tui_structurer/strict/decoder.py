"""Source-aligned decoding with drafted blocks.

The next tokens are mostly known: the source words, written as spoken. The decoder
drafts a block of them, decodes it in one batch with logits only where a choice is due,
and keeps the block up to the first place where the model's best allowed token differs
from the draft. There it takes the model's choice, drops the rejected positions from the
KV cache and drafts again. Every choice is made on logits conditioned on exactly the
tokens kept before it, so the result equals deciding one token at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from tui_structurer.errors import Cancelled
from tui_structurer.strict.boundaries import PARAGRAPH, Boundary, Candidate
from tui_structurer.strict.cursor import Cursor, advance, options, start


class BatchDecoder(Protocol):
    """The three things strict decoding needs from a model runtime."""

    def decode(self, tokens: Sequence[int], first_pos: int, want_logits: Sequence[int]) -> None:
        """Evaluate ``tokens`` at positions ``first_pos…``; keep logits at the given
        batch indices only."""
        ...

    def scores(self, batch_index: int, token_ids: Sequence[int]) -> list[float]:
        """Logits of ``token_ids`` at ``batch_index`` of the last decode."""
        ...

    def forget_from(self, pos: int) -> None:
        """Remove positions ``pos…`` from the KV cache."""
        ...


@dataclass(slots=True)
class StrictCounters:
    """What the decoding cost: the figures the benchmark and the attempt record report."""

    decode_calls: int = 0
    tokens_written: int = 0
    drafted: int = 0
    draft_accepted: int = 0

    def acceptance(self) -> float:
        """Share of drafted tokens kept, with a prior of 0.8 worth eight tokens."""
        return (self.draft_accepted + 6.4) / (self.drafted + 8)


@dataclass(frozen=True, slots=True)
class _Step:
    token: int
    choices: list[int] | None
    """Allowed tokens when this token was a drafted choice; ``None`` when forced/decided."""
    after: Cursor | None
    completed: Candidate | None
    boundary: Boundary


def _piece(step: _Step) -> str:
    done = step.completed
    if done is None:
        return ""
    if step.boundary.resolve_on_separator:
        return done.separator + (PARAGRAPH if done.paragraph else "")
    return done.text


class StrictDecoder:
    """Writes one chunk: ``boundaries`` after a prompt already decoded up to ``pos``."""

    def __init__(
        self,
        runtime: BatchDecoder,
        boundaries: list[Boundary],
        pos: int,
        logits_index: int,
        block_size: Callable[[float], int],
        counters: StrictCounters | None = None,
    ):
        self.runtime = runtime
        self.boundaries = boundaries
        self.pos = pos
        self.logits_index = logits_index
        """Batch index in the last decode holding the logits for the next token."""
        self.block_size = block_size
        self.counters = counters or StrictCounters()

    def _best(self, batch_index: int, allowed: list[int]) -> int:
        scores = self.runtime.scores(batch_index, allowed)
        return allowed[max(range(len(allowed)), key=scores.__getitem__)]

    def _plan(self, cursor: Cursor, size: int) -> tuple[list[_Step], Cursor | None]:
        """The first token (decided now) and up to ``size - 1`` drafted ones."""
        bounds = self.boundaries
        steps: list[_Step] = []
        current: Cursor | None = cursor
        while current is not None and len(steps) < size:
            allowed = options(bounds, current)
            choices = allowed if len(allowed) > 1 else None
            if not steps and choices:
                token, choices = self._best(self.logits_index, allowed), None
            else:
                token = allowed[0]
            boundary = bounds[current.boundary]
            current, completed = advance(bounds, current, token)
            steps.append(_Step(token, choices, current, completed, boundary))
        return steps, current

    def write(self, cancel: threading.Event | None = None) -> Iterator[str]:
        """The chunk's text, a boundary at a time, as it is settled."""
        counters = self.counters
        cursor = start(self.boundaries)
        while cursor is not None:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            steps, end = self._plan(cursor, max(1, self.block_size(counters.acceptance())))
            want = [j - 1 for j in range(1, len(steps)) if steps[j].choices]
            if end is not None and len(options(self.boundaries, end)) > 1:
                want.append(len(steps) - 1)
            # Tokens after the last wanted logits are only fed when text still follows.
            feed = len(steps) if end is not None else (max(want) + 1 if want else 0)
            if feed:
                self.runtime.decode([s.token for s in steps[:feed]], self.pos, want)
                counters.decode_calls += 1

            kept = len(steps)
            for j in range(1, len(steps)):
                choices = steps[j].choices
                if choices is None:
                    continue
                if self._best(j - 1, choices) != steps[j].token:
                    kept = j
                    break
            counters.drafted += len(steps) - 1
            counters.draft_accepted += kept - 1
            counters.tokens_written += kept
            if kept < feed:
                self.runtime.forget_from(self.pos + kept)
            self.pos += min(kept, feed)
            for step in steps[:kept]:
                if piece := _piece(step):
                    yield piece
            if kept < len(steps):
                cursor, self.logits_index = steps[kept - 1].after, kept - 1
            else:
                cursor, self.logits_index = end, len(steps) - 1
