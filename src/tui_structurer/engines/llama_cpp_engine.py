"""The embedded engine: llama-cpp-python in this process."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui_structurer.config import ModelProfile
from tui_structurer.engines.base import (
    EngineError,
    EngineLoadError,
    GenerationStats,
    StreamClock,
    TextPiece,
    chunk_text,
)
from tui_structurer.gpu.gguf_meta import GgufError, read_model_facts
from tui_structurer.gpu.load_recovery import LoadFailed, load_with_fewer_layers
from tui_structurer.gpu.offload_plan import OffloadPlan, PlanOptions, plan_offload
from tui_structurer.gpu.probe import GpuInventory, probe_gpus
from tui_structurer.prompts import RenderedPrompt

CHAT_TEMPLATE_TOKENS_PER_MESSAGE = 8
"""Role markers a chat template wraps around each message (generous for common ones)."""
N_UBATCH = 512
SWA_FULL = False
"""Sliding-window layers keep only their window (checked here to give the same greedy
output as a full-size cache when a prompt prefix is reused), which saves most of a
Gemma model's KV memory."""


def supports_gpu_offload() -> bool:
    """Whether this llama-cpp-python build can put layers on a GPU."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def offload_plan_for(
    profile: ModelProfile, model_path: Path, inventory: GpuInventory | None = None
) -> OffloadPlan:
    """The plan for loading ``profile``: sized from NVML and the file, or pinned."""
    facts = read_model_facts(model_path)
    options = PlanOptions(
        n_ctx=profile.context,
        n_ubatch=N_UBATCH,
        swa_full=SWA_FULL,
        reserve_bytes=profile.vram_reserve_mb * 2**20 if profile.vram_reserve_mb else None,
        pinned_layers=None if profile.gpu_layers == "auto" else profile.gpu_layers,
        gpu_offload_supported=supports_gpu_offload(),
    )
    return plan_offload(facts, inventory or probe_gpus(), options)


class LlamaCppEngine:
    """A GGUF model loaded once with llama-cpp-python and reused for every generation."""

    def __init__(self, profile: ModelProfile, model_path: Path):
        import llama_cpp

        self.name = profile.name
        self.context = profile.context
        self.model_path = model_path
        self._profile = profile
        try:
            self.plan = offload_plan_for(profile, model_path)
        except GgufError as exc:
            raise EngineLoadError(f'model "{profile.name}": {exc}') from exc

        def load(n_gpu_layers: int) -> Any:
            return llama_cpp.Llama(
                model_path=str(model_path),
                n_ctx=profile.context,
                n_ubatch=N_UBATCH,
                n_gpu_layers=n_gpu_layers,
                tensor_split=list(self.plan.tensor_split) if self.plan.tensor_split else None,
                swa_full=SWA_FULL,
                n_threads=profile.threads or None,
                seed=profile.seed,
                verbose=False,
            )

        try:
            self._llm, self.load_notes = load_with_fewer_layers(
                load, self.plan.n_gpu_layers, (ValueError, RuntimeError, MemoryError)
            )
        except (LoadFailed, OSError) as exc:
            raise EngineLoadError(
                f'model "{profile.name}" ({model_path}) could not be loaded by llama.cpp: '
                f"{exc}. The file may be truncated or corrupt, or too large for free memory."
            ) from exc
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prompt_tokens(self, prompt: RenderedPrompt) -> int:
        if prompt.is_chat:
            overhead = CHAT_TEMPLATE_TOKENS_PER_MESSAGE * (len(prompt.messages) + 1)
            return self.count_tokens(prompt.flat()) + overhead
        return len(self._llm.tokenize(prompt.text.encode("utf-8"), add_bos=True))

    def _stream(self, prompt: RenderedPrompt, max_tokens: int, stop: list[str]) -> Any:
        profile = self._profile
        sampling = {
            "max_tokens": max_tokens,
            "temperature": profile.temperature,
            "top_p": profile.top_p,
            "top_k": profile.top_k,
            "repeat_penalty": profile.repeat_penalty,
            "stop": stop or None,
            "stream": True,
        }
        if prompt.is_chat:
            return self._llm.create_chat_completion(messages=list(prompt.messages), **sampling)
        return self._llm.create_completion(prompt=prompt.text, **sampling)

    def generate(
        self,
        prompt: RenderedPrompt,
        max_tokens: int,
        stop: list[str],
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        with self._lock:
            yield from self._generate_locked(prompt, max_tokens, stop, cancel)

    def _generate_locked(
        self,
        prompt: RenderedPrompt,
        max_tokens: int,
        stop: list[str],
        cancel: threading.Event | None,
    ) -> Iterator[TextPiece | GenerationStats]:
        prompt_tokens = self.prompt_tokens(prompt)
        clock = StreamClock()
        finish = "stop"
        stream = self._stream(prompt, max_tokens, stop)
        try:
            for chunk in stream:
                if cancel is not None and cancel.is_set():
                    finish = "cancelled"
                    break
                text, finish_reason = chunk_text(chunk)
                finish = finish_reason or finish
                if text:
                    clock.piece()
                    yield TextPiece(text)
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f'model "{self.name}" failed while generating: {exc}') from exc
        finally:
            with contextlib.suppress(Exception):
                stream.close()
        # llama.cpp's context holds prompt + generated tokens; it is exact where the
        # stream's pieces are not (stop strings and partial UTF-8 merge pieces).
        pieces = clock.pieces
        evaluated = int(self._llm.n_tokens)
        completion = max(pieces, evaluated - prompt_tokens) if not prompt.is_chat else pieces
        yield clock.stats(prompt_tokens, completion, finish)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._llm.close()
