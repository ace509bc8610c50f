"""Strict mode for inference servers: a GBNF grammar (llama.cpp's format, which
llama-server and llama-cpp-python's server accept per request) that admits exactly the
chunk's words in order with the same marks, breaks and capitals local strict decoding
offers at each gap, the source's own rules included. The server enforces it token by
token."""

from __future__ import annotations

from tui_structurer.strict.candidates import Gap
from tui_structurer.strict.chunk import StrictChunk


def _characters(text: str) -> tuple[int, ...]:
    """A stand-in tokenizer: the grammar needs each candidate's text, not its tokens."""
    return tuple(map(ord, text))


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _choice(gap: Gap) -> str:
    texts = dict.fromkeys(gap.written(c) for c in gap.candidates)
    return "(" + " | ".join(_literal(text) for text in texts) + ")"


def strict_grammar(chunk: StrictChunk) -> str:
    """GBNF for ``chunk``: one rule per gap, chained from ``root``."""
    words = chunk.words
    if not words:
        return 'root ::= ""'
    gaps = [chunk.gap(index, _characters) for index in range(len(words) + 1)]
    rules = [f"g{i} ::= {_choice(gap)}" for i, gap in enumerate(gaps)]
    root = "root ::= " + " ".join(f"g{i}" for i in range(len(gaps)))
    return "\n".join([root, *rules]) + "\n"
