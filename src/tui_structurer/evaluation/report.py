"""The eval results as text for a terminal and as one JSON object."""

from __future__ import annotations

from typing import Any

from tui_structurer.evaluation.metrics import MARK_CLASSES, histogram
from tui_structurer.evaluation.runner import RunResult

BAR_WIDTH = 24


def as_json(runs: list[RunResult], warnings: list[str]) -> dict[str, Any]:
    return {"runs": [run.as_dict() for run in runs], "warnings": warnings}


def _label(run: RunResult) -> str:
    return f"{run.step.model} · {run.step.prompt} · {run.step.mode}"


def _block(run: RunResult) -> list[str]:
    d = run.as_dict()
    n = d["entries"]
    lines = [
        f"{_label(run)}   ({n} files, {d['seconds']:.1f} s)",
        f"  success      ≥ 0.90: {d['successes_90']}/{n} ({d['success_rate_90']:.0%})"
        f"   ≥ 0.95: {d['successes_95']}/{n} ({d['success_rate_95']:.0%})",
        f"  likeness     average {d['average_likeness']:.3f}   median {d['median_likeness']:.3f}"
        "   (output vs reference, words)",
    ]
    bins = histogram([e.likeness for e in run.entries])
    most = max(bins.values()) or 1
    for label, count in bins.items():
        bar = "█" * round(BAR_WIDTH * count / most)
        lines.append(f"    {label:>11} {bar:<{BAR_WIDTH}} {count}")
    lines.append(
        f"  words        removed {d['words_removed']}   added {d['words_added']}"
        f"   replaced {d['words_replaced']}   (model output vs source)"
    )
    lines.append("  punctuation  precision  recall     F1")
    for kind in MARK_CLASSES:
        p = d["punct"][kind]
        lines.append(f"    {kind:<10} {p['precision']:>9.2f} {p['recall']:>7.2f} {p['f1']:>6.2f}")
    lines.append(
        f"    {'pooled':<10} {d['punct_precision']:>9.2f} {d['punct_recall']:>7.2f}"
        f" {d['punct_f1']:>6.2f}"
    )
    lines.append(
        f"  paragraphs   F1 {d['para_f1']:.2f}   Pk {d['para_pk']:.2f}"
        f"   WindowDiff {d['para_windowdiff']:.2f}   (0 is perfect)"
    )
    lines.append(
        f"  capitals     right {d['capitalization_accuracy']:.1%}   F1 {d['capitals_f1']:.2f}"
        "   (a word starting with a capital)"
    )
    lines.append(
        f"  speed        {d['words_per_second']:.1f} words/s   "
        f"{d['decode_tokens_per_second']:.1f} decode tokens/s"
    )
    punctuated = [f for f in d["files"] if f["source_punctuation_per_100_words"] >= 1]
    if punctuated:  # sources that came with punctuation of their own say how much
        lines.append(
            "  sources      already punctuated (marks per 100 words): "
            + ", ".join(f"{f['file']} {f['source_punctuation_per_100_words']}" for f in punctuated)
        )
    lines.extend(f"  note         {note}" for note in d["notes"])
    lines.extend(f"  FAILED       {f['file']}: {f['reason']}" for f in d["failed"])
    return lines


def as_text(runs: list[RunResult], warnings: list[str]) -> str:
    lines: list[str] = [f"warning: {w}" for w in warnings]
    for run in runs:
        if lines:
            lines.append("")
        lines.extend(_block(run))
    if len(runs) > 1:
        width = max(len(_label(run)) for run in runs)
        lines += ["", f"{'run':<{width}}  ok@.95  likeness  punct F1  para F1  words/s"]
        for run in runs:
            d = run.as_dict()
            lines.append(
                f"{_label(run):<{width}}  {d['success_rate_95']:>6.0%}"
                f"  {d['average_likeness']:>8.3f}  {d['punct_f1']:>8.2f}"
                f"  {d['para_f1']:>7.2f}  {d['words_per_second']:>7.1f}"
            )
    return "\n".join(lines)
