"""How strict decoding decides, from a model profile's ``strict_*`` fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_structurer.config import ModelProfile
from tui_structurer.strict.candidates import Candidate, MarkClass

Rule = Literal["lookahead", "first-token"]


@dataclass(frozen=True, slots=True)
class StrictSettings:
    """The decision rule and its calibrated numbers (log-probability units)."""

    rule: Rule = "lookahead"
    lookahead: int = 1
    """Source tokens after the next word that each candidate is scored with."""
    threshold: float = -4.0
    """A candidate is weighed only when its first token's log-probability plus its
    class bias reaches this; the likeliest is always weighed."""
    bias_comma: float = 0.0
    bias_sentence: float = 1.0
    bias_question: float = 1.0
    bias_paragraph: float = 3.0
    """Added for each paragraph break, against the prior on paragraph lengths (see
    :mod:`~tui_structurer.strict.paragraphs`)."""
    bias_capital: float = 0.0
    """Added to a word given a capital inside a sentence: the words after it are scored
    as spoken (lower case), which tells against the name the model saw."""
    paragraph_words: int = 40
    """Typical paragraph length in words: the prior on lengths peaks there."""
    draft_words: int = 3
    """Source words decoded ahead in the same call, kept while the model is sure."""

    def class_bias(self, candidate: Candidate) -> float:
        """The bias of the candidate's mark (not its paragraph break) and capital."""
        capital = self.bias_capital if candidate.raised else 0.0
        return (
            capital
            + {
                MarkClass.NONE: 0.0,
                MarkClass.COMMA: self.bias_comma,
                MarkClass.SENTENCE: self.bias_sentence,
                MarkClass.QUESTION: self.bias_question,
            }[candidate.mark_class]
        )


def from_profile(profile: ModelProfile) -> StrictSettings:
    """The settings a model profile asks for."""
    return StrictSettings(
        rule=profile.strict_rule,
        lookahead=profile.strict_lookahead,
        threshold=profile.strict_threshold,
        bias_comma=profile.strict_bias_comma,
        bias_sentence=profile.strict_bias_sentence,
        bias_question=profile.strict_bias_question,
        bias_paragraph=profile.strict_bias_paragraph,
        bias_capital=profile.strict_bias_capital,
        paragraph_words=profile.strict_paragraph_words,
        draft_words=profile.strict_draft_words,
    )
