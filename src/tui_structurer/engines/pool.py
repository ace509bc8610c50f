"""Loaded engines, one at a time: a model is loaded once and reused across files."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from tui_structurer.config import ModelProfile
from tui_structurer.engines.base import Engine, EngineLoadError
from tui_structurer.model_sources import ModelSourceError, resolve_gguf

EngineFactory = Callable[[ModelProfile, Path], Engine]


def _llama_cpp_factory(profile: ModelProfile, path: Path) -> Engine:
    from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine

    return LlamaCppEngine(profile, path)


def _openai_engine(profile: ModelProfile) -> Engine:
    from tui_structurer.engines.openai_engine import OpenAIEngine

    return OpenAIEngine(profile)


class EnginePool:
    """Hands out the engine for a profile, loading it on first use.

    Only the most recent model stays loaded: two 8B models rarely fit one GPU together,
    and a cascade usually reuses one model with several prompts.
    """

    def __init__(self, factory: EngineFactory = _llama_cpp_factory):
        self._factory = factory
        self._current: Engine | None = None
        self._lock = threading.Lock()

    def get(self, profile: ModelProfile) -> Engine:
        with self._lock:
            if self._current is not None and self._current.name == profile.name:
                return self._current
            self.close()
            if profile.engine == "openai":
                self._current = _openai_engine(profile)
                return self._current
            try:
                path = resolve_gguf(profile.gguf)
            except ModelSourceError as exc:
                raise EngineLoadError(f'model "{profile.name}": {exc}') from exc
            self._current = self._factory(profile, path)
            return self._current

    @property
    def plan_note(self) -> str:
        """How the loaded model was placed (GPU layers), for the live panel."""
        plan = getattr(self._current, "plan", None)
        return "" if plan is None else f"{self._current.name}: {plan.reason}"  # type: ignore[union-attr]

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
