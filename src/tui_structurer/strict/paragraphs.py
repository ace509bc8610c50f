"""Where paragraphs break: chosen over a whole chunk, not at one sentence end at a time.

The decoders write every sentence end plainly and report, with it, how much likelier the
model found a paragraph break there (the log-odds where the two spellings part). Breaks
are then placed where the sum over the chunk is greatest: each break scores its weighed
log-odds plus the paragraph bias, and each paragraph a log-normal prior on its length
around the typical one. A dynamic programme over the sentence ends weighs a paragraph's
length against its neighbours' (a rule deciding at each sentence end alone breaks at the
first good place and leaves stubs and run-ons). Breaks never enter the model's context,
so the marks do not depend on them.

Text is held back from the first sentence end whose break is not settled yet. A break is
settled once every paragraph start that can still win agrees on it (a start loses for
good once a later one scores better whatever follows), so the chunk streams and still
gets the optimum over all of it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tui_structurer.strict.candidates import PARAGRAPH
from tui_structurer.strict.chunk import StrictChunk
from tui_structurer.strict.settings import StrictSettings

MIN_PARAGRAPH_WORDS = 8
"""No paragraph is shorter, unless the source breaks there."""
LENGTH_SPREAD = 0.3
"""Spread of the log-normal prior on paragraph length (speeches' paragraphs mostly run
from half to twice the typical length)."""
ODDS_WEIGHT = 0.5
"""How much the model's log-odds of a break count against the length prior."""
HORIZON_LENGTHS = 4
"""How far ahead, in typical paragraph lengths, a start is compared with a later one:
past that, the later start's shorter paragraph scores better anyway."""


@dataclass(frozen=True, slots=True)
class SentenceEnd:
    """A gap that ends a sentence: written ``plain``, or ``broken`` with a paragraph
    break; ``odds`` is the model's log-odds of the break (0 when unknown)."""

    plain: str
    broken: str
    odds: float = 0.0
    forced: bool = False
    """The source breaks the paragraph here."""


Piece = str | SentenceEnd
"""What a decoder yields for one gap: its text, or a sentence end to decide."""


def place_breaks(
    pieces: Iterable[Piece], settings: StrictSettings, carried: int = 0, closes: bool = True
) -> Iterator[str]:
    """The chunk's text with paragraph breaks placed. ``carried``: words of the paragraph
    the chunk begins inside; ``closes``: the chunk ends the text (its last paragraph
    ends there; otherwise it runs on into the next chunk)."""
    planner = _Planner(settings, carried, closes)
    for piece in pieces:
        yield from planner.add(piece)
    yield from planner.finish()


def chunk_text(
    pieces: Iterable[Piece], settings: StrictSettings, chunk: StrictChunk
) -> Iterator[str]:
    """A decoder's pieces for ``chunk`` as text, held back from a sentence end until its
    paragraph break is settled."""
    return place_breaks(pieces, settings, chunk.paragraph_words, closes=not chunk.following)


