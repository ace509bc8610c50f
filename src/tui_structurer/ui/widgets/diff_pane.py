"""One side of the review diff: prose with word-level highlighting from the theme.

A Line API widget: it wraps its words itself (``diff_layout``) so it knows the line of
every word, which is what lets the two panes scroll by words instead of by percentage.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_structurer.text.review_diff import DiffWord
from tui_structurer.ui.widgets.diff_layout import lay_out

STYLES = ("removed", "replaced", "added", "unmatched", "mark", "case", "paragraph", "joined")
WHEEL_LINES = 3


class DiffPane(ScrollView, can_focus=False):
    """Word kinds map to component classes, so themes (``$diff-*``) decide the colours.

    The pane can scroll one page past its last line, so that it can always show the same
    passage as the other pane at the top, however much shorter its text wraps. It takes
    no focus: the review screen's keys move both panes through their controller.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"diff--{name}" for name in STYLES} | {"diff--current"}

    class Relaid(Message):
        """The pane's width changed and its lines were wrapped again."""

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = title
        self.words: tuple[DiffWord, ...] = ()
        self.current: tuple[int, int] | None = None
        self.lines_layout = lay_out((), 1)
        self._width = 0
        self._strips: dict[int, Strip] = {}
        self.relaying = False
        """True while the lines are re-wrapped: scroll changes then are not the person's."""

    # -- content -----------------------------------------------------------------------

    def show(self, words: tuple[DiffWord, ...], current: tuple[int, int] | None = None) -> None:
        """Draw ``words``; ``current`` is a (start, end) word span to mark."""
        self.words, self.current = words, current
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)

    def mark(self, current: tuple[int, int] | None) -> None:
        self.current = current
        self._strips.clear()
        self.refresh()

    def _relayout(self) -> None:
        self.relaying = True
        try:
            self._width = self.scrollable_content_region.width
            # Not laid out yet (no width): wait for the first resize rather than wrap
            # every character on a line of its own.
            self.lines_layout = lay_out(self.words if self._width > 0 else (), self._width)
            self._strips.clear()
            self._size_virtually()
        finally:
            self.relaying = False
        self._show_position()
        self.refresh()

    def _size_virtually(self) -> None:
        self.virtual_size = Size(self._width, self.line_count + self.page_height - 1)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._width:
            self._relayout()
            self.post_message(self.Relaid())
        else:
            self._size_virtually()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # the theme changed: the cached lines have old colours

    # -- where words are -------------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    @property
    def line_count(self) -> int:
        return len(self.lines_layout.lines)

    @property
    def last_top(self) -> int:
        """The top line that shows the end of the text at the bottom of the pane."""
        return max(0, self.line_count - self.page_height)

    @property
    def top_line(self) -> int:
        return round(self.scroll_y)

    def top_word(self) -> int:
        """The first word that starts on or below the top line."""
        lines = self.lines_layout.line_word
        return lines[min(self.top_line, len(lines) - 1)] if lines else 0

    def line_of(self, word: int) -> int:
        lines = self.lines_layout.word_line
        return lines[max(0, min(word, len(lines) - 1))] if lines else 0

    def visible_words(self) -> range:
        """The words that start on a line now on screen."""
        if not self.lines_layout.word_line:
            return range(0)
        first = self.top_word()
        bottom = self.top_line + self.page_height
        starts, last = self.lines_layout.word_line, first
        while last < len(starts) and starts[last] < bottom:
            last += 1
        return range(first, last)

    def scroll_to_line(self, line: int) -> None:
        self.scroll_to(y=max(0, line), animate=False, immediate=True)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._show_position()

    def _show_position(self) -> None:
        """How far into the text the top of the pane is, in the border."""
        if self.line_count <= self.page_height:
            self.border_subtitle = ""
        else:
            done = min(self.top_line, self.last_top) / self.last_top
            self.border_subtitle = "end" if done >= 1 else f"{done:.0%}"

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line = self.top_line + y
        strip = self._strips.get(line)
        if strip is None:
            strip = self._draw_line(line)
            self._strips[line] = strip
        return strip

    def _draw_line(self, line: int) -> Strip:
        base = self.rich_style
        width = self.scrollable_content_region.width
        if line >= len(self.lines_layout.lines):
            return Strip.blank(width, base)
        # Full styles: "auto" colours ($text) are only resolved against a background.
        styles = {name: self.get_component_rich_style(f"diff--{name}") for name in STYLES}
        current_style = self.get_component_rich_style("diff--current", partial=True)
        start, end = self.current or (0, 0)
        segments = []
        for piece in self.lines_layout.lines[line]:
            style = base + styles.get(piece.style, Style())
            inside = start <= piece.word < end
            if inside and (not piece.joiner or start <= piece.word - 1):
                style += current_style
            segments.append(Segment(piece.text, style))
        return Strip(segments).adjust_cell_length(width, base)

    # -- the wheel: the pane the pointer is over leads --------------------------------

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, WHEEL_LINES)

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, -WHEEL_LINES)

    def _wheel(self, event: events.MouseEvent, lines: int) -> None:
        """Scroll within the text, never into the blank page after it."""
        event.stop()
        event.prevent_default()
        self.scroll_to_line(max(0, min(self.top_line + lines, max(self.top_line, self.last_top))))
