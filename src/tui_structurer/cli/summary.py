"""The end-of-run summary, in the form people use to compare prompts and models."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tui_structurer.config import Gate
from tui_structurer.processing.events import FileResult


@dataclass(frozen=True, slots=True)
class Summary:
    entries: int
    successes: int
    average_likeness: float | None
    median_likeness: float | None
    files: tuple[FileResult, ...]
    gate: Gate

    @property
    def success_rate(self) -> float:
        return self.successes / self.entries if self.entries else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "successes": self.successes,
            "success_rate": round(self.success_rate, 4),
            "average_likeness": _round(self.average_likeness),
            "median_likeness": _round(self.median_likeness),
            "threshold": {
                "min_likeness": self.gate.min_likeness,
                "max_removed_run": self.gate.max_removed_run,
            },
            "files": [
                {
                    "path": f.path,
                    "status": str(f.status),
                    "likeness": _round(f.likeness),
                    "passed": f.passed,
                    "attempts": f.attempts,
                    "reason": f.reason,
                    "warnings": list(f.warnings),
                }
                for f in self.files
            ],
        }

    def as_text(self) -> str:
        def show(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.4f}"

        return "\n".join(
            [
                f"Entries: {self.entries}",
                f"Successes: {self.successes}",
                f"Success rate: {self.success_rate:.1%}",
                f"Average likeness: {show(self.average_likeness)}",
                f"Median likeness: {show(self.median_likeness)}",
                f"(gate: likeness ≥ {self.gate.min_likeness:.2f}, "
                f"dropped run ≤ {self.gate.max_removed_run} words)",
            ]
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def summarize(results: Sequence[FileResult], gate: Gate) -> Summary:
    """Entries are all files handled; a success passed the gate (and, when it was to be
    written, was); likeness statistics cover those that produced text."""
    scores = [r.likeness for r in results if r.likeness is not None]
    return Summary(
        entries=len(results),
        successes=sum(1 for r in results if r.passed and not r.write_failed),
        average_likeness=statistics.fmean(scores) if scores else None,
        median_likeness=statistics.median(scores) if scores else None,
        files=tuple(results),
        gate=gate,
    )
