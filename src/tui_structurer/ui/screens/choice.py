"""Ask before a decision that changes an earlier one: a question and a few answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True, slots=True)
class Answer:
    key: str
    """One letter that picks this answer."""
    label: str
    """Content markup."""
    value: str


class ChoiceDialog(ModalScreen[str | None]):
    """Returns the chosen answer's value, or None (Esc)."""

    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical {
        width: 76; max-width: 100%; height: auto; border: round $warning;
        background: $surface; padding: 0 1;
    }
    ChoiceDialog Label { width: 100%; }
    ChoiceDialog OptionList { height: auto; margin: 1 0 0 0; }
    ChoiceDialog .keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-choice",
                tooltip="Change nothing"),
    ]  # fmt: skip

    def __init__(self, question: str, answers: list[Answer]) -> None:
        super().__init__()
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            yield OptionList(
                *(Option(f"[b]{a.key}[/b]  {a.label}", id=a.value) for a in self.answers)
            )
            keys = "/".join(a.key for a in self.answers)
            yield Label(f"{keys} or ↑↓ enter: choose · esc: change nothing", classes="keys")

    def on_key(self, event: events.Key) -> None:
        answer = next((a for a in self.answers if a.key == event.character), None)
        if answer is not None:
            event.stop()
            self.dismiss(answer.value)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
