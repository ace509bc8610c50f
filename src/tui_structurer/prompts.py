"""Render a prompt template around a chunk of transcript, for chat or completion models."""

from __future__ import annotations

from dataclasses import dataclass

from tui_structurer.config import Prompt
from tui_structurer.config.schema import PromptStyle

TEXT_SLOT = "{text}"


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
        return RenderedPrompt(text=prompt.completion.replace(TEXT_SLOT, text))
    messages = []
    if prompt.system:
        messages.append({"role": "system", "content": prompt.system})
    messages.append({"role": "user", "content": prompt.user.replace(TEXT_SLOT, text)})
    return RenderedPrompt(messages=tuple(messages))
