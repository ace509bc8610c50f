"""One side of the review diff: prose with word-level highlighting from the theme."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_structurer.text.review_diff import DiffWord


class DiffPane(VerticalScroll):
    """Word kinds map to component classes, so themes (``$diff-*``) decide the colours."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "diff--styled",
        "diff--removed",
        "diff--replaced",
        "diff--added",
        "diff--unmatched",
        "diff--current",
    }

    def __init__(self, title: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.border_title = title
        self.words: tuple[DiffWord, ...] = ()
        self.current: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="diff-text")

    def show(self, words: tuple[DiffWord, ...], current: tuple[int, int] | None = None) -> None:
        """Render ``words``; ``current`` is a (start, end) word span to mark."""
        self.words, self.current = words, current
        self.query_one(".diff-text", Static).update(self.render_words())

    def render_words(self) -> Text:
        styles: dict[str, Style] = {
            kind: self.get_component_rich_style(f"diff--{kind}", partial=True)
            for kind in ("styled", "removed", "replaced", "added", "unmatched")
        }
        current_style = self.get_component_rich_style("diff--current", partial=True)
        text = Text()
        for index, word in enumerate(self.words):
            if index:
                text.append("\n\n" if word.breaks_before else " ")
            style = styles.get(word.kind, Style())
            if self.current and self.current[0] <= index < self.current[1]:
                style = style + current_style
            text.append(word.text, style=style)
        return text

    def scroll_to_word(self, index: int) -> None:
        """Bring word ``index`` into view (proportionally: wrapped prose has no rows)."""
        if not self.words:
            return
        fraction = index / len(self.words)
        self.scroll_to(y=max(0, fraction * self.virtual_size.height - 3), animate=False)
