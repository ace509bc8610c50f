"""How strict decoding decides, from a model profile's ``strict_*`` fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tui_structurer.config import ModelProfile
from tui_structurer.strict.candidates import Candidate, MarkClass

Rule = Literal["lookahead", "first-token"]

MIN_PARAGRAPH_WORDS = 8
"""No paragraph break before a paragraph has this many words: a small model copying
its own breaks would otherwise write a paragraph per word."""
PARAGRAPH_RAMP = 2.0
"""How far the paragraph prior moves a break's score either way: published speeches
rarely break a paragraph well short of their typical length and usually do once past it
(by words since the last break, their rate of breaks at a sentence end goes from about
one in seven below 30 words to three in four past 40)."""


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
    bias_paragraph: float = -3.0
    bias_capital: float = 0.0
    """Added to a word given a capital inside a sentence: the words after it are scored
    as spoken (lower case), which tells against the name the model saw."""
    paragraph_words: int = 40
    """Typical paragraph length in words: the prior favours a break past it."""
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

    def paragraph_bias(self, words: int) -> float:
        """What a break adds after a paragraph of ``words`` words: the bias plus a prior
        that rises from −ramp to +ramp over the quarter-length either side of the
        typical length."""
        spread = max(1.0, self.paragraph_words / 4)
        position = max(-1.0, min(1.0, (words - self.paragraph_words) / spread))
        return self.bias_paragraph + PARAGRAPH_RAMP * position


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
