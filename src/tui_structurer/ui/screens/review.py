"""Review transcripts one after another: source | structured, one key per decision.

One screen serves a whole sitting. A decision or a move replaces the file on it in
place (the queue never shows in between), and the keys that act on a file are off from
the moment one is pressed until the next file is drawn: a key can only ever act on the
file, and the attempt, that the person sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from tui_structurer.library import Status, TranscriptRecord
from tui_structurer.processing.review import ReviewItem, preferred
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui.external_editor import edit_text
from tui_structurer.ui.messages import RecordsChanged
from tui_structurer.ui.review_decisions import (
    Decision,
    DecisionAction,
    carry_out,
    confirmation,
)
from tui_structurer.ui.screens.choice import ChoiceDialog
from tui_structurer.ui.screens.prompt_picker import PromptPicker
from tui_structurer.ui.widgets.attempt_history import AttemptHistory
from tui_structurer.ui.widgets.diff_view import DiffView
from tui_structurer.ui.widgets.fitting_footer import FittingFooter
from tui_structurer.ui.widgets.review_header import header_text

ReviewOrder = Callable[[int, int], int | None]
"""(file on screen, +1 or -1) -> the next or previous file awaiting review, or None."""
FILE_ACTIONS = frozenset(
    {"accept", "reject", "fallback", "edit", "move", "change", "attempt", "use_attempt"}
)
"""Actions on the file on screen: off while none is drawn."""
_CHANGE = Binding.Group("Change", compact=True)
_FILE = Binding.Group("File", compact=True)
_ATTEMPT = Binding.Group("Attempt", compact=True)


class ReviewScreen(Screen[int | None]):
    """Returns the id of the last file shown, for the queue to select."""

    CSS_PATH = "review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "Accept", id="accept",
                tooltip="Write the attempt on screen to the output folder"),
        Binding("r", "reject", "Reject", id="reject",
                tooltip="Record a rejection; nothing is written"),
        Binding("f", "fallback", "Rerun", id="rerun-fallback",
                tooltip="Run this file again next, with a fallback prompt"),
        Binding("e", "edit", "Edit", id="edit",
                tooltip="Edit the structured text in $EDITOR; it is re-scored on return"),
        Binding("n", "move(1)", "Next", id="next-review", group=_FILE,
                tooltip="Next file awaiting review"),
        Binding("p", "move(-1)", "Previous", id="previous-review", group=_FILE,
                tooltip="Previous file awaiting review"),
        Binding("left_square_bracket", "change(-1)", "Previous change", key_display="[",
                group=_CHANGE, id="previous-change", tooltip="Jump to the previous change"),
        Binding("right_square_bracket", "change(1)", "Next change", key_display="]",
                group=_CHANGE, id="next-change",
                tooltip="Jump to the next place the model changed words"),
        Binding("less_than_sign", "attempt(-1)", "Previous attempt", key_display="<",
                group=_ATTEMPT, id="previous-attempt", tooltip="Show the previous attempt"),
        Binding("greater_than_sign", "attempt(1)", "Next attempt", key_display=">",
                group=_ATTEMPT, id="next-attempt",
                tooltip="Show the next attempt of this file (a accepts what is shown)"),
        Binding("u", "use_attempt", "Use", id="use-attempt", show=False,
                tooltip="Make the attempt on screen this file's candidate, without deciding"),
        Binding("escape", "back", "Back", id="back", tooltip="Back to the queue"),
        Binding("down", "scroll(1)", "Down", show=False, id="line-down",
                tooltip="Scroll both texts down a line"),
        Binding("up", "scroll(-1)", "Up", show=False, id="line-up",
                tooltip="Scroll both texts up a line"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="page-down",
                tooltip="Scroll both texts down a page"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page-up",
                tooltip="Scroll both texts up a page"),
        Binding("home", "home", "Start", show=False, id="text-start",
                tooltip="Go to the start of the texts"),
        Binding("end", "end", "End", show=False, id="text-end",
                tooltip="Go to the end of the texts"),
    ]  # fmt: skip

    class Loaded(Message, bubble=False):
        def __init__(self, item: ReviewItem, note: str = "") -> None:
            super().__init__()
            self.item = item
            self.note = note

    class Failed(Message, bubble=False):
        """Loading or a decision failed; the person stays on the file on screen."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class Decided(Message, bubble=False):
        def __init__(self, note: str, next_id: int | None) -> None:
            super().__init__()
            self.note = note
            self.next_id = next_id

    def __init__(self, session: ReviewSession, transcript_id: int, order: ReviewOrder) -> None:
        super().__init__()
        self.session = session
        self.order = order
        self.transcript_id = transcript_id
        self.item: ReviewItem | None = None
        self.busy = True
        self._items: dict[int, ReviewItem] = {}
        """Diffs of the attempts of the file on screen already computed, by attempt id."""

    def compose(self) -> ComposeResult:
        yield Static(id="review-header")
        yield AttemptHistory(id="history")
        yield DiffView(id="diff")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.load(self.transcript_id)

    def on_resize(self) -> None:
        """A short terminal keeps three attempt rows, so the texts keep most of it."""
        self.query_one(AttemptHistory).styles.max_height = 4 if self.size.height < 30 else 6

    # -- loading -------------------------------------------------------------------------

    def load(self, transcript_id: int, attempt_id: int | None = None) -> None:
        self._set_busy()
        self._load(transcript_id, attempt_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-load")
    def _load(self, transcript_id: int, attempt_id: int | None) -> None:
        try:
            item = self.session.review_item(transcript_id, attempt_id)
            if attempt_id is None:
                best = preferred(item.history, item.attempt)
                if best.id != item.attempt.id:
                    item = self.session.review_item(transcript_id, best.id)
        except Exception as exc:  # unreadable source, state store error: said, not fatal
            self.post_message(self.Failed(f"Cannot open the review: {exc}"))
            return
        self.post_message(self.Loaded(item))

    @on(Loaded)
    def loaded(self, message: Loaded) -> None:
        self.show_item(message.item)
        if message.note:
            self.notify(message.note, timeout=3)

    @on(Failed)
    def failed(self, message: Failed) -> None:
        self.notify(message.message, severity="error", timeout=10)
        if self.item is None:
            self.dismiss(None)
        else:
            self._ready()

    def show_item(self, item: ReviewItem) -> None:
        if self.item is None or item.record != self.item.record:
            self._items.clear()  # another file, or its candidate or status changed
        self._items[item.attempt.id] = item
        self.item = item
        self.transcript_id = item.record.id
        root = self.session.folder.root
        self.query_one("#review-header", Static).update(header_text(item, root))
        self.query_one(AttemptHistory).show(
            item.history, item.record.candidate_attempt or 0, item.attempt.id
        )
        self.query_one(DiffView).show(item.diff)
        if item.attempt.note:  # e.g. a server that could not run strict mode
            self.notify(item.attempt.note, title="About this attempt", severity="warning")
        self.call_after_refresh(self._ready)  # keys act once the file is on screen

    def _set_busy(self) -> None:
        self.busy = True
        self.query_one(DiffView).loading = True
        self.refresh_bindings()

    def _ready(self) -> None:
        self.busy = False
        self.query_one(DiffView).loading = False
        self.refresh_bindings()

    # -- which keys apply ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in FILE_ACTIONS:
            return True
        item = self.item
        if self.busy or item is None:
            return None
        if action == "fallback" and not self.session.fallback_prompts():
            return None
        if action == "change" and not item.diff.changes:
            return None
        if action == "attempt" and len(item.history) < 2:
            return False  # most files have one attempt: the footer's room goes elsewhere
        if action == "use_attempt" and item.attempt.id == item.record.candidate_attempt:
            return None
        return True

    # -- decisions -----------------------------------------------------------------------

    def _decide(self, decision: Decision) -> None:
        """Carry out ``decision`` on the file on screen, then show the next file."""
        next_id = self.order(decision.transcript_id, 1)  # before the decision moves it
        self._set_busy()
        self._apply(decision, next_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-decide")
    def _apply(self, decision: Decision, next_id: int | None) -> None:
        try:
            note = carry_out(self.session, decision)
        except Exception as exc:  # disk full, output folder gone: stay on the file
            self.post_message(self.Failed(f"{decision.action.capitalize()} failed: {exc}"))
            return
        self._changed(self.session.folder.library.get(decision.transcript_id))
        self.post_message(self.Decided(note, next_id))

    def _changed(self, record: TranscriptRecord) -> None:
        """Tell the queue about a row that changed (from a worker)."""
        self.app.post_message(RecordsChanged([record]))

    @on(Decided)
    def decided(self, message: Decided) -> None:
        self.notify(message.note, timeout=3)
        if message.next_id is None:
            self.notify("Nothing else is waiting for review", timeout=3)
            self.dismiss(self.transcript_id)
        else:
            self.load(message.next_id)

    def _ask_then_decide(self, decision: Decision) -> None:
        """Decide at once, or after the person confirms a change of an earlier decision."""
        assert self.item is not None
        question = confirmation(self.item, decision, self.session.folder.root)
        if question is None:
            self._decide(decision)
            return
        text, answers = question

        def answered(value: str | None) -> None:
            if value and self.item is not None and not self.busy:
                self._decide(decision.answered(value))

        self.app.push_screen(ChoiceDialog(text, answers), answered)

    def _decision(self, action: DecisionAction, prompt: str | None = None) -> Decision:
        assert self.item is not None
        return Decision(action, self.item.record.id, self.item.attempt.id, prompt)

    def action_accept(self) -> None:
        self._ask_then_decide(self._decision("accept"))

    def action_reject(self) -> None:
        assert self.item is not None
        if self.item.record.status == Status.REJECTED and not (
            self.item.decision and self.item.decision.output_on_disk
        ):
            self.notify("Already rejected", timeout=2)
            return
        self._ask_then_decide(self._decision("reject"))

    def action_fallback(self) -> None:
        prompts = self.session.fallback_prompts()
        if len(prompts) == 1:
            self._ask_then_decide(self._decision("rerun", prompts[0]))
            return
        config = self.session.config
        choices = {
            name: (self.session.rerun_mode(name), config.prompts[name].description)
            for name in prompts
        }

        def chosen(prompt: str | None) -> None:
            if prompt and not self.busy:
                self._ask_then_decide(self._decision("rerun", prompt))

        self.app.push_screen(PromptPicker(choices), chosen)

    # -- moving --------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        target = self.order(self.transcript_id, step)
        if target is None:
            self.notify("Nothing else is waiting for review", timeout=3)
            return
        self.load(target)

    def action_back(self) -> None:
        self.dismiss(self.transcript_id)

    def action_change(self, delta: int) -> None:
        assert self.item is not None
        number = self.query_one(DiffView).step_change(delta)
        if number is not None:
            self.notify(f"Change {number + 1} of {len(self.item.diff.changes)}", timeout=1.5)

    def action_attempt(self, delta: int) -> None:
        assert self.item is not None
        target = self.query_one(AttemptHistory).step(self.item.attempt.id, delta)
        if target is None:
            self.app.bell()
        elif target.id in self._items:
            self.show_item(self._items[target.id])
        else:
            self.load(self.item.record.id, target.id)

    def action_use_attempt(self) -> None:
        assert self.item is not None
        self._set_busy()
        self._use(self.item.record.id, self.item.attempt.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-decide")
    def _use(self, transcript_id: int, attempt_id: int) -> None:
        try:
            self.session.choose_attempt(transcript_id, attempt_id)
            item = self.session.review_item(transcript_id, attempt_id)
        except Exception as exc:  # the state store could not be written: stay
            self.post_message(self.Failed(f"Could not use this attempt: {exc}"))
            return
        self._changed(item.record)
        self.post_message(self.Loaded(item, "This attempt is now the file's candidate"))

    def action_scroll(self, lines: int) -> None:
        self.query_one(DiffView).scroll_lines(lines)

    def action_page(self, direction: int) -> None:
        self.query_one(DiffView).page(direction)

    def action_home(self) -> None:
        self.query_one(DiffView).home()

    def action_end(self) -> None:
        self.query_one(DiffView).end()

    # -- editing -------------------------------------------------------------------------

    def action_edit(self) -> None:
        assert self.item is not None
        text = self.item.attempt.final_output
        try:
            edited = edit_text(self.app, text)
        except OSError as exc:
            self.notify(f"Could not run the editor: {exc}", severity="error")
            return
        if edited.strip() == text.strip():
            self.notify("No changes")
            return
        self._set_busy()
        self._save_edit(self.item.record.id, self.item.source_text, edited)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-decide")
    def _save_edit(self, transcript_id: int, source: str, edited: str) -> None:
        try:
            attempt = self.session.record_edit(transcript_id, source, edited)
            item = self.session.review_item(transcript_id, attempt.id)
        except Exception as exc:  # the state store could not be written: stay
            self.post_message(self.Failed(f"Could not save the edit: {exc}"))
            return
        self._changed(item.record)
        self.post_message(
            self.Loaded(item, f"Edit saved and scored: likeness {attempt.raw_likeness:.3f}")
        )
