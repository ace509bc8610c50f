"""Strict decoding of one chunk: the source words in order, the model choosing the
marks, breaks and capitals between them.

Each step decodes one batch. At a gap where more than one candidate is worth weighing,
the batch holds every weighed candidate on its own sequence, with the source tokens
after it (lookahead), and the favoured one goes on with a draft of the next source
words. Once a candidate has won, each drafted word after it is kept while the model is
sure of its gap (the word as spoken is the only candidate worth weighing). At each
sentence end the model's log-odds of a paragraph break are read where the two spellings
part; :mod:`~tui_structurer.strict.paragraphs` places the breaks. Batch shapes depend
only on the text and the decisions before them, never on timing, so the same
input gives the same output.

The text written so far is fixed, so when the next batch would not fit in the context,
the context is refilled with the prompt and the tail of that text, and decoding goes on:
a chunk of any length decodes in a context of any size.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tui_structurer.errors import Cancelled
from tui_structurer.strict.batch_tree import Branch, Tree, build_tree
from tui_structurer.strict.candidates import Candidate, Gap, Tokenizer
from tui_structurer.strict.choice import (
    final_winner,
    first_token_winner,
    lookahead_winner,
    paragraph_split,
    survivors,
)
from tui_structurer.strict.chunk import StrictChunk
from tui_structurer.strict.paragraphs import Piece, SentenceEnd, chunk_text
from tui_structurer.strict.runtime import ContextFull, Entry, ScoringRuntime
from tui_structurer.strict.settings import StrictSettings

HEADROOM = 32
"""KV cells kept free beyond what a batch needs."""
DRAFT_TOKEN_CAP = 24
"""A draft stops at a word that would take it past this many tokens."""
ROW_GROUP = 4
"""llama.cpp's CPU matrix kernels compute logit rows in groups of four: on the embedded
model five rows cost about as much as eight, while one row alone is the cheapest."""


@dataclass(slots=True)
class StrictCounters:
    """What decoding cost: the figures the benchmark and the attempt record report."""

    decode_calls: int = 0
    rows: int = 0
    """Logit rows computed (each is a pass over the output vocabulary)."""
    tokens_written: int = 0
    scored_gaps: int = 0
    """Gaps decided by decoding several candidates."""
    refills: int = 0
    """Times the context was refilled with the prompt and the text's tail."""


@dataclass(frozen=True, slots=True)
class _Step:
    """One batch: the weighed candidates of a gap (the favoured first, on sequence 0)
    and the words drafted after the favoured one."""

    gap: int
    weighed: list[Candidate]
    tree: Tree
    draft: int


