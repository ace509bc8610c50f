"""The text being generated, wrapped, with its latest lines in view."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


class StreamTail(Widget):
    """The end of ``text`` wrapped to the widget's width: as many of the last lines as
    fit, like a terminal that scrolls as the model writes."""

    DEFAULT_CSS = """
    StreamTail { height: 8; }
    """

    text = reactive("")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._lines: tuple[tuple[str, int, int], list[Strip]] | None = None

    def _tail(self) -> list[Strip]:
        width, height = self.size.width, self.size.height
        key = (self.text, width, height)
        if self._lines is None or self._lines[0] != key:
            # Only the end can be on screen: wrap no more than what could fill the box.
            tail = self.text[-max(1, width * height * 2) :]
            wrapped = Text(tail).wrap(self.app.console, max(1, width))
            strips = [Strip(line.render(self.app.console)) for line in wrapped[-height:]]
            self._lines = (key, strips)
        return self._lines[1]

    def render_line(self, y: int) -> Strip:
        lines = self._tail()
        strip = lines[y] if y < len(lines) else Strip([])
        style = self.rich_style
        return strip.apply_style(style).adjust_cell_length(self.size.width, style)
