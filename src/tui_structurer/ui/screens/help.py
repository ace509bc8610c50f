"""Every key of the app, with what it does, and what the screens' marks mean."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

EXPLANATION_WIDTH = 52
"""Columns for a key's explanation: what the other columns leave of the help's 120."""
LOUD = " ".join(f"[b $background on $diff-{k}]word[/]" for k in ("removed", "replaced", "added"))
MARK = "[b $diff-mark]{}[/]"
LEGEND = "\n".join(
    [
        "[b]The queue[/b]",
        "  Likeness   how many of the source's words the candidate kept, 0 to 1 (1: every word)",
        "  [b]✗[/b]          after the likeness: the candidate failed the fidelity gate (why: in "
        "its review)",
        "  Punct      marks per 100 words in the source as it came (0 for a raw transcript; "
        "not the output's)",
        "  Latest     the model and prompt of the latest attempt, or why the file failed",
        "  Path [b]▲[/b]     the column the list is sorted by (s sorts by the next one)",
        "  0–7        show all files, or those in one state; the line above the list counts them",
        "",
        "[b]The review[/b]  (source on the left, structured text on the right)",
        f"  {LOUD}  dropped, rewritten, added by the model: the loudest",
        "  [u $diff-replaced]word[/]       a source word repair kept because the model changed it",
        f"  {MARK.format('S')}o{MARK.format(',')}        a capital or a punctuation mark the model "
        "added",
        f"  {MARK.format('¶')} [b $diff-removed]¶[/]        a paragraph the model started; a "
        "source paragraph it joined",
        "  ▶          in the attempts table: the file's candidate; the highlighted row is on "
        "screen",
        "  NN%        in a pane's border: how far into its text the top of the pane is",
    ]
)


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
        width: 120; max-width: 100%; height: 90%; border: round $primary;
        background: $surface; padding: 0 1;
    }
    HelpScreen Label { width: 100%; }
    HelpScreen DataTable { height: auto; max-height: 500; }
    HelpScreen .legend { margin: 1 0; }
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
                "[b]Keys[/b] — esc, ? or q closes this help. Rebind any key by its id in "
                "keymap.toml (see `tui-structurer --help`); ctrl+p opens the command "
                "palette (models, themes, screenshot)."
            )
            table: DataTable[str | Text] = DataTable(cursor_type="none", show_cursor=False)
            table.add_columns("where", "key", "action", "id (keymap.toml)")
            # The explanations wrap within their column: at 120 columns a single line
            # would be cut off at the screen's edge.
            table.add_column("what it does", width=EXPLANATION_WIDTH)
            for *cells, explanation in binding_rows(self.sections):
                table.add_row(*cells, Text(explanation, overflow="fold"), height=None)
            yield table
            yield Static(LEGEND, classes="legend")