class StrictDecoder:
    """Writes ``chunk`` after ``prompt`` (token ids) on ``runtime``."""

    def __init__(
        self,
        runtime: ScoringRuntime,
        prompt: Sequence[int],
        chunk: StrictChunk,
        tokenize: Tokenizer,
        settings: StrictSettings,
        counters: StrictCounters | None = None,
    ):
        self.runtime = runtime
        self.prompt = list(prompt)
        self.chunk = chunk
        self.tokenize = tokenize
        self.settings = settings
        self.counters = counters or StrictCounters()
        self._last = len(chunk.words)
        """Index of the gap that closes the chunk."""
        self._words = chunk.words + chunk.following
        self._gaps: dict[int, Gap] = {}
        self._spoken: dict[int, tuple[int, ...]] = {}
        self.pos = 0
        self._written: list[int] = []
        """Tokens on sequence 0 after the prompt."""
        self._starts: list[int] = []
        """Where each written gap's tokens begin in ``_written``: refills cut there."""
        self._fresh = True
        """Nothing was decoded since the context was last filled."""

    # -- the source ------------------------------------------------------------

    def gap(self, index: int) -> Gap:
        """Gap ``index``: before word ``index``; the last one closes the chunk."""
        gap = self._gaps.get(index)
        if gap is None:
            gap = self._gaps[index] = self.chunk.gap(index, self.tokenize)
        return gap

    def _spoken_word(self, index: int) -> tuple[int, ...]:
        """Word ``index`` as spoken, after a space."""
        tokens = self._spoken.get(index)
        if tokens is None:
            tokens = self._spoken[index] = self.tokenize(" " + self._words[index])
        return tokens

    def _after(self, gap: int, count: int) -> list[int]:
        """The first ``count`` source tokens after gap ``gap``'s word, as spoken."""
        tokens: list[int] = []
        index = gap + 1
        while len(tokens) < count and index < len(self._words):
            tokens.extend(self._spoken_word(index))
            index += 1
        return tokens[:count]

    def _draft(self, gap: int) -> list[tuple[int, ...]]:
        """The chunk's words after gap ``gap`` to decode ahead, as spoken."""
        words: list[tuple[int, ...]] = []
        size = 0
        for index in range(gap + 1, min(gap + self.settings.draft_words, self._last - 1) + 1):
            # The gap's favoured candidate: the word as spoken, unless the source fixes
            # a mark or a spelling there. A sentence end stops the draft: its break's
            # odds are read where the rows are kept for a decision.
            candidate = self.gap(index).candidates[0]
            tokens = candidate.tokens
            if candidate.ends_sentence or (words and size + len(tokens) > DRAFT_TOKEN_CAP):
                break
            words.append(tokens)
            size += len(tokens)
        return words

    # -- the runtime -----------------------------------------------------------

    def _first(self, row: int, gap: int) -> dict[int, float]:
        """Log-probabilities of the first tokens of gap ``gap``'s candidates."""
        options = list(dict.fromkeys(c.tokens[0] for c in self.gap(gap).candidates))
        return dict(zip(options, self.runtime.logprobs(row, options), strict=True))

    def _decode(self, entries: Sequence[Entry]) -> None:
        self.runtime.decode(entries)
        self.counters.decode_calls += 1
        self.counters.rows += sum(e.row for e in entries)

    def _fill(self, gap: int) -> dict[int, float]:
        """Fill the context with the prompt and the tail of the text written so far,
        small enough to leave a quarter of the context free; returns the first-token
        log-probabilities of gap ``gap``."""
        n_ctx = self.runtime.n_ctx
        prompt = self.prompt
        if len(prompt) > n_ctx // 2:  # keep the start token and the end that leads in
            prompt = prompt[:1] + prompt[len(prompt) - (n_ctx // 2 - 1) :]
        cut = max(0, len(self._written) - n_ctx // 4)
        cut = next((start for start in self._starts if start >= cut), cut)
        # The prompt but its last token is held apart, so the next chunk reuses it.
        held = len(prompt) - 1
        self.counters.decode_calls += self.runtime.hold(prompt[:held])
        tokens = prompt[held:] + self._written[cut:]
        last = len(tokens) - 1
        self._decode([Entry(t, held + i, (0,), i == last) for i, t in enumerate(tokens)])
        self.counters.refills += bool(self._written)
        self.pos = held + len(tokens)
        self._fresh = True
        return self._first(last, gap)

    def _fits(self, entries: Sequence[Entry]) -> bool:
        return (
            len(entries) <= self.runtime.n_batch
            and self.pos + len(entries) + HEADROOM <= self.runtime.n_ctx
        )

    def _try(self, tree: Tree, seqs: int) -> bool:
        """Decode ``tree`` with sequences 1 … ``seqs`` − 1 forked from sequence 0;
        False when the runtime found no room (sequences dropped again)."""
        for seq in range(1, seqs):
            self.runtime.fork(seq)
        try:
            self._decode(tree.entries)
        except ContextFull:
            if self._fresh:  # an empty context refused it: nothing more to try
                raise
            for seq in range(1, seqs):
                self.runtime.drop(seq, 0)
            return False
        self._fresh = False
        return True

    # -- decisions -------------------------------------------------------------

    def _plan(self, gap: int, weighed: list[Candidate], draft: bool) -> _Step:
        """The batch for ``gap``: each weighed candidate (with its lookahead when there
        are several), the favoured one also with the draft."""
        scored = len(weighed) > 1
        look = self.settings.lookahead if scored and self.settings.rule == "lookahead" else 0
        decoded = max(look - 1, 0)
        extra = self._after(gap, decoded)
        # Each decoded token's row scores the token after it; the candidate's last row
        # is the next gap's. A sentence end also needs the rows a break is judged at.
        rows = [
            set(range(len(c.tokens) + decoded))
            if scored or c.ends_sentence
            else {len(c.tokens) - 1}
            for c in weighed
        ]
        words = self._draft(gap) if draft and self.gap(gap).writes_word else []
        if scored:
            words = self._filling(words, len(weighed[0].tokens), rows)
        branches = []
        for rank, candidate in enumerate(weighed):
            tail = extra
            if rank == 0 and words:
                drafted = [t for tokens in words for t in tokens]
                tail = drafted if len(drafted) >= len(extra) else extra
                rows[0] |= self._word_ends(len(candidate.tokens), words)
            branches.append(Branch(rank, candidate.tokens + tuple(tail), frozenset(rows[rank])))
        return _Step(gap, weighed, build_tree(branches, self.pos), len(words))

    def _filling(
        self, words: list[tuple[int, ...]], size: int, rows: list[set[int]]
    ) -> list[tuple[int, ...]]:
        """The draft words to add after a scored gap's favoured candidate (of ``size``
        tokens): after a scored gap it often loses, and its draft with it, so only the
        most words that bring the batch's rows to a multiple of ROW_GROUP, which cost
        next to nothing more."""
        others = sum(map(len, rows[1:]))
        for n in range(len(words), 0, -1):
            if (others + len(rows[0] | self._word_ends(size, words[:n]))) % ROW_GROUP == 0:
                return words[:n]
        return []

    @staticmethod
    def _word_ends(start: int, words: list[tuple[int, ...]]) -> set[int]:
        """Offsets of the last token of each drafted word, after ``start`` tokens."""
        ends, offset = set(), start - 1
        for tokens in words:
            offset += len(tokens)
            ends.add(offset)
        return ends

    def _winner(self, step: _Step, first: dict[int, float]) -> Candidate:
        if len(step.weighed) == 1:
            return step.weighed[0]
        self.counters.scored_gaps += 1
        tree = step.tree

        def logprobs_after(prefix: Sequence[int], tokens: Sequence[int]) -> list[float]:
            return self.runtime.logprobs(tree.row_after(prefix), tokens)

        if self.settings.rule == "first-token":
            return first_token_winner(step.weighed, logprobs_after)
        tail = self._after(step.gap, self.settings.lookahead)
        return lookahead_winner(step.weighed, tail, first, logprobs_after, self.settings)

    def _piece(self, step: _Step, winner: Candidate, first: dict[int, float]) -> Piece:
        """What ``winner`` writes at its gap; at a sentence end, with the model's
        log-odds of a paragraph break read where the two spellings part."""
        gap = self.gap(step.gap)
        text = self._keep(step.gap, winner)
        if winner.paragraph:  # the source breaks here
            return SentenceEnd(text, text, forced=True)
        split = paragraph_split(winner, gap)
        if split is None:
            return text
        twin, shared = split
        options = [winner.tokens[shared], twin.tokens[shared]]
        if shared == 0:
            here, there = first[options[0]], first[options[1]]
        else:
            row = step.tree.row_after(winner.tokens[:shared])
            here, there = self.runtime.logprobs(row, options)
        return SentenceEnd(text, gap.written(twin), there - here)

    def _keep(self, gap: int, candidate: Candidate) -> str:
        """Record ``candidate`` as written at ``gap``; returns its text."""
        self._starts.append(len(self._written))
        self._written.extend(candidate.tokens)
        self.counters.tokens_written += len(candidate.tokens)
        return self.gap(gap).written(candidate)

    # -- the loop --------------------------------------------------------------

    def write(self, cancel: threading.Event | None = None) -> Iterator[str]:
        """The chunk's text, a gap at a time, as it is settled (see ``chunk_text``)."""
        return chunk_text(self._pieces(cancel), self.settings, self.chunk)

    def _pieces(self, cancel: threading.Event | None) -> Iterator[Piece]:
        if not self.chunk.words:
            return
        gap = 0
        first = self._fill(0)
        while gap <= self._last:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            if gap == self._last and not self.chunk.following:
                yield self._keep(gap, final_winner(self.gap(gap), first, self.settings))
                return
            weighed = survivors(self.gap(gap), first, self.settings, self.runtime.n_seq)
            step, first = self._step_that_fits(gap, weighed, first)
            if step is None:  # a word too long for the context: written unscored
                yield self._keep(gap, weighed[0])
                gap += 1
                if gap <= self._last:
                    first = self._fill(gap)
                continue
            if not self._try(step.tree, len(step.weighed)):
                first = self._fill(gap)
                continue
            pieces, gap, first = self._settle(step, first)
            yield from pieces

    def _step_that_fits(
        self, gap: int, weighed: list[Candidate], first: dict[int, float]
    ) -> tuple[_Step | None, dict[int, float]]:
        step = self._plan(gap, weighed, draft=True)
        if self._fits(step.tree.entries):
            return step, first
        first = self._fill(gap)
        weighed = survivors(self.gap(gap), first, self.settings, self.runtime.n_seq)
        for draft, chosen in ((True, weighed), (False, weighed), (False, weighed[:1])):
            step = self._plan(gap, chosen, draft)
            if self._fits(step.tree.entries):
                return step, first
        return None, first

    def _settle(
        self, step: _Step, first: dict[int, float]
    ) -> tuple[list[Piece], int, dict[int, float]]:
        """Keep ``step``'s winner and the drafted words the model is sure of; returns
        what they write, the next gap and its first-token log-probabilities."""
        runtime, start = self.runtime, self.pos
        winner = self._winner(step, first)
        rank = step.weighed.index(winner)
        pieces = [self._piece(step, winner, first)]
        prefix = list(winner.tokens)
        gap = step.gap + 1
        if gap <= self._last:
            first = self._first(step.tree.row_after(prefix), gap)
            if rank == 0:
                for _ in range(step.draft):
                    draft = self.gap(gap).candidates[0]
                    weighed = survivors(self.gap(gap), first, self.settings, runtime.n_seq)
                    if weighed != [draft] or tuple(prefix) + draft.tokens not in step.tree.nodes:
                        break
                    pieces.append(self._keep(gap, draft))
                    prefix.extend(draft.tokens)
                    gap += 1
                    first = self._first(step.tree.row_after(prefix), gap)
        self._trim(rank, start, len(prefix) if gap <= self._last else 0, len(step.weighed))
        return pieces, gap, first

    def _trim(self, rank: int, start: int, kept: int, seqs: int) -> None:
        """Leave sequence 0 holding the text up to ``start + kept`` (from the winner's
        sequence ``rank``) and drop every other sequence."""
        if rank == 0:
            self.runtime.drop(0, start + kept)
        else:
            self.runtime.drop(0, start)
            self.runtime.adopt(rank, start, start + kept)
        for seq in range(1, seqs):
            self.runtime.drop(seq, 0)
        self.pos = start + kept
