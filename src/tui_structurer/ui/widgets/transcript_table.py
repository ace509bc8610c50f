"""The queue: one line per transcript, drawn only for the rows on screen.

A folder can hold thousands of talks; Textual's DataTable measures every row on its
first paint (about a second for 6,300 here), so this list renders lines on demand
through the Line API and stays instant however long it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_structurer.library import Status, TranscriptRecord

COLUMNS: tuple[tuple[str, int], ...] = (
    ("status", 9),
    ("words", 7),
    ("likeness", 9),
    ("attempts", 8),
    ("latest", 34),
    ("path", 0),  # the rest of the width
)
STATUS_STYLE = {
    Status.PENDING: Style(dim=True),
    Status.RUNNING: Style(bold=True, color="cyan"),
    Status.REVIEW: Style(bold=True, color="yellow"),
    Status.ACCEPTED: Style(color="green"),
    Status.REJECTED: Style(dim=True),
    Status.FAILED: Style(bold=True, color="red"),
    Status.MISSING: Style(dim=True, italic=True),
}
SORT_KEYS: dict[str, Callable[[TranscriptRecord], Any]] = {
    "path": lambda r: r.path,
    "status": lambda r: (list(Status).index(r.status), r.path),
    "words": lambda r: (r.words or 0, r.path),
    "likeness": lambda r: (-1.0 if r.likeness is None else r.likeness, r.path),
    "attempts": lambda r: (r.attempts, r.path),
}


def header_line() -> str:
    return " ".join(name.capitalize().ljust(width) for name, width in COLUMNS)


class TranscriptTable(ScrollView, can_focus=True):
    """Rows are transcripts; the cursor row is the one ``enter`` opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Review", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"transcript-table--cursor"}
    DEFAULT_CSS = """
    TranscriptTable > .transcript-table--cursor { background: $accent 40%; }
    TranscriptTable:focus > .transcript-table--cursor { background: $accent 70%; }
    """

    cursor = reactive(0, always_update=True)

    class Selected(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, transcript_id: int) -> None:
            super().__init__()
            self.transcript_id = transcript_id

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.records: dict[int, TranscriptRecord] = {}
        self.status_filter: Status | None = None
        self.text_filter = ""
        self.sort_column = "path"
        self.shown_ids: list[int] = []
        self._row_of: dict[int, int] = {}

    # -- content -----------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.shown_ids)

    def _shown(self, record: TranscriptRecord) -> bool:
        if self.status_filter is not None and record.status != self.status_filter:
            return False
        return self.text_filter.lower() in record.path.lower()

    def set_records(self, records: list[TranscriptRecord]) -> None:
        self.records = {r.id: r for r in records}
        self.rebuild()

    def rebuild(self) -> None:
        """Apply filter and sort, keeping the cursor on the same transcript if shown."""
        current = self.current_id()
        ordered = sorted(self.records.values(), key=SORT_KEYS[self.sort_column])
        self.shown_ids = [r.id for r in ordered if self._shown(r)]
        self._row_of = {transcript_id: row for row, transcript_id in enumerate(self.shown_ids)}
        self.virtual_size = Size(self.size.width, len(self.shown_ids))
        self.cursor = self._row_of.get(current, 0) if current is not None else 0
        self.refresh()

    def update_record(self, record: TranscriptRecord) -> None:
        old = self.records.get(record.id)
        self.records[record.id] = record
        status_moves = self.status_filter is not None or self.sort_column != "path"
        reordered = old is not None and (
            old.path != record.path or (old.status != record.status and status_moves)
        )
        if old is None or reordered:
            self.rebuild()
        elif record.id in self._row_of:
            self.refresh_line(self._row_of[record.id])

    def refresh_line(self, row: int) -> None:
        self.refresh(Region(0, row - self.scroll_offset.y, self.size.width, 1))

    def current_id(self) -> int | None:
        if not self.shown_ids:
            return None
        return self.shown_ids[min(self.cursor, len(self.shown_ids) - 1)]

    def select(self, transcript_id: int | None) -> None:
        if transcript_id in self._row_of:
            self.cursor = self._row_of[transcript_id]

    def next_waiting(self, after: int | None, step: int, inclusive: bool = False) -> int | None:
        """The next (``step`` 1) or previous (-1) file awaiting review after ``after`` (or
        ``after`` itself, with ``inclusive``), in the order shown, wrapping; None if none."""
        waiting = {i for i in self.shown_ids if self.records[i].status == Status.REVIEW}
        if inclusive and after in waiting:
            return after
        if after in self._row_of:
            here = self._row_of[after]
            ahead, behind = self.shown_ids[here + 1 :], self.shown_ids[:here]
            order = ahead + behind if step > 0 else behind[::-1] + ahead[::-1]
        else:
            order = self.shown_ids if step > 0 else self.shown_ids[::-1]
        return next((i for i in order if i in waiting and i != after), None)

    # -- drawing -----------------------------------------------------------------------

    def _cells(self, record: TranscriptRecord) -> list[tuple[str, Style]]:
        likeness = "" if record.likeness is None else f"{record.likeness:.3f}"
        if record.passed is False:
            likeness += " ✗"
        note = record.reason or record.latest_step or ""
        return [
            (str(record.status), STATUS_STYLE[record.status]),
            ("" if record.words is None else str(record.words), Style()),
            (likeness, Style()),
            (str(record.attempts) if record.attempts else "", Style()),
            (note, Style(dim=True) if not record.reason else Style(color="red")),
            (record.path, Style()),
        ]

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        base = self.rich_style
        if row >= len(self.shown_ids):
            return Strip.blank(width, base)
        record = self.records[self.shown_ids[row]]
        line_style = base
        if row == self.cursor:
            line_style = base + self.get_component_rich_style("transcript-table--cursor")
        segments = []
        used = 0
        for (text, style), (_, column_width) in zip(self._cells(record), COLUMNS, strict=True):
            cell_width = column_width or max(0, width - used)
            cell = text[:cell_width].ljust(cell_width) if column_width else text
            segments.append(Segment(cell + (" " if column_width else ""), line_style + style))
            used += cell_width + 1
        return Strip(segments).adjust_cell_length(width, line_style)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.shown_ids))

    # -- moving ------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if self.shown_ids:
            clamped = max(0, min(new, len(self.shown_ids) - 1))
            if clamped != new:
                self.cursor = clamped
                return
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.size.height - 1)

    def action_jump(self, row: int) -> None:
        self.cursor = row if row >= 0 else len(self.shown_ids) - 1

    def action_select(self) -> None:
        current = self.current_id()
        if current is not None:
            self.post_message(self.Selected(current))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if row < len(self.shown_ids):
            self.cursor = row
            if event.chain == 2:
                self.action_select()