class _Planner:
    def __init__(self, settings: StrictSettings, carried: int, closes: bool):
        self.settings = settings
        self.closes = closes
        self.words = 0
        """Word gaps seen so far: a sentence end's position is the words before it."""
        # State 0 is the paragraph start before the chunk; state k > 0 a break at the
        # k-th sentence end. best: the score of the best breaks up to and including it.
        self.pos: list[int] = [-carried]
        self.best: list[float] = [0.0]
        self.back: list[int] = [0]
        self.ends: list[SentenceEnd] = []
        self.live: list[int] = [0]
        self.held: deque[str | int] = deque()
        """Pieces not yet written; an int is the state of a sentence end."""
        self.settled: dict[int, bool] = {}

    def prior(self, length: int) -> float:
        typical = max(1, self.settings.paragraph_words)
        return -(math.log(max(length, 1) / typical) ** 2) / (2 * LENGTH_SPREAD**2)

    def add(self, piece: Piece) -> list[str]:
        if isinstance(piece, str):
            self.words += 1
            self.held.append(piece)
            return self._release()
        self.ends.append(piece)
        state = len(self.pos)
        self.pos.append(self.words)
        self.words += 1
        self.held.append(state)
        if self.settings.rule == "first-token":  # strict mode's first rule: the model alone
            start = max((s for s, b in self.settled.items() if b), default=0)
            length = self.pos[state] - self.pos[start]
            self.settled[state] = piece.forced or (piece.odds > 0 and length >= MIN_PARAGRAPH_WORDS)
            self._extend(state, [])
            return self._release()
        gain = ODDS_WEIGHT * piece.odds + self.settings.bias_paragraph
        options = [
            (self.best[s] + self.prior(self.pos[state] - self.pos[s]), s)
            for s in self.live
            if piece.forced or self.pos[state] - self.pos[s] >= MIN_PARAGRAPH_WORDS
        ]
        if piece.forced:  # every reading breaks here: nothing before it is open any more
            value, back = max(options, default=(0.0, self.live[-1]))
            self._extend(state, [state], value, back)
            self._settle_chain(state)
            return self._release()
        value, back = max(options, default=(-math.inf, 0))
        self._extend(state, [*self.live, state] if value > -math.inf else self.live,
                     value + gain, back)  # fmt: skip
        self._settle()
        return self._release()

    def _extend(self, state: int, live: list[int], value: float = 0.0, back: int = 0) -> None:
        self.best.append(value)
        self.back.append(back)
        self.live = [s for s in live if not self._beaten(s, live)] or self.live[-1:]

    def _beaten(self, old: int, live: list[int]) -> bool:
        """Whether a later start makes ``old`` lose whatever comes next: from the later
        one, every break or ending still to come scores at least as well."""
        horizon = self.words + HORIZON_LENGTHS * self.settings.paragraph_words
        for new in live:
            # A start too recent to reach the next break cannot stand in for ``old``.
            if self.pos[new] <= self.pos[old] or self.words - self.pos[new] < MIN_PARAGRAPH_WORDS:
                continue
            lead = self.best[new] - self.best[old]
            # Far ahead both paragraphs are long and the gap between them tends to 0.
            if lead >= 0 and all(
                lead >= self.prior(x - self.pos[old]) - self.prior(x - self.pos[new])
                for x in range(self.words, horizon)
            ):
                return True
        return False

    def _chain(self, state: int) -> set[int]:
        chain = set()
        while state:
            chain.add(state)
            state = self.back[state]
        return chain

    def _settle_chain(self, state: int) -> None:
        chain = self._chain(state)
        for s in range(1, len(self.pos)):
            self.settled.setdefault(s, s in chain)

    def _settle(self) -> None:
        """Settle, in order, each sentence end every live start agrees on."""
        chains = [(s, self._chain(s)) for s in self.live]
        for s in range(1, len(self.pos)):
            if s in self.settled:
                continue
            votes = {s in chain if s <= start else False for start, chain in chains}
            if len(votes) > 1:
                return
            self.settled[s] = votes.pop()

    def finish(self) -> list[str]:
        if self.settings.rule != "first-token":

            def total(s: int) -> float:
                length = self.words - self.pos[s]
                # A paragraph that runs on into the next chunk is at least this long.
                ending = self.prior(length)
                if not self.closes and length <= self.settings.paragraph_words:
                    ending = 0.0
                return self.best[s] + ending

            self._settle_chain(max(self.live, key=total))
        return self._release()

    def _release(self) -> list[str]:
        out: list[str] = []
        while self.held:
            piece = self.held[0]
            if isinstance(piece, int):
                if piece not in self.settled:
                    break
                end = self.ends[piece - 1]
                piece = end.broken if self.settled[piece] else end.plain
            out.append(piece)
            self.held.popleft()
        return out


def words_in_last_paragraph(text: str, before: int = 0) -> int:
    """Words after ``text``'s last paragraph break; with none, ``before`` (the words of
    the paragraph ``text`` continues) plus all of its words."""
    _, broken, tail = text.rpartition(PARAGRAPH)
    return len(tail.split()) + (0 if broken else before)
