"""Loaded engines, one at a time: a model is loaded once and reused across files."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tui_structurer.config import ModelProfile
from tui_structurer.engines.backends import load_engine
from tui_structurer.engines.base import Engine


class EnginePool:
    """Hands out the engine for a profile, loading it on first use.

    Only the most recent model stays loaded: two 8B models rarely fit one GPU together,
    and a cascade usually reuses one model with several prompts.
    """

    def __init__(self, load: Callable[[ModelProfile, bool], Engine] = load_engine) -> None:
        """``load`` makes an engine for a profile (tests give a scripted one)."""
        self._load = load
        self._current: Engine | None = None
        self._lock = threading.Lock()

    def has(self, profile: ModelProfile, strict: bool = False) -> bool:
        """Whether :meth:`get` would hand out an engine without loading one."""
        with self._lock:
            current = self._current
            return (
                current is not None
                and current.name == profile.name
                and (current.strict_ready or not strict)
            )

    def get(self, profile: ModelProfile, strict: bool = False) -> Engine:
        """The engine for ``profile``; ``strict`` asks for one that can roll back drafts
        exactly (an in-process model is reloaded once with a full sliding-window cache)."""
        with self._lock:
            current = self._current
            reusable = current is not None and current.name == profile.name
            if current is not None and reusable and (current.strict_ready or not strict):
                return current
            self.close()
            self._current = self._load(profile, strict)
            return self._current

    @property
    def plan_note(self) -> str:
        """Where the loaded model runs and why, for the live panel."""
        engine = self._current
        return "" if engine is None else f"{engine.name}: {engine.placement()}"

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
