"""Split a transcript into pieces that fit the model's context.

Each chunk must leave room for its prompt, itself and its structured copy (≈1.2× the
chunk's tokens, since punctuation adds tokens) plus a margin. A caller that can render
the real prompt passes ``fits``, the exact test: the window shrinks until it holds.
Cuts fall after a sentence end when the source has them and at a fixed word window when
it has none. Chunks cover the source words exactly once, in order, so stitching loses
and repeats nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tui_structurer.errors import RunFatal
from tui_structurer.text.words import Token, ends_sentence, tokenize

OUTPUT_FACTOR = 1.2
"""Expected output tokens per source token (punctuation and capitals add some)."""
MARGIN_TOKENS = 64
STRICT_CASE_FACTOR = 1.15
"""Capitalised variants of words can split into more tokens than the words as spoken."""
Fits = Callable[[str, int, int], bool]
"""``fits(text, tokens, words)``: whether a chunk fits with its real prompt and output."""


class ContextTooSmallError(RunFatal):
    """The model's context cannot hold the prompt and any text."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Source words ``[start, end)`` and their text as sent to the model."""

    index: int
    start: int
    end: int
    text: str
    tokens: int
    """Tokens of ``text`` as the model counts them (measured while cutting)."""


def chunk_token_budget(n_ctx: int, prompt_tokens: int) -> int:
    """Largest chunk (in tokens) that fits with its prompt and expected output."""
    room = n_ctx - prompt_tokens - MARGIN_TOKENS
    budget = int(room / (1 + OUTPUT_FACTOR))
    if budget < 16:
        raise ContextTooSmallError(
            f"a context of {n_ctx} tokens leaves no room for text after a prompt of "
            f"{prompt_tokens} tokens; use a model profile with a larger context"
        )
    return budget


def max_output_tokens(chunk_tokens: int) -> int:
    """Generation limit for a chunk: its expected length plus the margin."""
    return int(chunk_tokens * OUTPUT_FACTOR) + MARGIN_TOKENS


def strict_output_tokens(chunk_tokens: int, words: int) -> int:
    """The most tokens strict decoding can write for a chunk: every gap may take a mark
    and a paragraph break, and a capitalised word may take an extra token or two."""
    return int(chunk_tokens * STRICT_CASE_FACTOR) + 2 * words + MARGIN_TOKENS


def join_tokens(tokens: list[Token]) -> str:
    """Text of consecutive tokens; only blank-line paragraph breaks are kept."""
    parts: list[str] = []
    for token in tokens:
        if parts:
            parts.append("\n\n" if token.breaks_before >= 2 else " ")
        parts.append(token.text)
    return "".join(parts)


def _cut_point(tokens: list[Token], start: int, end: int) -> int:
    """Cut after the last sentence end in the back half of the window, else at ``end``."""
    floor = start + max(1, (end - start) // 2)
    for index in range(end - 1, floor - 1, -1):
        if ends_sentence(tokens[index].text):
            return index + 1
    return end


def split(
    text: str,
    max_tokens: int,
    count_tokens: Callable[[str], int],
    fits: Fits | None = None,
) -> list[Chunk]:
    """Chunks of ``text`` of at most ``max_tokens`` tokens each, as ``count_tokens`` counts,
    each passing ``fits`` when given. A single word that does not fit is a
    :class:`ContextTooSmallError`."""
    tokens = tokenize(text)
    if not tokens:
        return []
    whole = join_tokens(tokens)
    total = count_tokens(whole)

    def holds(body: str, size: int, words: int) -> bool:
        return size <= max_tokens and (fits is None or fits(body, size, words))

    if holds(whole, total, len(tokens)):
        return [Chunk(0, 0, len(tokens), whole, total)]
    tokens_per_word = total / len(tokens)
    window = max(1, int(max_tokens / tokens_per_word * 0.9))

    chunks: list[Chunk] = []
    start = 0
    while start < len(tokens):
        end = min(len(tokens), start + window)
        if end < len(tokens):
            end = _cut_point(tokens, start, end)
        body = join_tokens(tokens[start:end])
        size = count_tokens(body)
        while end - start > 1 and not holds(body, size, end - start):
            end = start + max(1, (end - start) * 9 // 10)
            body = join_tokens(tokens[start:end])
            size = count_tokens(body)
        if fits is not None and not fits(body, size, end - start):
            raise ContextTooSmallError(
                "the model's context cannot hold its prompt and even one word of text; "
                "use a model profile with a larger context or a shorter prompt"
            )
        chunks.append(Chunk(len(chunks), start, end, body, size))
        start = end
    return chunks
