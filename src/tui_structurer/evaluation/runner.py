"""Run every (model, prompt, mode) over an eval set through the real pipeline."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui_structurer.config import CascadeStep, Config
from tui_structurer.engines.pool import EnginePool
from tui_structurer.errors import FileProblem
from tui_structurer.evaluation.dataset import Entry
from tui_structurer.evaluation.metrics import MARK_CLASSES, StructureScore, score_structure
from tui_structurer.pipeline import Pipeline
from tui_structurer.text import fidelity
from tui_structurer.text.source_rules import source_rules
from tui_structurer.text.words import word_keys


@dataclass(frozen=True, slots=True)
class EntryResult:
    name: str
    output: str
    likeness: float
    """Word-level likeness of the output to the reference."""
    source_words: int
    removed: int
    added: int
    replaced: int
    """What the model's raw output changed against the source."""
    seconds: float
    completion_tokens: int
    decode_seconds: float
    note: str
    source_punctuation: float = 0.0
    """Marks per 100 words the source already had."""


@dataclass
class RunResult:
    step: CascadeStep
    entries: list[EntryResult] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """Files the model could not structure at all: (name, why). They count as misses."""
    structure: StructureScore = field(default_factory=StructureScore)

    def successes(self, level: float) -> int:
        return sum(e.likeness >= level - 1e-12 for e in self.entries)

    def as_dict(self) -> dict[str, Any]:
        likeness = [e.likeness for e in self.entries]
        total = len(likeness) + len(self.failed)
        seconds = sum(e.seconds for e in self.entries)
        decode_seconds = sum(e.decode_seconds for e in self.entries)
        s = self.structure
        return {
            "model": self.step.model,
            "prompt": self.step.prompt,
            "mode": self.step.mode,
            "entries": total,
            "failed": [{"file": name, "reason": reason} for name, reason in self.failed],
            "successes_90": self.successes(0.90),
            "successes_95": self.successes(0.95),
            "success_rate_90": self.successes(0.90) / total if total else 0.0,
            "success_rate_95": self.successes(0.95) / total if total else 0.0,
            "average_likeness": statistics.fmean(likeness) if likeness else 0.0,
            "median_likeness": statistics.median(likeness) if likeness else 0.0,
            "words_removed": sum(e.removed for e in self.entries),
            "words_added": sum(e.added for e in self.entries),
            "words_replaced": sum(e.replaced for e in self.entries),
            "punct": {
                kind: {
                    "precision": s.marks[kind].precision,
                    "recall": s.marks[kind].recall,
                    "f1": s.marks[kind].f1,
                }
                for kind in MARK_CLASSES
            },
            "punct_precision": s.pooled.precision,
            "punct_recall": s.pooled.recall,
            "punct_f1": s.pooled.f1,
            "para_f1": s.paragraphs.f1,
            "para_pk": s.pk,
            "para_windowdiff": s.windowdiff,
            "capitalization_accuracy": s.capitalization_accuracy,
            "capitals_f1": s.capitals.f1,
            "seconds": seconds,
            "words_per_second": sum(e.source_words for e in self.entries) / seconds
            if seconds
            else 0.0,
            "decode_tokens_per_second": sum(e.completion_tokens for e in self.entries)
            / decode_seconds
            if decode_seconds
            else 0.0,
            "notes": sorted({e.note for e in self.entries if e.note}),
            "files": [
                {
                    "file": e.name,
                    "likeness": e.likeness,
                    "source_punctuation_per_100_words": round(e.source_punctuation, 1),
                }
                for e in self.entries
            ],
        }


Progress = Callable[[CascadeStep, int, int, str], None]


def run_eval(
    config: Config,
    steps: list[CascadeStep],
    entries: list[Entry],
    progress: Progress,
    cancel: threading.Event | None = None,
    engines: EnginePool | None = None,
) -> list[RunResult]:
    """Each step on every entry, one step at a time (its model loaded before timing).
    A file the model fails on is reported as failed and the others are still run."""
    engines = engines or EnginePool()
    pipeline = Pipeline(config, engines)
    results = []
    try:
        for step in steps:
            engines.get(config.models[step.model], strict=step.mode == "strict")
            run = RunResult(step)
            for index, entry in enumerate(entries):
                progress(step, index, len(entries), entry.name)
                began = time.perf_counter()
                try:
                    attempt = pipeline.process(entry.source, (step,), cancel=cancel).candidate
                except FileProblem as exc:  # this file failed; the others are still scored
                    run.failed.append((entry.name, str(exc)))
                    continue
                seconds = time.perf_counter() - began
                alignment = fidelity.score(entry.reference, attempt.final_output)
                tokens = attempt.stats.completion_tokens
                rate = attempt.stats.decode_tokens_per_s
                run.entries.append(
                    EntryResult(
                        name=entry.name,
                        output=attempt.final_output,
                        likeness=alignment.likeness,
                        source_words=len(word_keys(entry.source)),
                        removed=attempt.raw_fidelity.removed,
                        added=attempt.raw_fidelity.added,
                        replaced=attempt.raw_fidelity.replaced,
                        seconds=seconds,
                        completion_tokens=tokens,
                        decode_seconds=tokens / rate if rate else 0.0,
                        note=attempt.note,
                        source_punctuation=source_rules(entry.source).marks_per_100_words,
                    )
                )
                run.structure.merge(
                    score_structure(entry.reference, attempt.final_output, alignment)
                )
            results.append(run)
    finally:
        engines.close()
    return results
