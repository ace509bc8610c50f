"""Review one transcript: source | structured, word-level diff, one key per decision."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui_structurer.processing.review import ReviewItem
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui.messages import ReviewLoaded
from tui_structurer.ui.screens.prompt_picker import PromptPicker
from tui_structurer.ui.widgets.diff_view import DiffView

DecisionAction = Literal["accept", "reject", "rerun", "next", "previous", "close"]


@dataclass(frozen=True, slots=True)
class Decision:
    action: DecisionAction
    transcript_id: int
    prompt: str | None = None
    """The fallback prompt, for ``rerun``."""


def header_text(item: ReviewItem) -> str:
    attempt = item.attempt
    verdict = (
        "passed the gate"
        if attempt.passed
        else "FAILED the gate: " + "; ".join(attempt.gate_reasons)
    )
    return (
        f"[b]{item.record.path}[/b]  ·  {item.record.words or 0} words  ·  {verdict}\n"
        f"likeness {attempt.raw_likeness:.3f}   added {attempt.added}   removed "
        f"{attempt.removed}   replaced {attempt.replaced}   longest removed run "
        f"{attempt.longest_removed_run}   (model output before repair)"
    )


class ReviewScreen(Screen[Decision]):
    """Returns the reviewer's decision through ``dismiss``."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('accept')", "Accept", id="accept",
                tooltip="Write the structured text to the output folder"),
        Binding("r", "decide('reject')", "Reject", id="reject",
                tooltip="Record a rejection; nothing is written"),
        Binding("f", "fallback", "Rerun fallback", id="rerun-fallback",
                tooltip="Run this file again next, with a fallback prompt"),
        Binding("e", "edit", "Edit", id="edit",
                tooltip="Edit the structured text in $EDITOR; it is re-scored on return"),
        Binding("n", "decide('next')", "Next", id="next-review",
                tooltip="Next file awaiting review"),
        Binding("p", "decide('previous')", "Previous", id="previous-review",
                tooltip="Previous file awaiting review"),
        Binding("right_square_bracket", "change(1)", "Next change", key_display="]",
                id="next-change", tooltip="Jump to the next place the model changed words"),
        Binding("left_square_bracket", "change(-1)", "Prev change", key_display="[",
                id="previous-change", tooltip="Jump to the previous change"),
        Binding("escape", "decide('close')", "Back", id="back", tooltip="Back to the queue"),
    ]  # fmt: skip

    def __init__(self, session: ReviewSession, item: ReviewItem) -> None:
        super().__init__()
        self.session = session
        self.item = item

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield DataTable(id="history", cursor_type="none", show_cursor=False)
        yield DiffView(id="diff")
        yield Footer()

    def on_mount(self) -> None:
        history = self.query_one("#history", DataTable)
        for column in ("#", "model", "prompt", "mode", "likeness", "tok/s", "gate"):
            history.add_column(column, key=column)
        self.show_item(self.item)

    def show_item(self, item: ReviewItem) -> None:
        self.item = item
        self.query_one("#review-header", Static).update(header_text(item))
        history = self.query_one("#history", DataTable)
        history.clear()
        for number, attempt in enumerate(item.history, start=1):
            chosen = "▶" if attempt.id == item.attempt.id else str(number)
            history.add_row(
                chosen, attempt.model, attempt.prompt, attempt.mode,
                f"{attempt.raw_likeness:.3f}", f"{attempt.decode_tps:.1f}",
                "pass" if attempt.passed else "fail",
            )  # fmt: skip
        self.query_one(DiffView).show(item.diff)
        self.refresh_bindings()
        if item.attempt.note:  # e.g. a server that could not run strict mode
            self.notify(item.attempt.note, title="About this attempt", severity="warning")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "fallback" and not self.session.fallback_prompts():
            return None
        if action == "change" and not self.item.diff.changes:
            return None
        return True

    def action_decide(self, action: DecisionAction) -> None:
        self.dismiss(Decision(action, self.item.record.id))

    def action_change(self, delta: int) -> None:
        number = self.query_one(DiffView).step_change(delta)
        if number is not None:
            total = len(self.item.diff.changes)
            self.notify(f"Change {number + 1} of {total}", timeout=1.5)

    def action_fallback(self) -> None:
        prompts = self.session.fallback_prompts()
        if len(prompts) == 1:
            self.dismiss(Decision("rerun", self.item.record.id, prompts[0]))
            return
        descriptions = {name: self.session.config.prompts[name].description for name in prompts}

        def chosen(prompt: str | None) -> None:
            if prompt:
                self.dismiss(Decision("rerun", self.item.record.id, prompt))

        self.app.push_screen(PromptPicker(descriptions), chosen)

    def action_edit(self) -> None:
        text = self.item.attempt.final_output
        with tempfile.NamedTemporaryFile(
            "w", suffix=".md", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(text)
        path = Path(handle.name)
        editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
        try:
            try:
                with self.app.suspend():
                    subprocess.run([*editor, str(path)], check=False)
            except SuspendNotSupported:  # headless (tests): nothing to hand the terminal to
                subprocess.run([*editor, str(path)], check=False, capture_output=True)
            edited = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not run the editor: {exc}", severity="error")
            return
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
        if edited.strip() == text.strip():
            self.notify("No changes")
            return
        self.save_edit(edited)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-edit")
    def save_edit(self, edited: str) -> None:
        record_id = self.item.record.id
        self.session.record_edit(record_id, self.item.source_text, edited)
        self.post_message(ReviewLoaded(self.session.review_item(record_id)))

    @on(ReviewLoaded)
    def reload(self, message: ReviewLoaded) -> None:
        self.show_item(message.item)
        self.notify(f"Edit saved and scored: likeness {message.item.attempt.raw_likeness:.3f}")
