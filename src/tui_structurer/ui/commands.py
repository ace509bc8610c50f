"""The app's commands in the command palette (ctrl+p): models, themes, pause."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui_structurer.ui.app import StructurerApp


class StructurerCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("StructurerApp", self.app)
        commands: list[tuple[str, Callable[[], object], str]] = []
        for name, profile in app.session.config.models.items():
            commands.append(
                (f"Use model: {name}", partial(app.switch_model, name),
                 profile.description or profile.gguf)
            )  # fmt: skip
        for theme in sorted(app.available_themes):
            commands.append((f"Theme: {theme}", partial(app.choose_theme, theme), "Remembered"))
        commands.append(("Pause or resume processing", app.action_toggle_pause, "Same as space"))
        commands.append(("Show or hide the streaming text", app.action_toggle_stream, "t"))
        return commands

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            match = matcher.match(text)
            if match > 0:
                yield Hit(match, matcher.highlight(text), command, help=help_text)
