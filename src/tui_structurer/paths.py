"""Where things live: shipped data, the user's config/cache/log dirs, per-folder state."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "tui-structurer"
STATE_DIR_NAME = ".tui-structurer"
_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_path(name: str) -> Path:
    """A file or folder shipped with the app (``models.toml``, ``themes``).

    Installed wheels carry them in ``tui_structurer/shipped``; an editable install or a
    source checkout reads them from the repository root, where people edit them.
    """
    inside = _PACKAGE_DIR / "shipped" / name
    if inside.exists():
        return inside
    return _PACKAGE_DIR.parent.parent / name


def user_config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME)


def user_config_file() -> Path:
    """The user's ``models.toml``, which overrides or extends the shipped one."""
    return user_config_dir() / "models.toml"


def user_themes_dir() -> Path:
    return user_config_dir() / "themes"


def keymap_file() -> Path:
    """The user's key bindings, by binding id."""
    return user_config_dir() / "keymap.toml"


def preferences_file() -> Path:
    """What the app remembers between sessions (the theme)."""
    return platformdirs.user_state_path(APP_NAME) / "preferences.json"


def user_cache_dir() -> Path:
    return platformdirs.user_cache_path(APP_NAME)


def user_log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME)


def state_dir(folder: Path) -> Path:
    """Per-folder state lives with the folder, so the work moves with it."""
    return folder / STATE_DIR_NAME


def states_elsewhere_dir() -> Path:
    """Where the state of folders that cannot be written is kept."""
    return platformdirs.user_state_path(APP_NAME) / "folders"


def state_dir_elsewhere(folder: Path) -> Path:
    """The state of a folder that cannot be written (a read-only share, a mounted
    archive): in the user's state folder, one per folder, keyed by its real path."""
    real = folder.resolve()
    key = hashlib.sha256(os.fsencode(real)).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9._-]", "_", real.name)[:40] or "root"
    return states_elsewhere_dir() / f"{name}-{key}"
