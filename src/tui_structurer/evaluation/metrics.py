"""How close a structured text is to its human reference, word by word.

Words are aligned on their keys (case and punctuation ignored); at every pair of
aligned words the reference's punctuation, paragraph break and capital are compared
with the output's. Counts add up across files, so a run's precision is over all of its
marks, not an average of per-file figures.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from tui_structurer.text.fidelity import Fidelity, score
from tui_structurer.text.words import Token, tokenize

MARK_CLASSES = ("period", "comma", "question")
LIKENESS_EDGES = (0.8, 0.9, 0.95, 0.99)
_MARK_OF = {".": "period", ",": "comma", "?": "question", "!": "other", ":": "other", ";": "other"}
_CLOSERS = "\"'”’)]»"


def mark_after(surface: str) -> str | None:
    """The class of the punctuation a word ends with; ``None`` when it has none."""
    stripped = surface.rstrip(_CLOSERS)
    return _MARK_OF.get(stripped[-1:]) if stripped else None


def _starts_upper(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and letters[0].isupper()


@dataclass
class Counts:
    """True positives, false positives and false negatives of one kind of mark."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        self.tp += expected and predicted
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    def merge(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class StructureScore:
    """Punctuation, paragraph and capitalization agreement of an output with its reference."""

    marks: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in MARK_CLASSES})
    pooled: Counts = field(default_factory=Counts)
    """Any of period, comma and question mark, counted right only with the right class."""
    paragraphs: Counts = field(default_factory=Counts)
    capitals: Counts = field(default_factory=Counts)
    """Words that start with a capital letter (names and sentence starts)."""
    capitals_right: int = 0
    aligned_words: int = 0
    pk_misses: int = 0
    windowdiff_misses: int = 0
    windows: int = 0
    """Paragraph segmentation windows compared (Pk and WindowDiff share them)."""

    @property
    def capitalization_accuracy(self) -> float:
        return self.capitals_right / self.aligned_words if self.aligned_words else 0.0

    @property
    def pk(self) -> float:
        """Share of word windows whose ends the output puts in the same paragraph or in
        different ones where the reference does not (Beeferman et al.; 0 is perfect)."""
        return self.pk_misses / self.windows if self.windows else 0.0

    @property
    def windowdiff(self) -> float:
        """Share of windows holding a different number of breaks than the reference's
        (Pevzner and Hearst; 0 is perfect, stricter than Pk on near misses)."""
        return self.windowdiff_misses / self.windows if self.windows else 0.0

    def merge(self, other: StructureScore) -> None:
        for kind in MARK_CLASSES:
            self.marks[kind].merge(other.marks[kind])
        self.pooled.merge(other.pooled)
        self.paragraphs.merge(other.paragraphs)
        self.capitals.merge(other.capitals)
        self.capitals_right += other.capitals_right
        self.aligned_words += other.aligned_words
        self.pk_misses += other.pk_misses
        self.windowdiff_misses += other.windowdiff_misses
        self.windows += other.windows


def _aligned_pairs(alignment: Fidelity) -> Iterator[tuple[int, int]]:
    """(reference, output) word indices the alignment found equal. Its indices are
    those of :func:`tokenize` too: both drop the same punctuation-only tokens."""
    for segment in alignment.segments:
        if segment.kind == "equal":
            for i in range(segment.src_end - segment.src_start):
                yield segment.src_start + i, segment.out_start + i


def _paragraph_after(tokens: list[Token], index: int) -> bool:
    return index + 1 < len(tokens) and tokens[index + 1].breaks_before >= 2


def segmentation(reference: list[bool], output: list[bool]) -> tuple[int, int, int]:
    """Pk misses, WindowDiff misses and windows for two break sequences over the same
    words (``True`` after a word that ends a paragraph). The window is half the
    reference's mean paragraph length, as Pk prescribes."""
    if len(reference) < 2:
        return 0, 0, 0
    paragraphs = sum(reference[:-1]) + 1
    k = max(2, round(len(reference) / paragraphs / 2))
    windows = max(0, len(reference) - k)
    pk = windowdiff = 0
    ref_count = sum(reference[:k])
    out_count = sum(output[:k])
    for start in range(windows):
        pk += (ref_count == 0) != (out_count == 0)
        windowdiff += ref_count != out_count
        ref_count += reference[start + k] - reference[start]
        out_count += output[start + k] - output[start]
    return pk, windowdiff, windows


def score_structure(
    reference: str, output: str, alignment: Fidelity | None = None
) -> StructureScore:
    """Compare the marks after, breaks after and capitals of every aligned word;
    ``alignment`` is ``fidelity.score(reference, output)`` when the caller has it."""
    ref, out = tokenize(reference), tokenize(output)
    result = StructureScore()
    ref_breaks: list[bool] = []
    out_breaks: list[bool] = []
    for r, o in _aligned_pairs(alignment or score(reference, output)):
        want, got = mark_after(ref[r].text), mark_after(out[o].text)
        for kind in MARK_CLASSES:
            result.marks[kind].add(want == kind, got == kind)
        pooled_want, pooled_got = want in MARK_CLASSES, got in MARK_CLASSES
        result.pooled.tp += pooled_want and want == got
        result.pooled.fp += pooled_got and want != got
        result.pooled.fn += pooled_want and want != got
        ref_breaks.append(_paragraph_after(ref, r))
        out_breaks.append(_paragraph_after(out, o))
        result.paragraphs.add(ref_breaks[-1], out_breaks[-1])
        upper_want, upper_got = _starts_upper(ref[r].text), _starts_upper(out[o].text)
        result.capitals.add(upper_want, upper_got)
        result.capitals_right += upper_want == upper_got
        result.aligned_words += 1
    result.pk_misses, result.windowdiff_misses, result.windows = segmentation(
        ref_breaks, out_breaks
    )
    return result


def histogram(values: list[float], edges: tuple[float, ...] = LIKENESS_EDGES) -> Counter[str]:
    """Likeness values binned for the terminal table."""
    middle = [f"{lo:.2f}–{hi:.2f}" for lo, hi in itertools.pairwise(edges)]
    labels = [f"< {edges[0]:.2f}", *middle, f"≥ {edges[-1]:.2f}"]
    bins: Counter[str] = Counter({label: 0 for label in labels})
    for value in values:
        bins[labels[sum(value >= edge for edge in edges)]] += 1
    return bins
