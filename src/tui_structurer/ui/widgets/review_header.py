"""The review's header: the file, where it stands, and the attempt on screen."""

from __future__ import annotations

import time
from pathlib import Path

from rich.markup import escape

from tui_structurer.library import Status
from tui_structurer.processing.review import DecisionInfo, ReviewItem
from tui_structurer.ui.widgets.attempt_history import CANDIDATE, is_edit


def shown_path(path: str, root: Path) -> str:
    """An output path as the person knows it: relative to the folder when inside it."""
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def when(timestamp: float) -> str:
    return time.strftime("%d %b %H:%M", time.localtime(timestamp))


def decision_text(
    status: Status, decision: DecisionInfo | None, root: Path, outputs: tuple[str, ...] = ()
) -> str:
    """Where the file stands, with the decision that put it there and what is on disk
    (or, while it waits, what accepting will write)."""
    if decision is None:
        if status != Status.REVIEW:
            return str(status)
        writes = f" · accepting writes {escape(', '.join(outputs))}" if outputs else ""
        return f"awaiting review{writes}"
    output = shown_path(decision.output_path, root) if decision.output_path else None
    if decision.decision == Status.ACCEPTED:
        said = f"accepted {when(decision.decided_at)} → {escape(output or '?')}"
    else:
        kept = f"; {escape(output)} from an earlier accept is still on disk" if output else ""
        said = f"rejected {when(decision.decided_at)}{kept}"
    if status in (Status.ACCEPTED, Status.REJECTED):
        return f"[reverse] {status.upper()} [/reverse] {said}"
    return f"{status} (earlier {said})"


def attempt_text(item: ReviewItem) -> str:
    """Two lines (three when it failed the gate): which attempt, its counts, the verdict."""
    attempt = item.attempt
    number = next((n for n, a in enumerate(item.history, 1) if a.id == attempt.id), 0)
    if is_edit(attempt):
        what = "your edit"
    else:
        what = f"{escape(attempt.model)} · {escape(attempt.prompt)} · {attempt.mode}"
    verdict = "passed the gate" if attempt.passed else "[b]failed the gate[/b]"
    before_repair = "before repair: " if attempt.mode == "repair" and not is_edit(attempt) else ""
    lines = [
        f"attempt {number} of {len(item.history)}: {what} · {verdict}",
        f"{before_repair}likeness {attempt.raw_likeness:.3f} · added {attempt.added} · "
        f"removed {attempt.removed} · replaced {attempt.replaced} · longest removed run "
        f"{attempt.longest_removed_run}",
    ]
    if not attempt.passed and attempt.gate_reasons:
        lines.append("[b]why:[/b] " + escape("; ".join(attempt.gate_reasons)))
    return "\n".join(lines)


def header_text(item: ReviewItem, root: Path) -> str:
    record = item.record
    lines = [
        f"[b]{escape(record.path)}[/b] · {record.words or 0} words · "
        + decision_text(record.status, item.decision, root, item.outputs),
        attempt_text(item),
    ]
    if item.attempt.id != record.candidate_attempt:
        lines.append(
            f"[i]Not the candidate ({CANDIDATE}): a accepts this one, u makes it the candidate[/i]"
        )
    # How the source was read (an encoding guessed, say): decide with it in view.
    lines.extend(f"[b]source:[/b] {escape(warning)}" for warning in record.warnings)
    return "\n".join(lines)
