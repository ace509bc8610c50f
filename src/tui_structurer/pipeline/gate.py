"""The fidelity gate: does an attempt pass, and if not, why."""

from __future__ import annotations

from tui_structurer.config import Gate
from tui_structurer.text.fidelity import Fidelity

NO_STRUCTURE = "no punctuation or paragraph breaks were added"


def adds_structure(reasons: tuple[str, ...]) -> bool:
    """Whether an attempt with these gate reasons added any structure at all."""
    return NO_STRUCTURE not in reasons


def gate_reasons(gate: Gate, raw: Fidelity, final: Fidelity) -> tuple[str, ...]:
    """Reasons the attempt fails, judged on the model's raw output; empty when it passes.

    The raw output is judged because repair restores dropped words in the final text:
    a model that dropped a fifth of the words left a fifth of the text unstructured.
    """
    reasons = []
    if raw.likeness < gate.min_likeness:
        reasons.append(f"likeness {raw.likeness:.3f} is below {gate.min_likeness:.3f}")
    if raw.longest_removed_run > gate.max_removed_run:
        reasons.append(
            f"dropped or rewrote a run of {raw.longest_removed_run} words "
            f"(at most {gate.max_removed_run})"
        )
    if gate.require_structure and final.identical_words and not final.structure_added:
        reasons.append(NO_STRUCTURE)
    return tuple(reasons)
