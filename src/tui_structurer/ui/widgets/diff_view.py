"""Source and structured text side by side, always showing the same passage.

One controller drives both panes. Whichever pane moves (keys, wheel, scrollbar) leads;
the other is scrolled to the line that holds the same word, through the diff's
word-index map. Percentages are never used: the two sides wrap and break differently.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal

from tui_structurer.text.review_diff import Change, ReviewDiff
from tui_structurer.ui.widgets.diff_pane import DiffPane


class DiffView(Horizontal):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.diff: ReviewDiff | None = None
        self.change_index = -1
        self._syncing = False
        self._leader = "output"
        self._anchor = 0
        """The top word of the pane that last led, kept across re-wrapping."""

    def compose(self) -> ComposeResult:
        yield DiffPane("source", id="source-pane")
        yield DiffPane("structured", id="output-pane")

    @property
    def source(self) -> DiffPane:
        return self.query_one("#source-pane", DiffPane)

    @property
    def output(self) -> DiffPane:
        return self.query_one("#output-pane", DiffPane)

    def on_mount(self) -> None:
        self.watch(self.source, "scroll_y", self._source_moved, init=False)
        self.watch(self.output, "scroll_y", self._output_moved, init=False)

    def _source_moved(self) -> None:
        self._moved(self.source)

    def _output_moved(self) -> None:
        self._moved(self.output)

    # -- keeping the panes together ------------------------------------------------------

    def _other(self, pane: DiffPane) -> DiffPane:
        return self.output if pane is self.source else self.source

    def _map(self, pane: DiffPane, word: int) -> int:
        """Word ``word`` of ``pane`` as a word of the other pane."""
        if self.diff is None:
            return 0
        mapping = self.diff.source_to_output if pane is self.source else self.diff.output_to_source
        return mapping[word] if 0 <= word < len(mapping) else 0

    def _moved(self, pane: DiffPane) -> None:
        if self._syncing or pane.relaying or self.diff is None:
            return
        self._leader = "source" if pane is self.source else "output"
        self._anchor = pane.top_word()
        self._follow(pane)

    def _follow(self, leader: DiffPane) -> None:
        follower = self._other(leader)
        self._syncing = True
        try:
            follower.scroll_to_line(follower.line_of(self._map(leader, leader.top_word())))
        finally:
            self._syncing = False

    @on(DiffPane.Relaid)
    def relaid(self) -> None:
        """After re-wrapping, the pane that led shows its top word again at the top."""
        leader = self.source if self._leader == "source" else self.output
        self._syncing = True
        try:
            leader.scroll_to_line(leader.line_of(self._anchor))
        finally:
            self._syncing = False
        self._follow(leader)

    # -- moving --------------------------------------------------------------------------

    @property
    def key_leader(self) -> DiffPane:
        """Keys move the pane with more lines: a page of it is less text than a page of
        the other, so neither pane ever skips a line."""
        return self.source if self.source.line_count > self.output.line_count else self.output

    def _lead(self, pane: DiffPane, line: int) -> None:
        """Put ``line`` of ``pane`` at the top and bring the other pane along (also when
        ``pane`` was already there, having followed the other one)."""
        pane.scroll_to_line(line)
        self._moved(pane)

    def scroll_lines(self, lines: int) -> None:
        pane = self.key_leader
        self._lead(pane, max(0, min(pane.top_line + lines, max(pane.top_line, pane.last_top))))

    def page(self, direction: int) -> None:
        self.scroll_lines(direction * max(1, self.key_leader.page_height - 1))

    def home(self) -> None:
        self._lead(self.key_leader, 0)

    def end(self) -> None:
        self._lead(self.key_leader, self.key_leader.last_top)

    # -- content and changes ---------------------------------------------------------------

    def show(self, diff: ReviewDiff) -> None:
        self.diff = diff
        self.change_index = -1
        self._anchor = 0
        self._syncing = True
        try:
            self.source.show(diff.source)
            self.output.show(diff.output)
        finally:
            self._syncing = False

    @staticmethod
    def _span(start: int, end: int, size: int) -> tuple[int, int]:
        """A change's words on one side; an empty span marks the word next to it."""
        start = min(start, max(0, size - 1))
        return start, max(end, start + 1)

    def _mark(self, change: Change | None) -> None:
        if change is None or self.diff is None:
            self.source.mark(None)
            self.output.mark(None)
            return
        self.source.mark(self._span(change.source_start, change.source_end, len(self.diff.source)))
        self.output.mark(self._span(change.output_start, change.output_end, len(self.diff.output)))

    def step_change(self, delta: int) -> int | None:
        """Move to the next/previous change; returns its number, or None if there are none."""
        if self.diff is None or not self.diff.changes:
            return None
        count = len(self.diff.changes)
        self.change_index = (
            (self.change_index + delta) % count
            if self.change_index >= 0
            else (0 if delta > 0 else count - 1)
        )
        change = self.diff.changes[self.change_index]
        self._mark(change)
        source_word = self._span(change.source_start, change.source_end, len(self.diff.source))[0]
        output_word = self._span(change.output_start, change.output_end, len(self.diff.output))[0]
        # The change goes a few lines below the top of the output pane, with context above
        # it, and the source follows; if that leaves it below the source pane (the end of
        # a text that wraps much shorter on the right), the source leads instead.
        for pane, word in ((self.output, output_word), (self.source, source_word)):
            context = min(3, pane.page_height // 4)
            self._lead(pane, max(0, min(pane.line_of(word) - context, pane.last_top)))
            if source_word in self.source.visible_words() and (
                output_word in self.output.visible_words()
            ):
                break
        return self.change_index
