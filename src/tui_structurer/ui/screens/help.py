"""Every key of the app, with what it does."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label


def binding_rows(sections: dict[str, list[BindingType]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for section, bindings in sections.items():
        for binding in bindings:
            if isinstance(binding, Binding):
                key = binding.key_display or binding.key
                rows.append((section, key, binding.description, binding.id or "",
                             binding.tooltip))  # fmt: skip
    return rows


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 120; height: 80%; border: round $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss(None)", "Close", id="close-help",
                tooltip="Close the help"),
    ]  # fmt: skip

    def __init__(self, sections: dict[str, list[BindingType]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(
                "[b]Keys[/b] — rebind any of them by id in keymap.toml "
                "(see `tui-structurer --help`)"
            )
            table: DataTable[str] = DataTable(cursor_type="none", show_cursor=False)
            table.add_columns("where", "key", "action", "id (keymap.toml)", "what it does")
            table.add_rows(binding_rows(self.sections))
            yield table
