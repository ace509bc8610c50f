"""Repair mode: keep the source's words, take only the model's structure.

The model's output is aligned to the source word by word. Where a source word is matched,
it takes the output's punctuation around it, its capitalization and any paragraph break
before it. Where the model dropped or rewrote words, the source words stay exactly as
they were and the span is reported for review. Words therefore survive by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tui_structurer.text.words import Token, tokenize


@dataclass(frozen=True, slots=True)
class Repaired:
    """The repaired text and the source word spans the model did not reproduce."""

    text: str
    unmatched: tuple[tuple[int, int], ...]
    """``(start, end)`` source word indexes kept verbatim because the model changed them."""


def _split_core(surface: str) -> tuple[str, str, str]:
    start = 0
    end = len(surface)
    while start < end and not surface[start].isalnum():
        start += 1
    while end > start and not surface[end - 1].isalnum():
        end -= 1
    return surface[:start], surface[start:end], surface[end:]


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
    _, core, _ = _split_core(source.text)
    prefix, model_core, suffix = _split_core(model.text)
    if not core:
        return source.text
    return prefix + _with_case_of(core, model_core) + suffix


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
            _, _, suffix = _split_core(out_tokens[op.dest_end - 1].text)
            if suffix and not _split_core(pieces[-1])[2] and op.src_end == op.src_start:
                pieces[-1] += suffix
        if op.tag == "equal":
            for offset in range(op.src_end - op.src_start):
                model_token = out_tokens[op.dest_start + offset]
                index = op.src_start + offset
                if pieces and model_token.breaks_before:
                    pieces.append("\n\n")
                elif pieces:
                    pieces.append(" ")
                pieces.append(_carry(src_tokens[index], model_token))
        elif op.src_end > op.src_start:
            if unmatched and unmatched[-1][1] == op.src_start:
                unmatched[-1] = (unmatched[-1][0], op.src_end)
            else:
                unmatched.append((op.src_start, op.src_end))
            for index in range(op.src_start, op.src_end):
                if pieces:
                    pieces.append(" ")
                pieces.append(src_tokens[index].text)
    return Repaired("".join(pieces), tuple(unmatched))
