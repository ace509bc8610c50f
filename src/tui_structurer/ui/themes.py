"""Themes as data files (``themes/*.toml``) turned into Textual themes.

Shipped themes come first, then the user's (``<config dir>/themes``), which may replace
a shipped one by name. A bad file is reported once and skipped, never fatal.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.theme import Theme

from tui_structurer import paths

DEFAULT_THEME = "structurer-dark"
_COLOUR_KEYS = (
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
)  # fmt: skip
_KNOWN = {"name", "dark", "luminosity_spread", "text_alpha", "variables", *_COLOUR_KEYS}


@dataclass(frozen=True, slots=True)
class ThemeProblem:
    file: Path
    message: str

    def __str__(self) -> str:
        return f"theme {self.file.name} skipped: {self.message}"


def theme_from_file(file: Path) -> Theme:
    """Build a theme from one TOML file; ValueError says what is wrong."""
    try:
        doc = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    unknown = sorted(set(doc) - _KNOWN)
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(unknown)}")
    name, primary = doc.get("name"), doc.get("primary")
    if not isinstance(name, str) or not isinstance(primary, str):
        raise ValueError('"name" and "primary" are required strings')
    variables = doc.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("[variables] must map names to colour strings")
    colours = {key: doc[key] for key in _COLOUR_KEYS if key in doc}
    if not all(isinstance(value, str) for value in colours.values()):
        raise ValueError('colours must be strings such as "#5fafd7"')
    theme = Theme(name=name, dark=bool(doc.get("dark", True)), variables=variables, **colours)
    try:
        theme.to_color_system().generate()
    except Exception as exc:  # Textual raises several colour-parse errors
        raise ValueError(f"bad colour: {exc}") from exc
    return theme


def theme_dirs() -> list[Path]:
    return [paths.shipped_path("themes"), paths.user_themes_dir()]


def load_themes() -> tuple[list[Theme], list[ThemeProblem], set[str]]:
    """Every valid theme, a problem per file that was skipped, and the names of the
    shipped themes that no user file replaced."""
    themes: dict[str, Theme] = {}
    problems = []
    shipped: set[str] = set()
    for folder in theme_dirs():
        for file in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            try:
                theme = theme_from_file(file)
            except ValueError as exc:
                problems.append(ThemeProblem(file, str(exc)))
                continue
            themes[theme.name] = theme
            if folder == paths.shipped_path("themes"):
                shipped.add(theme.name)
            else:
                shipped.discard(theme.name)
    return list(themes.values()), problems, shipped
