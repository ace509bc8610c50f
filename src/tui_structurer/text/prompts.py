"""Render a prompt template around a chunk of transcript, for chat or completion models."""

from __future__ import annotations

from dataclasses import dataclass

from tui_structurer.config import Prompt
from tui_structurer.config.schema import PromptStyle

TEXT_SLOT = "{text}"
UPPER_TEXT_SLOT = "{TEXT}"


def _fill(template: str, text: str) -> str:
    return template.replace(TEXT_SLOT, text).replace(UPPER_TEXT_SLOT, text.upper())


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """What the engine receives: chat messages, or one completion string."""

    messages: tuple[dict[str, str], ...] = ()
    text: str = ""

    @property
    def is_chat(self) -> bool:
        return bool(self.messages)

    def flat(self) -> str:
        """All prompt text, for counting tokens."""
        if self.is_chat:
            return "\n".join(m["content"] for m in self.messages)
        return self.text


def render(prompt: Prompt, style: PromptStyle, text: str) -> RenderedPrompt:
    """Put ``text`` into the template ``style`` calls for."""
    if style == "completion":
        return RenderedPrompt(text=_fill(prompt.completion, text))
    messages = []
    if prompt.system:
        messages.append({"role": "system", "content": prompt.system})
    messages.append({"role": "user", "content": _fill(prompt.user, text)})
    return RenderedPrompt(messages=tuple(messages))
