"""Source and structured text side by side, scrolling together."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal

from tui_structurer.text.review_diff import ReviewDiff
from tui_structurer.ui.widgets.diff_pane import DiffPane


class DiffView(Horizontal):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.diff: ReviewDiff | None = None
        self.change_index = -1
        self._syncing = False

    def compose(self) -> ComposeResult:
        yield DiffPane("source", id="source-pane")
        yield DiffPane("structured", id="output-pane")

    def on_mount(self) -> None:
        left, right = (
            self.query_one("#source-pane", DiffPane),
            self.query_one("#output-pane", DiffPane),
        )
        self.watch(left, "scroll_y", lambda _: self._follow(left, right), init=False)
        self.watch(right, "scroll_y", lambda _: self._follow(right, left), init=False)

    def _follow(self, leader: DiffPane, follower: DiffPane) -> None:
        """Keep the panes at the same relative position; the texts are near-copies."""
        if self._syncing:
            return
        self._syncing = True
        try:
            fraction = leader.scroll_y / leader.max_scroll_y if leader.max_scroll_y else 0.0
            follower.scroll_to(y=fraction * follower.max_scroll_y, animate=False)
        finally:
            self._syncing = False

    def show(self, diff: ReviewDiff) -> None:
        self.diff = diff
        self.change_index = -1
        self._redraw()

    def _redraw(self) -> None:
        assert self.diff is not None
        left, right = (
            self.query_one("#source-pane", DiffPane),
            self.query_one("#output-pane", DiffPane),
        )
        change = self.diff.changes[self.change_index] if self.change_index >= 0 else None
        left.show(
            self.diff.source,
            None if change is None else (change.source_word, change.source_word + change.size),
        )
        right.show(
            self.diff.output,
            None if change is None else (change.output_word, change.output_word + change.size),
        )

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
        self._redraw()
        change = self.diff.changes[self.change_index]
        self._syncing = True
        try:
            self.query_one("#source-pane", DiffPane).scroll_to_word(change.source_word)
            self.query_one("#output-pane", DiffPane).scroll_to_word(change.output_word)
        finally:
            self._syncing = False
        return self.change_index
