"""Pick one of several fallback prompts."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


class PromptPicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PromptPicker { align: center middle; }
    PromptPicker > Vertical {
        width: 70; height: auto; border: round $primary; background: $surface; padding: 0 1;
    }
    PromptPicker OptionList { height: auto; max-height: 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "dismiss(None)", "Cancel", id="cancel-pick", tooltip="Keep the file as it is"
        ),
    ]

    def __init__(self, prompts: dict[str, str]) -> None:
        super().__init__()
        self.prompts = prompts

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Rerun with which prompt?")
            yield OptionList(
                *(
                    Option(f"{name} — {text}" if text else name, id=name)
                    for name, text in self.prompts.items()
                )
            )

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
