"""Strict decoding through a server that reports log-probabilities: the same lookahead
decisions as in process, on text instead of token ids.

A request scores a continuation after the text written so far. The draft request (the
next few words as spoken) gives the alternatives at each of its gaps, so every gap where
only the word as spoken is worth weighing is settled without another request. Where
marks are worth weighing, each weighed candidate is scored with the next source word
after it (the draft's own score is read from the draft request when its tokens line up),
plus its class bias; the winner's request then carries on as the next draft. At a
sentence end, the log-odds of a paragraph break are read from the winner's alternatives
where the two spellings part, and the breaks are placed as in process. Words are never
written by the model, only chosen between the source's own spellings, so no word can
change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

from tui_structurer.errors import Cancelled
from tui_structurer.strict.candidates import Candidate, Gap
from tui_structurer.strict.choice import MAX_WEIGHED, final_winner, paragraph_split, survivors
from tui_structurer.strict.chunk import StrictChunk
from tui_structurer.strict.paragraphs import Piece, SentenceEnd, chunk_text
from tui_structurer.strict.scored_text import ScoredText, TextScorer, best_prefix, total
from tui_structurer.strict.settings import StrictSettings


@dataclass(slots=True)
class ServerCounters:
    requests: int = 0
    scored_gaps: int = 0


@dataclass(frozen=True, slots=True)
class _View:
    """A scored continuation and where in the written text it begins."""

    start: int
    scored: ScoredText


class _TextIds:
    """Candidates carry one id per distinct text, so the choice rules (which key the
    first-token scores by a candidate's first token) see one token per candidate."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def __call__(self, text: str) -> tuple[int, ...]:
        return (self.ids.setdefault(text, len(self.ids)),)


class ServerStrictDecoder:
    """Writes ``chunk`` after the completion prompt ``prompt`` through ``scorer``."""

    def __init__(
        self,
        scorer: TextScorer,
        prompt: str,
        chunk: StrictChunk,
        settings: StrictSettings,
        counters: ServerCounters | None = None,
    ):
        self.scorer = scorer
        self.chunk = chunk
        self.settings = settings
        self.counters = counters or ServerCounters()
        self._text = prompt
        self._last = len(chunk.words)
        self._words = chunk.words + chunk.following
        self._ids = _TextIds()
        self._gaps: dict[int, Gap] = {}
        self._view: _View | None = None
        self._cancel: threading.Event | None = None

    def gap(self, index: int) -> Gap:
        """As in :class:`~tui_structurer.strict.decoder.StrictDecoder`: before word
        ``index``; the last one closes the chunk."""
        gap = self._gaps.get(index)
        if gap is None:
            gap = self._gaps[index] = self.chunk.gap(index, self._ids)
        return gap

    # -- requests --------------------------------------------------------------

    def _score(self, continuation: str) -> ScoredText:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled
        self.counters.requests += 1
        return self.scorer.score(self._text, continuation, self._cancel)

    def _offset(self) -> int | None:
        """Where the text written so far ends inside the current view, if it does."""
        view = self._view
        if view is None:
            return None
        written = self._text[view.start :]
        return len(written) if view.scored.text.startswith(written) else None

    def _tail(self, gap: int) -> str:
        """The source words after gap ``gap``'s word, as spoken, that a candidate is
        scored with."""
        after = self._words[gap + 1 : gap + 1 + max(1, self.settings.lookahead)]
        return "".join(" " + word for word in after)

    def _draft(self, gap: int) -> str:
        """The next words as spoken, from gap ``gap`` on, and the word after them."""
        end = min(gap + self.settings.draft_words, self._last)
        text = "".join(self.gap(index).candidates[0].text for index in range(gap, end + 1))
        return text + (self._tail(end) if end < self._last or self.chunk.following else "")

    def _firsts(self, gap: int) -> dict[int, float]:
        """First-token scores of gap ``gap``'s candidates (a draft request when the
        current view has no token starting at the gap)."""
        offset, view = self._offset(), self._view
        scores = None if offset is None or view is None else view.scored.first_scores(offset)
        if scores is None:
            self._view = _View(len(self._text), self._score(self._draft(gap)))
            scores = self._view.scored.first_scores(0) or {}
        return {c.tokens[0]: best_prefix(scores, c.text) for c in self.gap(gap).candidates}

    # -- decisions -------------------------------------------------------------

    def _winner(self, gap: int, weighed: list[Candidate]) -> tuple[Candidate, _View | None]:
        """The best weighed candidate with the words after it, and its scored view."""
        self.counters.scored_gaps += 1
        tail = self._tail(gap)
        best: tuple[float, Candidate, _View | None] | None = None
        for candidate in weighed:
            span = candidate.text + tail
            score, view = self._reuse(span), None
            if score is None:
                view = _View(len(self._text), self._score(span))
                score = total(view.scored)
            score += self.settings.class_bias(candidate)
            if best is None or score > best[0]:
                best = (score, candidate, view)
        assert best is not None
        return best[1], best[2]

    def _reuse(self, span: str) -> float | None:
        """The score of ``span`` from the current view, when it holds exactly that."""
        offset = self._offset()
        if offset is None or self._view is None:
            return None
        scored = self._view.scored
        if not scored.text.startswith(span, offset):
            return None
        return scored.span_score(offset, offset + len(span))

    def _piece(self, gap: int, winner: Candidate) -> Piece:
        """What ``winner`` writes at ``gap``; at a sentence end, with the log-odds of a
        paragraph break read from the alternatives where the two spellings part (0 when
        the server's alternatives do not tell)."""
        split = paragraph_split(winner, self.gap(gap))
        odds = None if split is None else self._odds(winner, split[0])
        text = self._keep(gap, winner)
        if winner.paragraph:  # the source breaks here
            return SentenceEnd(text, text, forced=True)
        if split is None:
            return text
        return SentenceEnd(text, self.gap(gap).written(split[0]), odds or 0.0)

    def _odds(self, winner: Candidate, twin: Candidate) -> float | None:
        offset = self._offset()
        if offset is None or self._view is None:
            return None
        if not self._view.scored.text.startswith(winner.text, offset):
            return None
        parting = next(
            (i for i, (a, b) in enumerate(zip(winner.text, twin.text, strict=False)) if a != b),
            min(len(winner.text), len(twin.text)),
        )
        found = self._view.scored.token_at(offset + parting)
        if found is None:
            return None
        start, token = found
        rest = twin.text[start - offset :]
        there = [lp for t, lp in token.alternatives.items() if t and rest.startswith(t)
                 and start + len(t) > offset + parting]  # fmt: skip
        return max(there) - token.logprob if there else None

    def _keep(self, gap: int, candidate: Candidate) -> str:
        written = self.gap(gap).written(candidate)
        self._text += written
        return written

    # -- the loop --------------------------------------------------------------

    def write(self, cancel: threading.Event | None = None) -> Iterator[str]:
        """The chunk's text, a gap at a time, as it is settled (see ``chunk_text``)."""
        return chunk_text(self._pieces(cancel), self.settings, self.chunk)

    def _pieces(self, cancel: threading.Event | None) -> Iterator[Piece]:
        self._cancel = cancel
        if not self.chunk.words:
            return
        for gap in range(self._last + 1):
            first = self._firsts(gap)
            if gap == self._last and not self.chunk.following:
                yield self._keep(gap, final_winner(self.gap(gap), first, self.settings))
                return
            weighed = survivors(self.gap(gap), first, self.settings, MAX_WEIGHED)
            winner = weighed[0]
            if len(weighed) > 1:
                winner, view = self._winner(gap, weighed)
                if view is not None:
                    self._view = view
            yield self._piece(gap, winner)
