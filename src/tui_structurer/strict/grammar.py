"""Strict mode for inference servers: a GBNF grammar (llama.cpp's format, which
llama-server and llama-cpp-python's server accept per request) that admits exactly the
chunk's words in order with the same separators, breaks and capitals as local strict
decoding. The server enforces it token by token."""

from __future__ import annotations

from tui_structurer.strict.candidates import PARAGRAPH
from tui_structurer.strict.chunk import StrictChunk
from tui_structurer.strict.fixed_words import case_variants


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _choice(options: tuple[str, ...]) -> str:
    return "(" + " | ".join(_literal(option) for option in options) + ")"


def _gap(word: str) -> str:
    """A separator (or none) and the next word, capitalized after a sentence end."""
    mid = _choice(case_variants(word, False))
    start = _choice(case_variants(word, True))
    return f'("" | [,:;]) " " {mid} | [.?!] (" " | {_literal(PARAGRAPH)}) {start}'


def strict_grammar(chunk: StrictChunk) -> str:
    """GBNF for ``chunk``: one rule per word gap, chained from ``root``."""
    words = chunk.words
    if not words:
        return 'root ::= ""'
    ending = (
        "[.?!]" if chunk.next_word is None else f'("" | [,:;] | [.?!] ("" | {_literal(PARAGRAPH)}))'
    )
    rules = [f"w{i} ::= {_gap(word)}" for i, word in enumerate(words) if i]
    chain = " ".join(f"w{i}" for i in range(1, len(words)))
    first = _choice(case_variants(words[0], chunk.starts_sentence))
    root = f"root ::= {first} {chain} {ending}".replace("  ", " ")
    return "\n".join([root, *rules]) + "\n"
