"""Which backend a model profile names: loading it, and what it can serve at once.

The only place that looks at ``profile.engine``: everything above speaks the
:class:`~tui_structurer.engines.base.Engine` protocol.
"""

from __future__ import annotations

from tui_structurer.config import ModelProfile
from tui_structurer.engines.base import Engine, EngineLoadError
from tui_structurer.models.sources import ModelSourceError, resolve_gguf


def endpoints_of(profile: ModelProfile) -> list[str]:
    """The server addresses of an ``openai`` profile (one, or a fleet)."""
    urls = [profile.base_url] if isinstance(profile.base_url, str) else profile.base_url
    return [url.rstrip("/") for url in urls if url]


def planned_concurrency(profile: ModelProfile) -> int:
    """Generations the profile's backend will serve at once, known before loading it."""
    if profile.engine == "openai":
        return profile.concurrency * max(1, len(endpoints_of(profile)))
    return 1


def load_engine(profile: ModelProfile, strict: bool) -> Engine:
    """The engine the profile names; imported lazily (llama.cpp is a heavy import).
    ``strict`` loads an in-process model so that drafts roll back exactly."""
    if profile.engine == "openai":
        from tui_structurer.engines.openai_engine import OpenAIEngine

        return OpenAIEngine(profile)
    from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine

    try:
        path = resolve_gguf(profile.gguf)
    except ModelSourceError as exc:
        where = f" (gguf set at {profile.origin})" if profile.origin else ""
        raise EngineLoadError(f'model "{profile.name}"{where}: {exc}') from exc
    return LlamaCppEngine(profile, path, full_swa_cache=strict)
