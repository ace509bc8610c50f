"""The app's commands in the command palette (ctrl+p): models, themes, pause."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.theme import BUILTIN_THEMES

if TYPE_CHECKING:
    from tui_structurer.ui.app import StructurerApp


def theme_help(app: StructurerApp, name: str) -> str:
    """What a theme is: light or dark, where it comes from, whether it is the one on."""
    theme = app.get_theme(name)
    kind = "dark" if theme is None or theme.dark else "light"
    if name in BUILTIN_THEMES:
        origin = "from Textual"
    elif name in app.shipped_themes:
        origin = "shipped with tui-structurer"
    else:
        origin = "from your themes folder"
    current = " (the one on now)" if name == app.theme else ""
    return f"A {kind} theme {origin}{current}; the one you pick is kept for next time"


class StructurerCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("StructurerApp", self.app)
        commands: list[tuple[str, Callable[[], object], str]] = []
        for name, profile in app.session.config.models.items():
            commands.append(
                (f"Use model: {name}", partial(app.switch_model, name),
                 profile.description or profile.gguf)
            )  # fmt: skip
        for name in sorted(app.available_themes):
            commands.append((f"Theme: {name}", partial(app.choose_theme, name),
                             theme_help(app, name)))  # fmt: skip
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
