"""A compact footer that keeps every key on screen in a narrow terminal.

When the keys and their words do not fit, the command palette's key goes first, then
the words of key groups, from the last group back (``[] Change`` shows as ``[]``; the
help and the tooltips still name them), so keys such as ``esc``, ``q`` and ``?`` at the
end are never cut off.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterLabel

PALETTE_WIDTH = 12
"""``^p palette`` with its border and margin."""


class FittingFooter(Footer):
    def __init__(self, show_command_palette: bool = False, **kwargs: Any) -> None:
        super().__init__(compact=True, show_command_palette=show_command_palette, **kwargs)
        self.wants_palette = show_command_palette

    def _group_labels(self) -> tuple[int, int]:
        """How many group labels there are, and how many, counted from the last, must go
        for the keys to fit."""
        shown = [b for _, b, _, _ in self.screen.active_bindings.values() if b.show]
        by_action = {b.action: b for b in reversed(shown)}  # the first binding per action
        width, labels = 0, []
        for group, bindings in groupby(reversed(by_action.values()), key=lambda b: b.group):
            keys = list(bindings)
            if group is not None and len(keys) > 1:
                width += sum(len(self.app.get_key_display(b)) for b in keys) + 1
                labels.append(len(group.description) + 1)
            else:
                width += sum(len(self.app.get_key_display(b) + b.description) + 2 for b in keys)
        width += sum(labels)
        # The palette key goes first (ctrl+p still opens it, and the help says so).
        fits = width + PALETTE_WIDTH <= self.size.width
        self.set_reactive(Footer.show_command_palette, self.wants_palette and fits)
        dropped = 0
        while width > self.size.width and dropped < len(labels):
            dropped += 1
            width -= labels[-dropped]
        return len(labels), dropped

    def compose(self) -> ComposeResult:
        count, dropped = self._group_labels() if self._bindings_ready else (0, 0)
        seen = 0
        for item in super().compose():  # one at a time: key groups are open meanwhile
            if isinstance(item, FooterLabel):
                seen += 1
                if seen > count - dropped:
                    continue
            yield item

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)
