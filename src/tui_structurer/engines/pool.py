"""Loaded engines, one at a time: a model is loaded once and reused across files."""

from __future__ import annotations

import threading

from tui_structurer.config import ModelProfile
from tui_structurer.engines.base import Engine, EngineLoadError
from tui_structurer.models.sources import ModelSourceError, resolve_gguf


def _load(profile: ModelProfile, strict: bool) -> Engine:
    """The engine the profile names; imported lazily (llama.cpp is a heavy import)."""
    if profile.engine == "openai":
        from tui_structurer.engines.openai_engine import OpenAIEngine

        return OpenAIEngine(profile)
    from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine

    try:
        path = resolve_gguf(profile.gguf)
    except ModelSourceError as exc:
        raise EngineLoadError(f'model "{profile.name}": {exc}') from exc
    return LlamaCppEngine(profile, path, full_swa_cache=strict)


class EnginePool:
    """Hands out the engine for a profile, loading it on first use.

    Only the most recent model stays loaded: two 8B models rarely fit one GPU together,
    and a cascade usually reuses one model with several prompts.
    """

    def __init__(self) -> None:
        self._current: Engine | None = None
        self._lock = threading.Lock()

    def get(self, profile: ModelProfile, strict: bool = False) -> Engine:
        """The engine for ``profile``; ``strict`` asks for one that can roll back drafts
        exactly (an in-process model is reloaded once with a full sliding-window cache)."""
        with self._lock:
            current = self._current
            reusable = current is not None and current.name == profile.name
            if reusable and (not strict or getattr(current, "full_swa_cache", True)):
                return current  # type: ignore[return-value]
            self.close()
            self._current = _load(profile, strict)
            return self._current

    @property
    def plan_note(self) -> str:
        """How the loaded model was placed (GPU layers), for the live panel."""
        engine = self._current
        plan = getattr(engine, "plan", None)  # only the in-process engine places layers
        return "" if engine is None or plan is None else f"{engine.name}: {plan.reason}"

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None
