"""The queue: one row per transcript, filterable by status and sortable by column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from tui_structurer.library import Status, TranscriptRecord

COLUMNS = ("status", "words", "likeness", "attempts", "latest", "path")
STATUS_STYLE = {
    Status.PENDING: "dim",
    Status.RUNNING: "bold cyan",
    Status.REVIEW: "bold yellow",
    Status.ACCEPTED: "green",
    Status.REJECTED: "dim",
    Status.FAILED: "bold red",
}
SORT_KEYS: dict[str, Callable[[TranscriptRecord], Any]] = {
    "path": lambda r: r.path,
    "status": lambda r: (list(Status).index(r.status), r.path),
    "words": lambda r: (r.words or 0, r.path),
    "likeness": lambda r: (-1.0 if r.likeness is None else r.likeness, r.path),
    "attempts": lambda r: (r.attempts, r.path),
}


class TranscriptTable(DataTable[Any]):
    """Rows are keyed by transcript id. Holds the records, shows the filtered ones."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.records: dict[int, TranscriptRecord] = {}
        self.latest: dict[int, str] = {}
        self.status_filter: Status | None = None
        self.text_filter = ""
        self.sort_column = "path"

    def on_mount(self) -> None:
        widths = {"status": 9, "words": 7, "likeness": 8, "attempts": 8, "latest": 30}
        for column in COLUMNS:
            self.add_column(column.capitalize(), key=column, width=widths.get(column))

    def _cells(self, record: TranscriptRecord) -> tuple[Any, ...]:
        status = Text(str(record.status), style=STATUS_STYLE[record.status])
        likeness = "" if record.likeness is None else f"{record.likeness:.3f}"
        if record.passed is False:
            likeness += " ✗"
        note = record.reason or self.latest.get(record.id, "")
        return (
            status,
            "" if record.words is None else str(record.words),
            likeness,
            str(record.attempts) if record.attempts else "",
            note,
            record.path,
        )

    def _visible(self, record: TranscriptRecord) -> bool:
        if self.status_filter is not None and record.status != self.status_filter:
            return False
        return self.text_filter.lower() in record.path.lower()

    def set_records(self, records: list[TranscriptRecord]) -> None:
        self.records = {r.id: r for r in records}
        self.rebuild()

    def rebuild(self) -> None:
        """Redraw rows for the current filter and sort, keeping the cursor's record."""
        current = self.current_id()
        self.clear()
        ordered = sorted(self.records.values(), key=SORT_KEYS[self.sort_column])
        for record in ordered:
            if self._visible(record):
                self.add_row(*self._cells(record), key=str(record.id))
        if current is not None and str(current) in self.rows:
            self.move_cursor(row=self.get_row_index(str(current)))

    def update_record(self, record: TranscriptRecord, latest: str | None = None) -> None:
        self.records[record.id] = record
        if latest is not None:
            self.latest[record.id] = latest
        key = str(record.id)
        if key not in self.rows:
            if self._visible(record):
                self.add_row(*self._cells(record), key=key)
            return
        if not self._visible(record):
            self.remove_row(key)
            return
        for column, value in zip(COLUMNS, self._cells(record), strict=True):
            self.update_cell(key, column, value)

    def current_id(self) -> int | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

    def select(self, transcript_id: int) -> None:
        key = str(transcript_id)
        if key in self.rows:
            self.move_cursor(row=self.get_row_index(key))
