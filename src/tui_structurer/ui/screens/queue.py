"""The home screen: every transcript and its state, with the live panel below."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from tui_structurer.library import Status
from tui_structurer.ui.widgets.live_panel import LivePanel
from tui_structurer.ui.widgets.transcript_table import COLUMNS, TranscriptTable, header_line

FILTER_KEYS = {"0": None, **{str(i): status for i, status in enumerate(Status, start=1)}}


class QueueScreen(Screen[None]):
    CSS_PATH = "queue.tcss"
    AUTO_FOCUS = "#transcripts"  # not the (hidden) filter box, which would eat every key
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_selected", "Review", id="review-selected",
                tooltip="Review the selected file"),
        Binding("n", "next_review", "Next to review", id="next-to-review",
                tooltip="Open the next file awaiting review"),
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
        yield Static(header_line(), id="table-header")
        yield TranscriptTable(id="transcripts")
        yield LivePanel(id="live")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one(TranscriptTable).focus()

    @property
    def table(self) -> TranscriptTable:
        return self.query_one(TranscriptTable)

    def update_counts(self) -> None:
        records = self.table.records.values()
        counts = {status: 0 for status in Status}
        for record in records:
            counts[record.status] += 1
        shown = self.table.status_filter
        text = "  ".join(
            f"[b]{i}[/b] {'[reverse]' if status == shown else ''}{status}"
            f"{'[/reverse]' if status == shown else ''} {counts[status]}"
            for i, status in enumerate(Status, start=1)
        )
        everything = "[reverse]all[/reverse]" if shown is None else "all"
        self.query_one("#counts", Label).update(
            f"{len(self.table.records)} files   [b]0[/b] {everything}  {text}"
        )

    def action_status_filter(self, key: str) -> None:
        self.table.status_filter = FILTER_KEYS[key]
        self.table.rebuild()
        self.update_counts()

    def action_cycle_sort(self) -> None:
        sortable = [name for name, _ in COLUMNS if name != "latest"]
        self.table.sort_column = sortable[
            (sortable.index(self.table.sort_column) + 1) % len(sortable)
        ]
        self.table.rebuild()
        self.notify(f"Sorted by {self.table.sort_column}", timeout=1.5)

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

    def action_open_selected(self) -> None:
        transcript_id = self.table.current_id()
        if transcript_id is not None:
            self.app.open_review(transcript_id)  # type: ignore[attr-defined]

    @on(TranscriptTable.Selected)
    def row_selected(self, event: TranscriptTable.Selected) -> None:
        self.app.open_review(event.transcript_id)  # type: ignore[attr-defined]

    def action_next_review(self) -> None:
        self.app.open_next_review(self.table.current_id())  # type: ignore[attr-defined]
