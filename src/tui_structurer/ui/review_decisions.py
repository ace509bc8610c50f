"""What a decision key does to a file, and what to ask first when it changes an earlier
decision. Carried out in a worker; no Textual here beyond the answers' wording."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.markup import escape

from tui_structurer.library import Status
from tui_structurer.processing.review import ReviewItem
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui.screens.choice import Answer
from tui_structurer.ui.widgets.review_header import shown_path, when

DecisionAction = Literal["accept", "reject", "rerun"]


@dataclass(frozen=True, slots=True)
class Decision:
    action: DecisionAction
    transcript_id: int
    attempt_id: int
    """The attempt on screen when the key was pressed: the one an accept writes."""
    prompt: str | None = None
    """The fallback prompt, for ``rerun``."""
    remove_output: bool = False
    """For ``reject``: delete the output an earlier accept wrote (else it is kept)."""

    def answered(self, value: str) -> Decision:
        """This decision with the person's answer to its confirmation."""
        return dataclasses.replace(self, remove_output=value == "remove")


def confirmation(
    item: ReviewItem, decision: Decision, root: Path
) -> tuple[str, list[Answer]] | None:
    """The question to ask before ``decision``, or None when it changes nothing decided."""
    record, earlier = item.record, item.decision
    name = f"[b]{escape(record.path)}[/b]"
    said = f"{record.status} {when(earlier.decided_at)}" if earlier else str(record.status)
    on_disk = (
        " and ".join(
            escape(shown_path(path, root))
            for path in (earlier.output_path, *earlier.further_on_disk)
        )
        if earlier and earlier.output_path and earlier.output_on_disk
        else None
    )
    decided = record.status in (Status.ACCEPTED, Status.REJECTED)
    if decision.action == "accept" and decided:
        over = f" over {on_disk}" if on_disk else ""
        return (
            f"{name} was {said}. Accept the attempt on screen and write it{over}?",
            [Answer("y", "Accept and write the output", "yes")],
        )
    if decision.action == "reject" and on_disk:
        return (
            f"{name} was accepted, which wrote {on_disk}. Reject it and:",
            [
                Answer("d", f"delete {on_disk}", "remove"),
                Answer("k", f"keep {on_disk} on disk (the state will say so)", "keep"),
            ],
        )
    if decision.action == "reject" and record.status == Status.ACCEPTED:
        return (
            f"{name} was {said}; its output is no longer on disk. Reject it?",
            [Answer("y", "Reject", "yes")],
        )
    if decision.action == "rerun" and decided:
        stays = f" {on_disk} stays on disk until you accept a new result." if on_disk else ""
        return (
            f"{name} was {said}. Run it again with {escape(decision.prompt or '?')}? "
            f"It goes back to the queue.{stays}",
            [Answer("y", "Rerun", "yes")],
        )
    return None


def carry_out(session: ReviewSession, decision: Decision) -> str:
    """Apply ``decision`` (in a worker thread); returns what to tell the person."""
    root = session.folder.root
    if decision.action == "accept":
        target = session.accept(decision.transcript_id, decision.attempt_id)
        return f"Accepted → {shown_path(str(target), root)}"
    if decision.action == "reject":
        kept = session.reject(decision.transcript_id, decision.remove_output)
        if kept is not None:
            return f"Rejected; {shown_path(str(kept), root)} kept on disk"
        return "Rejected; its output was deleted" if decision.remove_output else "Rejected"
    assert decision.prompt is not None
    session.rerun(decision.transcript_id, decision.prompt)
    mode = session.rerun_mode(decision.prompt)
    return f"Queued next with prompt {decision.prompt} ({mode} mode)"
