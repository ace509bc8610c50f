"""`tui-structurer calibrate`: fit strict mode's biases to a labelled folder by decoding it.

Each class's F1 depends almost only on its own bias, so one decoding pass tries a step
on every bias at once and reads each class's F1 off it: a round is a pass with every bias
raised, one with every bias lowered, and a check of the best of each combined. Two rounds
(steps of 1 and ½) take seven passes. Biases are fitted by real decoding, never by
replaying recorded scores: once a decision changes, the text after it changes too.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui_structurer.evaluation.metrics import StructureScore
from tui_structurer.strict.settings import StrictSettings

ROUNDS = (1.0, 0.5)
"""Bias steps tried in each round, in log-probability units."""
MIN_QUESTIONS = 8
"""A question-mark bias is fitted only when the references ask this many questions;
with fewer it follows the sentence-end bias (a question is a sentence end)."""
PROFILE_KEYS = {
    "bias_comma": "strict_bias_comma",
    "bias_sentence": "strict_bias_sentence",
    "bias_question": "strict_bias_question",
    "bias_paragraph": "strict_bias_paragraph",
    "bias_capital": "strict_bias_capital",
    "paragraph_words": "strict_paragraph_words",
}
"""The settings calibration fits, and their keys in a model profile."""
_CLASS_OF = {
    "bias_comma": "comma",
    "bias_sentence": "period",
    "bias_question": "question",
    "bias_paragraph": "paragraph",
    "bias_capital": "capitals",
}

Evaluate = Callable[[StrictSettings], StructureScore]


@dataclass(frozen=True, slots=True)
class Trial:
    """One decoding pass over the folder."""

    settings: StrictSettings
    score: StructureScore

    @property
    def objective(self) -> float:
        """Punctuation F1 (all marks pooled) plus paragraph and capital F1."""
        return self.score.pooled.f1 + self.score.paragraphs.f1 + self.score.capitals.f1


def class_f1(score: StructureScore, name: str) -> float:
    if name == "paragraph":
        return score.paragraphs.f1
    if name == "capitals":
        return score.capitals.f1
    return score.marks[name].f1


def typical_paragraph_words(references: Sequence[str]) -> int | None:
    """Median words per paragraph of the references; ``None`` without paragraphs."""
    lengths = [
        len(paragraph.split())
        for text in references
        for paragraph in text.split("\n\n")
        if paragraph.strip()
    ]
    if len(lengths) < 4:
        return None
    return max(8, round(statistics.median(lengths)))


def _shift(settings: StrictSettings, fields: Sequence[str], step: float) -> StrictSettings:
    changes = {name: getattr(settings, name) + step for name in fields}
    if "bias_question" not in fields:
        changes["bias_question"] = changes.get("bias_sentence", settings.bias_sentence)
    return dataclasses.replace(settings, **changes)


def fit(
    evaluate: Evaluate,
    start: StrictSettings,
    fit_question: bool,
    steps: Sequence[float] = ROUNDS,
    report: Callable[[Trial], None] = lambda trial: None,
) -> tuple[Trial, list[Trial]]:
    """The first trial (``start``) and every trial made; the best is the one with the
    highest :attr:`Trial.objective`."""
    fields = ["bias_comma", "bias_sentence", "bias_paragraph", "bias_capital"]
    if fit_question:
        fields.append("bias_question")

    def run(settings: StrictSettings) -> Trial:
        trial = Trial(settings, evaluate(settings))
        report(trial)
        return trial

    first = current = run(start)
    trials = [first]
    for step in steps:
        around = [current, run(_shift(current.settings, fields, step))]
        around.append(run(_shift(current.settings, fields, -step)))
        trials += around[1:]
        best = {
            name: max(around, key=lambda t: class_f1(t.score, _CLASS_OF[name])).settings
            for name in fields
        }
        combined = dataclasses.replace(
            current.settings, **{name: getattr(best[name], name) for name in fields}
        )
        if not fit_question:
            combined = dataclasses.replace(combined, bias_question=combined.bias_sentence)
        if combined not in (t.settings for t in around):
            trials.append(run(combined))
        current = max(trials, key=lambda t: t.objective)
    return first, trials


def best_of(trials: Sequence[Trial]) -> Trial:
    return max(trials, key=lambda t: t.objective)


def profile_values(settings: StrictSettings) -> dict[str, float | int | str]:
    """The fitted settings as model-profile keys."""
    return {key: getattr(settings, name) for name, key in PROFILE_KEYS.items()}
