"""A pure-Python stand-in for llama.cpp's multi-sequence context: a KV cache of cells
tagged with sequence ids, whose log-probabilities are a pure function of the tokens
before them. It refuses what llama.cpp refuses (positions that do not follow a
sequence, more cells than the context holds), so a wrong roll-back fails loudly."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tui_structurer.strict.runtime import ContextFull, Entry
from tui_structurer.strict.scored_text import ScoredText, ScoredToken

VOCAB: dict[str, int] = {}
CHARS: dict[int, str] = {}


def _unit(piece: str) -> int:
    if piece not in VOCAB:
        VOCAB[piece] = len(VOCAB) + 1
        CHARS[VOCAB[piece]] = piece
    return VOCAB[piece]


def toy_tokens(text: str) -> tuple[int, ...]:
    """One token per character, a space joined to the character after it (as real
    tokenizers do), so words take several tokens as real ones often do."""
    out, index = [], 0
    while index < len(text):
        size = 2 if text[index] == " " and index + 1 < len(text) else 1
        out.append(_unit(text[index : index + size]))
        index += size
    return tuple(out)


for _ch in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.?!:;\n'$%#@+-\"()":
    toy_tokens(_ch)
    toy_tokens(" " + _ch)

LogitFn = Callable[[Sequence[int], int], float]


def hashed_logit(prefix: Sequence[int], token: int, bias: float = 0.6) -> float:
    """Noise from the last dozen tokens; letters and spaces favoured as in real text."""
    digest = hashlib.blake2b(repr((tuple(prefix[-12:]), token)).encode(), digest_size=4)
    value = 4 * int.from_bytes(digest.digest(), "big") / 2**32
    char = CHARS.get(token, "").strip()
    return value + (bias * 4 if char.isalnum() else 0.0)


def logprob(prefix: Sequence[int], token: int, logit: LogitFn) -> float:
    values = [logit(prefix, t) for t in CHARS]
    peak = max(values)
    norm = peak + math.log(sum(math.exp(v - peak) for v in values))
    return logit(prefix, token) - norm


@dataclass
class _Cell:
    token: int
    pos: int
    seqs: set[int]


@dataclass
class FakeRuntime:
    """Implements :class:`tui_structurer.strict.runtime.ScoringRuntime`."""

    n_ctx: int = 4096
    n_seq: int = 16
    n_batch: int = 512
    logit: LogitFn = hashed_logit
    cells: list[_Cell] = field(default_factory=list)
    decodes: int = 0
    batch_sizes: list[int] = field(default_factory=list)
    _rows: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def tokens_of(self, seq: int) -> list[int]:
        """The sequence's tokens in position order; they must be 0, 1, 2, …"""
        cells = sorted((c for c in self.cells if seq in c.seqs), key=lambda c: c.pos)
        assert [c.pos for c in cells] == list(range(len(cells))), f"holes in sequence {seq}"
        return [c.token for c in cells]

    def decode(self, entries: Sequence[Entry]) -> None:
        if len(self.cells) + len(entries) > self.n_ctx:
            raise ContextFull("fake context full")
        self.decodes += 1
        self.batch_sizes.append(len(entries))
        self._rows = {}
        for index, entry in enumerate(entries):
            assert min(entry.seqs) >= 0 and max(entry.seqs) < self.n_seq
            prefixes = {tuple(self.tokens_of(seq)) for seq in entry.seqs}
            assert len(prefixes) == 1, "a shared token must continue the same text"
            (prefix,) = prefixes
            assert entry.pos == len(prefix), "positions must follow each sequence"
            self.cells.append(_Cell(entry.token, entry.pos, set(entry.seqs)))
            if entry.row:
                self._rows[index] = (*prefix, entry.token)

    def logprobs(self, index: int, tokens: Sequence[int]) -> list[float]:
        prefix = self._rows[index]  # KeyError: logits read where none were kept
        return [logprob(prefix, token, self.logit) for token in tokens]

    def fork(self, seq: int) -> None:
        for cell in self.cells:
            if 0 in cell.seqs:
                cell.seqs.add(seq)

    def adopt(self, seq: int, start: int, end: int) -> None:
        for cell in self.cells:
            if seq in cell.seqs and start <= cell.pos < end:
                cell.seqs.add(0)

    def drop(self, seq: int, start: int) -> None:
        for cell in self.cells:
            if cell.pos >= start:
                cell.seqs.discard(seq)
        self.cells = [c for c in self.cells if c.seqs]

    def clear(self) -> None:
        self.cells = []

    def hold(self, tokens: Sequence[int]) -> bool:
        if tokens and self.tokens_of(0)[: len(tokens)] == list(tokens):
            for seq in range(1, self.n_seq):
                self.drop(seq, 0)
            self.drop(0, len(tokens))
            return False
        self.clear()
        if tokens:
            self.decode([Entry(t, i, (0,), False) for i, t in enumerate(tokens)])
        return bool(tokens)


