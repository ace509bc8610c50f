"""The outcome of attempts and of a whole cascade."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui_structurer.config import CascadeStep
from tui_structurer.config.schema import Mode
from tui_structurer.text.fidelity import Fidelity


@dataclass(frozen=True, slots=True)
class AttemptStats:
    """Token counts and speed, summed over the attempt's chunks."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    time_to_first_token_s: float = 0.0
    """Of the first chunk: what a person waits before text appears."""
    decode_tokens_per_s: float = 0.0
    seconds: float = 0.0
    decode_calls: int = 0
    """Model evaluations after the prompts; strict mode batches several tokens in one."""


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """One (model, prompt, mode) attempt on one transcript."""

    step: CascadeStep
    mode: Mode
    """The mode that produced the output: the step's, unless strict decoding was
    unavailable and the attempt fell back to repair."""
    raw_output: str
    """The model's text as generated (chunks stitched)."""
    final_output: str
    """What a reviewer sees: the repaired text in repair mode, the raw text in free mode."""
    raw_fidelity: Fidelity
    final_fidelity: Fidelity
    passed: bool
    gate_reasons: tuple[str, ...]
    """Why the gate failed; empty when it passed."""
    unmatched: tuple[tuple[int, int], ...] = ()
    """Source word spans repair kept verbatim because the model changed them."""
    stats: AttemptStats = field(default_factory=AttemptStats)
    note: str = ""
    """What the reviewer should know about how the attempt ran (a strict fallback)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """All attempts on a transcript and the one offered for review."""

    attempts: tuple[AttemptResult, ...]
    chosen: int
    """Index of the first attempt that passed, else of the one most like its source."""

    @property
    def candidate(self) -> AttemptResult:
        return self.attempts[self.chosen]

    @property
    def passed(self) -> bool:
        return self.candidate.passed
