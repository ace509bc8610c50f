"""The queue: one line per transcript, drawn only for the rows on screen.

A folder can hold thousands of talks; Textual's DataTable measures every row on its
first paint (about a second for 6,300 here), so this list renders lines on demand
through the Line API and stays instant however long it is.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_structurer.library import Status, TranscriptRecord
from tui_structurer.library.records import EDIT_STEP
from tui_structurer.ui.widgets.queue_columns import SORT_KEYS, fit_columns, header_line


def latest_step(record: TranscriptRecord) -> str:
    """``model/prompt`` of the latest attempt; the person's edit says so."""
    if record.latest_step == EDIT_STEP:
        return "your edit"
    return record.latest_step or ""


class TranscriptTable(ScrollView, can_focus=True):
    """Rows are transcripts; the cursor row is the one ``enter`` opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Review", id="review-selected",
                tooltip="Review the selected file"),
        Binding("up", "cursor(-1)", "Up", show=False, id="row-up", tooltip="Previous file"),
        Binding("down", "cursor(1)", "Down", show=False, id="row-down", tooltip="Next file"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="rows-page-up",
                tooltip="A page of files up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="rows-page-down",
                tooltip="A page of files down"),
        Binding("home", "jump(0)", "First", show=False, id="first-row", tooltip="First file"),
        Binding("end", "jump(-1)", "Last", show=False, id="last-row", tooltip="Last file"),
    ]  # fmt: skip
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript-table--cursor",
        "transcript-table--note",
        "transcript-table--reason",
        *(f"transcript-table--{status}" for status in Status),
    }
    # Colours from the theme, checked for contrast in tests/test_theme_contrast.py. On the
    # cursor row every word takes the cursor's own foreground: a status colour on the
    # cursor's background is what made "review" unreadable in the light theme.
    DEFAULT_CSS = """
    TranscriptTable {
        & > .transcript-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .transcript-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .transcript-table--note { color: $text-muted; }
        & > .transcript-table--reason { color: $text-error; }
        & > .transcript-table--pending { color: $text-muted; }
        & > .transcript-table--running { color: $text-primary; text-style: bold; }
        & > .transcript-table--review { color: $text-warning; text-style: bold; }
        & > .transcript-table--accepted { color: $text-success; }
        & > .transcript-table--rejected { color: $text-muted; }
        & > .transcript-table--failed { color: $text-error; text-style: bold; }
        & > .transcript-table--missing { color: $text-muted; text-style: italic; }
    }
    """

    cursor = reactive(0, always_update=True)

    class ColumnsChanged(Message):
        """The columns shown, their widths or the sort changed: the header follows."""

        def __init__(self, header: str) -> None:
            super().__init__()
            self.header = header

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
        self.columns = fit_columns(120, 0)
        self._header = ""

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
        self.fit_columns()
        self.refresh()

    def fit_columns(self) -> None:
        """Share the width between the columns (see ``fit_columns``); tell the header."""
        longest = max((len(r.path) for r in self.records.values()), default=0)
        self.columns = fit_columns(self.size.width, longest)
        header = header_line(self.columns, self.sort_column)
        if header != self._header:
            self._header = header
            self.post_message(self.ColumnsChanged(header))

    def update_record(self, record: TranscriptRecord) -> None:
        old = self.records.get(record.id)
        self.records[record.id] = record
        status_moves = self.status_filter is not None or self.sort_column != "path"
        reordered = old is not None and (
            old.path != record.path or (old.status != record.status and status_moves)
        )
        if old is None or reordered:
            self.rebuild()
        elif record.path != old.path:
            self.fit_columns()
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

    def _cells(self, record: TranscriptRecord) -> dict[str, tuple[str, str]]:
        """Each column's text and the component class that colours it."""
        likeness = "" if record.likeness is None else f"{record.likeness:.3f}"
        if record.passed is False:
            likeness += " ✗"  # the candidate failed the gate (explained in the help)
        return {
            "status": (str(record.status), f"transcript-table--{record.status}"),
            "words": ("" if record.words is None else str(record.words), ""),
            "likeness": (likeness, ""),
            # marks per 100 words the source already had (known once it was read)
            "punct": ("" if record.punctuation is None else f"{record.punctuation:.1f}", ""),
            "attempts": (str(record.attempts) if record.attempts else "", ""),
            "latest": (
                record.reason or latest_step(record),
                "transcript-table--reason" if record.reason else "transcript-table--note",
            ),
            "path": (record.path, ""),
        }

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.size.width
        base = self.rich_style
        if row >= len(self.shown_ids):
            return Strip.blank(width, base)
        cells = self._cells(self.records[self.shown_ids[row]])
        cursor = row == self.cursor
        if cursor:
            base += self.get_component_rich_style("transcript-table--cursor")
        segments = []
        for index, (name, column_width) in enumerate(self.columns):
            text, component = cells[name]
            style = base
            if component and not cursor:  # full styles: "auto" colours need the background
                style += self.get_component_rich_style(component)
            if name == "path" and len(text) > column_width > 1:
                text = "…" + text[-(column_width - 1) :]  # a file's name is at the end
            elif len(text) > column_width > 1:  # say it was cut, or it runs into the next
                text = text[: column_width - 1] + "…"
            last = index == len(self.columns) - 1
            cell = text if last else text[:column_width].ljust(column_width) + " "
            segments.append(Segment(cell, style))
        return Strip(segments).adjust_cell_length(width, base)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.shown_ids))
        self.fit_columns()

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
