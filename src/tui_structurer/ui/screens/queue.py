"""The home screen: every transcript and its state, with the live panel below."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from tui_structurer.library import Status
from tui_structurer.ui.widgets.fitting_footer import FittingFooter
from tui_structurer.ui.widgets.live_panel import LivePanel
from tui_structurer.ui.widgets.queue_columns import SORT_KEYS
from tui_structurer.ui.widgets.transcript_table import TranscriptTable

FILTER_KEYS = {"0": None, **{str(i): status for i, status in enumerate(Status, start=1)}}
SHORT = {
    Status.PENDING: "pend",
    Status.RUNNING: "run",
    Status.REVIEW: "review",
    Status.ACCEPTED: "acc",
    Status.REJECTED: "rej",
    Status.FAILED: "fail",
    Status.MISSING: "miss",
}


def counts_text(counts: dict[Status, int], shown: Status | None, width: int) -> str:
    """The status counts with their filter keys, in as much as ``width`` allows: full
    names, then short ones, then only the statuses that have files."""
    total = sum(counts.values())

    def line(names: dict[Status, str], every: bool, gap: str = "  ") -> str:
        parts = [f"[b]0[/b] {'[reverse]all[/reverse]' if shown is None else 'all'} {total}"]
        for key, status in enumerate(Status, start=1):
            if every or counts[status] or status == shown:
                name = f"[reverse]{names[status]}[/reverse]" if status == shown else names[status]
                parts.append(f"[b]{key}[/b] {name} {counts[status]}")
        return gap.join(parts)

    full = {status: str(status) for status in Status}
    forms = (line(full, True), line(SHORT, True), line(SHORT, False), line(SHORT, False, " "))
    for text in forms:
        if len(Text.from_markup(text)) <= width:
            return text
    return text


class QueueScreen(Screen[None]):
    CSS_PATH = "queue.tcss"
    AUTO_FOCUS = "#transcripts"  # not the (hidden) filter box, which would eat every key
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_review", "Next", id="next-to-review",
                tooltip="Review the selected file if it awaits review, else the next one"),
        Binding("slash", "focus_filter", "Filter", key_display="/", id="filter",
                tooltip="Filter the list by path"),
        Binding("s", "cycle_sort", "Sort", id="sort", tooltip="Sort by the next column"),
        *(
            Binding(key, f"status_filter('{key}')", "All" if key == "0" else str(status),
                    show=False, id=f"show-{status or 'all'}",
                    tooltip=f"Show {'all files' if status is None else f'{status} files'}")
            for key, status in FILTER_KEYS.items()
        ),
    ]  # fmt: skip

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Opening folder…", id="counts")
        yield Input(placeholder="filter by path (enter to apply, escape to leave)", id="filter")
        yield Static("", id="table-header")
        yield TranscriptTable(id="transcripts")
        yield LivePanel(id="live")
        yield FittingFooter(show_command_palette=True)

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one(TranscriptTable).focus()

    @property
    def table(self) -> TranscriptTable:
        return self.query_one(TranscriptTable)

    def update_counts(self) -> None:
        counts = {status: 0 for status in Status}
        for record in self.table.records.values():
            counts[record.status] += 1
        label = self.query_one("#counts", Label)
        width = label.content_region.width or self.size.width - 2
        label.update(counts_text(counts, self.table.status_filter, width))

    def on_resize(self) -> None:
        self.update_counts()

    @on(TranscriptTable.ColumnsChanged)
    def columns_changed(self, message: TranscriptTable.ColumnsChanged) -> None:
        self.query_one("#table-header", Static).update(message.header)

    def action_status_filter(self, key: str) -> None:
        self.table.status_filter = FILTER_KEYS[key]
        self.table.rebuild()
        self.update_counts()

    def action_cycle_sort(self) -> None:
        sortable = [name for name, _ in self.table.columns if name in SORT_KEYS]
        now = self.table.sort_column
        self.table.sort_column = sortable[
            (sortable.index(now) + 1) % len(sortable) if now in sortable else 0
        ]
        self.table.rebuild()  # the header marks the sorted column

    def action_focus_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.table.text_filter = event.value
        self.table.rebuild()

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = bool(box.value)
        self.table.focus()

    def key_escape(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            box.value = ""
            box.display = False
            self.table.focus()

    @on(TranscriptTable.Selected)
    def row_selected(self, event: TranscriptTable.Selected) -> None:
        self.app.open_review(event.transcript_id)  # type: ignore[attr-defined]

    def action_next_review(self) -> None:
        self.app.open_next_review(self.table.current_id())  # type: ignore[attr-defined]