def reference_decode(
    prompt: Sequence[int],
    chunk: object,
    settings: object,
    logit: LogitFn = hashed_logit,
) -> str:
    """The decisions strict decoding must make, gap by gap, with no batching, drafting
    or sequences: every score recomputed from the pure model."""
    from tui_structurer.strict.candidates import final_gap, first_gap, word_gap
    from tui_structurer.strict.choice import (
        final_winner,
        first_token_winner,
        lookahead_winner,
        paragraph_split,
        survivors,
    )
    from tui_structurer.strict.chunk import StrictChunk
    from tui_structurer.strict.paragraphs import Piece, SentenceEnd, place_breaks
    from tui_structurer.strict.settings import StrictSettings

    assert isinstance(chunk, StrictChunk) and isinstance(settings, StrictSettings)
    words = chunk.words
    ahead = words + chunk.following
    text = list(prompt)
    out: list[Piece] = []
    for index in range(len(words) + 1):
        rule = chunk.rule(index)
        if index == 0:
            gap = first_gap(words[0], chunk.starts_sentence, toy_tokens, rule)
        elif index < len(words):
            gap = word_gap(words[index], toy_tokens, rule=rule)
        elif chunk.following:
            gap = word_gap(chunk.following[0], toy_tokens, writes_word=False, rule=rule)
        else:
            gap = final_gap(toy_tokens, rule)
        first = {c.tokens[0]: logprob(text, c.tokens[0], logit) for c in gap.candidates}

        def after(prefix: Sequence[int], tokens: Sequence[int]) -> list[float]:
            return [logprob(text + list(prefix), t, logit) for t in tokens]

        piece: Piece | None = None
        if index == len(words) and not chunk.following:
            winner = final_winner(gap, first, settings)
        else:
            weighed = survivors(gap, first, settings, 16)
            if len(weighed) == 1:
                winner = weighed[0]
            elif settings.rule == "first-token":
                winner = first_token_winner(weighed, after)
            else:
                tail = [t for w in ahead[index + 1 :] for t in toy_tokens(" " + w)]
                tail = tail[: settings.lookahead]
                winner = lookahead_winner(weighed, tail, first, after, settings)
            split = paragraph_split(winner, gap)
            if winner.paragraph:
                piece = SentenceEnd(gap.written(winner), gap.written(winner), forced=True)
            elif split is not None:
                twin, shared = split
                options = [winner.tokens[shared], twin.tokens[shared]]
                here, there = after(winner.tokens[:shared], options)
                piece = SentenceEnd(gap.written(winner), gap.written(twin), there - here)
        out.append(gap.written(winner) if piece is None else piece)
        text.extend(winner.tokens)
    closes = not chunk.following
    return "".join(place_breaks(out, settings, chunk.paragraph_words, closes))


class ToyScorer:
    """A server that scores continuations with the toy model (a ``TextScorer``): each
    token with its log-probability and the likeliest alternatives, as llama-server's
    ``n_probs`` reports them; counts its requests."""

    def __init__(self, logit: LogitFn = hashed_logit, alternatives: int = 8):
        self.logit = logit
        self.alternatives = alternatives
        self.requests = 0

    def score(self, context: str, continuation: str, cancel: object = None) -> ScoredText:
        self.requests += 1
        prefix = list(toy_tokens(context))
        tokens = []
        for token in toy_tokens(continuation):
            values = {t: self.logit(prefix, t) for t in CHARS}
            peak = max(values.values())
            norm = peak + math.log(sum(math.exp(v - peak) for v in values.values()))
            top = sorted(values, key=values.__getitem__, reverse=True)[: self.alternatives]
            alternatives = {CHARS[t]: values[t] - norm for t in top}
            tokens.append(ScoredToken(CHARS[token], values[token] - norm, alternatives))
            prefix.append(token)
        return ScoredText(continuation, tuple(tokens))
