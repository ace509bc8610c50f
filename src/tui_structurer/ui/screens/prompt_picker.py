"""Pick one of several fallback prompts for a rerun, seeing the mode each runs in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

MODES = {
    "strict": "strict: keeps every word, only adds punctuation and breaks",
    "repair": "repair: the model writes freely, its words are mapped back onto the source",
    "free": "free: the model's text as written",
}


class PromptPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PromptPicker { align: center middle; }
    PromptPicker > Vertical {
        width: 90; max-width: 100%; height: auto; border: round $primary;
        background: $surface; padding: 0 1;
    }
    PromptPicker Label { width: 100%; }
    PromptPicker OptionList { height: auto; max-height: 16; }
    PromptPicker .keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "dismiss(None)", "Cancel", id="cancel-pick", tooltip="Keep the file as it is"
        ),
    ]

    def __init__(self, prompts: Mapping[str, tuple[str, str]]) -> None:
        """``prompts``: name -> (mode it runs in, description)."""
        super().__init__()
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Rerun this file next, with which prompt?[/b]")
            yield OptionList(
                *(
                    Option(
                        f"[b]{escape(name)}[/b] — {escape(MODES.get(mode, mode))}"
                        + (f"\n  {escape(text)}" if text else ""),
                        id=name,
                    )
                    for name, (mode, text) in self.prompts.items()
                )
            )
            yield Label("↑↓ choose · enter: rerun with it · esc: cancel", classes="keys")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
