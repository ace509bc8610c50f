"""Repair mode: keep the source's words, take only the model's structure.

The model's output is aligned to the source word by word. Where a source word is matched,
it takes the output's structure marks around it, its capitalization and any paragraph
break before it; the word itself, symbols and all ("$50", "C++"), is the source's. Where
the model rewrote a word, the source word stays (with the model's marks and, letter for
letter, its case); where it dropped words, they stay exactly as they were. Both spans are
reported for review. Words therefore survive by construction."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tui_structurer.text.words import Token, split_edges, tokenize


@dataclass(frozen=True, slots=True)
class Repaired:
    """The repaired text and the source word spans the model did not reproduce."""

    text: str
    unmatched: tuple[tuple[int, int], ...]
    """``(start, end)`` source word indexes kept verbatim because the model changed them."""


def _with_case_of(source_core: str, model_core: str) -> str:
    """``source_core`` letter for letter, with the case the model gave each letter."""
    model_letters = [c for c in model_core if c.isalnum()]
    if sum(1 for c in source_core if c.isalnum()) != len(model_letters):
        return source_core
    letters = iter(model_letters)
    out = []
    for char in source_core:
        if char.isalnum():
            model_char = next(letters)
            out.append(char.upper() if model_char.isupper() else char.lower())
        else:
            out.append(char)
    return "".join(out)


def _carry(source: Token, model: Token) -> str:
    """The source word itself (its symbols included) in the model's marks and case."""
    _, core, _ = split_edges(source.text)
    before, model_core, after = split_edges(model.text)
    return before + _with_case_of(core, model_core) + after


def _note_unmatched(spans: list[tuple[int, int]], start: int, end: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


def repair(source: str, output: str) -> Repaired:
    """Carry ``output``'s punctuation, case and paragraph breaks onto ``source``'s words."""
    src_tokens = tokenize(source)
    out_tokens = tokenize(output)
    ids: dict[str, int] = {}
    src_ids = [ids.setdefault(t.key, len(ids)) for t in src_tokens]
    out_ids = [ids.setdefault(t.key, len(ids)) for t in out_tokens]

    pieces: list[str] = []
    unmatched: list[tuple[int, int]] = []
    for op in Levenshtein.opcodes(src_ids, out_ids):
        if op.dest_end - op.dest_start > op.src_end - op.src_start and pieces:
            # Words the model added are dropped, but a sentence end it put on the last
            # of them still belongs to the text ("came home again!" -> "came home!").
            _, _, suffix = split_edges(out_tokens[op.dest_end - 1].text)
            if suffix and not split_edges(pieces[-1])[2] and op.src_end == op.src_start:
                pieces[-1] += suffix
        if op.tag in ("equal", "replace"):
            # A rewritten word ("Don't" for "dont", "50" for "$50") stays the source's
            # word but still takes the marks and case the model put at that place.
            if op.tag == "replace":
                _note_unmatched(unmatched, op.src_start, op.src_end)
            for offset in range(op.src_end - op.src_start):
                model_token = out_tokens[op.dest_start + offset]
                index = op.src_start + offset
                if pieces and model_token.breaks_before:
                    pieces.append("\n\n")
                elif pieces:
                    pieces.append(" ")
                pieces.append(_carry(src_tokens[index], model_token))
        elif op.src_end > op.src_start:
            _note_unmatched(unmatched, op.src_start, op.src_end)
            for index in range(op.src_start, op.src_end):
                if pieces:
                    pieces.append(" ")
                pieces.append(src_tokens[index].text)
    return Repaired("".join(pieces), tuple(unmatched))
