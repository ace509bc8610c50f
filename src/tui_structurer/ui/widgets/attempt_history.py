"""The attempts made on one transcript: which is the candidate, which one is on screen."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tui_structurer.library import AttemptRecord

CANDIDATE = "▶"


def is_edit(attempt: AttemptRecord) -> bool:
    """The person's own edit (it has no model, prompt or speed)."""
    return attempt.is_edit


COLUMNS = ("#", "model", "prompt", "mode", "likeness", "tok/s", "gate")


class AttemptHistory(DataTable[str]):
    """One row per attempt; the cursor row is the attempt on screen, ▶ the candidate."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.can_focus = False
        self.attempts: tuple[AttemptRecord, ...] = ()

    def show(self, attempts: tuple[AttemptRecord, ...], candidate: int, viewed: int) -> None:
        self.attempts = attempts
        rows = []
        for number, attempt in enumerate(attempts, start=1):
            edit = is_edit(attempt)
            rows.append((
                CANDIDATE if attempt.id == candidate else str(number),
                "your edit" if edit else attempt.model,
                "—" if edit else attempt.prompt,
                "—" if edit else attempt.mode,
                f"{attempt.raw_likeness:.3f}",
                "—" if edit else f"{attempt.decode_tps:.1f}",
                "pass" if attempt.passed else "fail",
            ))  # fmt: skip
        # Widths set here, from the rows: sized later (when the table goes idle) the
        # columns could be drawn at their headers' width first.
        self.clear(columns=True)
        for index, column in enumerate(COLUMNS):
            width = max([len(column), *(len(row[index]) for row in rows)])
            self.add_column(column, key=column, width=width)
        for attempt, row in zip(attempts, rows, strict=True):
            self.add_row(*row, key=str(attempt.id))
        self.move_cursor(row=self.row_of(viewed), animate=False, scroll=True)

    def row_of(self, attempt_id: int) -> int:
        return next((i for i, a in enumerate(self.attempts) if a.id == attempt_id), 0)

    def step(self, attempt_id: int, delta: int) -> AttemptRecord | None:
        """The attempt ``delta`` rows from ``attempt_id``, or None past either end."""
        row = self.row_of(attempt_id) + delta
        return self.attempts[row] if 0 <= row < len(self.attempts) else None
