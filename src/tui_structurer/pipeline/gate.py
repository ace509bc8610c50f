"""The fidelity gate: does an attempt pass, and if not, why."""

from __future__ import annotations

from tui_structurer.config import Gate
from tui_structurer.text.fidelity import Fidelity, score
from tui_structurer.text.structure import StructureChange, measure

NO_STRUCTURE = "no punctuation or paragraph breaks were added"
DENSITY_MIN_WORDS = 40
"""Texts shorter than this are too short for punctuation density to mean anything."""


def adds_structure(reasons: tuple[str, ...]) -> bool:
    """Whether an attempt with these gate reasons added any structure at all."""
    return NO_STRUCTURE not in reasons


def gate_reasons(
    gate: Gate, raw: Fidelity, final: Fidelity, structure: StructureChange
) -> tuple[str, ...]:
    """Reasons the attempt fails; empty when it passes.

    Words are judged on the model's raw output, because repair restores dropped words in
    the final text: a model that dropped a fifth of the words left a fifth of the text
    unstructured. Structure is judged on the final text (``structure`` compares it with
    its source), which is what a reviewer accepts.
    """
    reasons = []
    if raw.likeness < gate.min_likeness:
        reasons.append(f"likeness {raw.likeness:.3f} is below {gate.min_likeness:.3f}")
    if raw.longest_removed_run > gate.max_removed_run:
        reasons.append(
            f"dropped or rewrote a run of {raw.longest_removed_run} words "
            f"(at most {gate.max_removed_run})"
        )
    if gate.require_structure:
        reasons.extend(_structure_reasons(gate, structure))
    return tuple(reasons)


def judge_text(gate: Gate, source: str, text: str) -> tuple[Fidelity, tuple[str, ...]]:
    """Score and gate a text that is both the raw and the final output (an edit)."""
    scored = score(source, text)
    return scored, gate_reasons(gate, scored, scored, measure(source, text, scored.segments))


def _structure_reasons(gate: Gate, change: StructureChange) -> list[str]:
    already = change.source.marks_per_100_words >= gate.min_marks_per_100_words
    if not change.added and not already:  # a punctuated source may need nothing added
        return [NO_STRUCTURE]
    text = change.output
    if text.words < DENSITY_MIN_WORDS:
        return []
    reasons = []
    density = text.marks_per_100_words
    if density < gate.min_marks_per_100_words:
        reasons.append(
            f"too little punctuation: {density:.1f} marks per 100 words "
            f"(at least {gate.min_marks_per_100_words:g})"
        )
    elif density > gate.max_marks_per_100_words:
        reasons.append(
            f"too much punctuation: {density:.1f} marks per 100 words "
            f"(at most {gate.max_marks_per_100_words:g})"
        )
    length = text.words_per_sentence
    if length > gate.max_words_per_sentence:
        reasons.append(
            f"sentences run on: {length:.0f} words per sentence on average "
            f"(at most {gate.max_words_per_sentence:g})"
        )
    elif length < gate.min_words_per_sentence:
        reasons.append(
            f"sentences are fragments: {length:.1f} words per sentence on average "
            f"(at least {gate.min_words_per_sentence:g})"
        )
    return reasons
