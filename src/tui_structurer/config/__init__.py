"""Model profiles, prompts, the attempt cascade and the fidelity gate (``models.toml``)."""

from __future__ import annotations

from tui_structurer.config.errors import ConfigError
from tui_structurer.config.loader import load_config
from tui_structurer.config.schema import (
    CascadeStep,
    Config,
    Gate,
    ModelProfile,
    Prompt,
    Settings,
)

__all__ = [
    "CascadeStep",
    "Config",
    "ConfigError",
    "Gate",
    "ModelProfile",
    "Prompt",
    "Settings",
    "load_config",
]
