"""The embedded engine: llama-cpp-python in this process."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import sys
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
from tui_structurer.engines.llama_batch import LlamaBatchRuntime, enable_sequences
from tui_structurer.errors import Cancelled
from tui_structurer.gpu.load_recovery import LoadFailed, load_with_fewer_layers
from tui_structurer.gpu.placement import N_UBATCH, offload_plan_for
from tui_structurer.models.gguf import GgufError
from tui_structurer.strict import StrictChunk
from tui_structurer.strict.decoder import StrictCounters, StrictDecoder
from tui_structurer.strict.runtime import ContextFull
from tui_structurer.strict.settings import StrictSettings, from_profile
from tui_structurer.text.prompts import RenderedPrompt

CHAT_TEMPLATE_TOKENS_PER_MESSAGE = 8
"""Role markers a chat template wraps around each message (generous for common ones)."""
ANCHOR = "\n"
"""Candidates are tokenized after this, so a tokenizer that prefixes a space to the
start of a text (SentencePiece) treats them as mid-text."""


@contextlib.contextmanager
def quiet_llama() -> Iterator[None]:
    """Keep llama.cpp's load messages off the terminal without touching the process's
    file descriptors. llama-cpp-python's own quiet mode (``verbose=False``) points fds 1
    and 2 at /dev/null for the whole load, which also swallows what a full-screen app
    draws from another thread meanwhile (a queue painted without its header and
    footer). Its messages go to ``sys.stderr`` from Python, so a Python-level redirect
    is enough; afterwards only llama.cpp's errors are printed."""
    from llama_cpp._logger import set_verbose

    sink = io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink
    try:
        yield
    finally:
        # Put back only what is still ours: an app that closed meanwhile has already
        # restored the real streams, and its own would be dead ones.
        if sys.stdout is sink:
            sys.stdout = saved[0]
        if sys.stderr is sink:
            sys.stderr = saved[1]
        set_verbose(False)


class LlamaCppEngine:
    """A GGUF model loaded once with llama-cpp-python and reused for every generation."""

    def __init__(self, profile: ModelProfile, model_path: Path, full_swa_cache: bool = False):
        import llama_cpp

        self.name = profile.name
        self.context = profile.context
        self.model_path = model_path
        self._profile = profile
        try:
            self.plan = offload_plan_for(profile, model_path, swa_full=full_swa_cache)
        except GgufError as exc:
            raise EngineLoadError(f'model "{profile.name}": {exc}') from exc

        def load(n_gpu_layers: int) -> Any:
            with quiet_llama():
                llm = llama_cpp.Llama(
                    model_path=str(model_path),
                    n_ctx=profile.context,
                    n_ubatch=N_UBATCH,
                    n_gpu_layers=n_gpu_layers,
                    tensor_split=list(self.plan.tensor_split) if self.plan.tensor_split else None,
                    swa_full=full_swa_cache,
                    n_threads=profile.threads or None,
                    seed=profile.seed,
                    verbose=True,  # see quiet_llama: False would redirect the terminal
                )
                llm.verbose = False
                if full_swa_cache:
                    enable_sequences(llm)
            return llm

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
        self.concurrency = 1
        self.strict_ready = full_swa_cache
        self.strict_settings: StrictSettings = from_profile(profile)
        """How strict mode decides; calibration and benchmarks replace it between runs."""
        self.strict_counters = StrictCounters()
        """What strict decoding has cost since the engine was loaded."""
        self._runtime: LlamaBatchRuntime | None = None
        self._anchor = self._tokens(ANCHOR)
        self._candidate_tokens = functools.lru_cache(maxsize=100_000)(self._tokens_mid_text)

    def _tokens(self, text: str, bos: bool = False, special: bool = False) -> tuple[int, ...]:
        return tuple(self._llm.tokenize(text.encode("utf-8"), add_bos=bos, special=special))

    def _tokens_mid_text(self, text: str) -> tuple[int, ...]:
        """Tokens of ``text`` as they appear inside a longer text."""
        tokens = self._tokens(ANCHOR + text)
        if tokens[: len(self._anchor)] == self._anchor:
            return tokens[len(self._anchor) :]
        return self._tokens(text)

    @functools.cached_property
    def _chat_formatter(self) -> Any:
        """The GGUF's own chat template, compiled once; ``None`` when it has none."""
        template = self._llm.metadata.get("tokenizer.chat_template")
        if not template:
            return None
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        vocab = self._llm._model
        return Jinja2ChatFormatter(
            template=template,
            eos_token=vocab.token_get_text(self._llm.token_eos()),
            bos_token=vocab.token_get_text(self._llm.token_bos()),
        )

    def _prompt_ids(self, prompt: RenderedPrompt) -> list[int]:
        """The prompt as token ids; chat prompts through the model's own template."""
        if not prompt.is_chat:
            return list(self._tokens(prompt.text, bos=True))
        formatter = self._chat_formatter
        if formatter is None:
            return list(self._tokens(prompt.flat() + "\n\n", bos=True))
        messages: Any = list(prompt.messages)
        text = formatter(messages=messages).prompt
        bos_text = formatter.bos_token
        return list(
            self._tokens(text, bos=not (bos_text and text.startswith(bos_text)), special=True)
        )

    def count_tokens(self, text: str) -> int:
        return len(self._tokens(text))

    def prompt_tokens(self, prompt: RenderedPrompt) -> int:
        if prompt.is_chat:
            overhead = CHAT_TEMPLATE_TOKENS_PER_MESSAGE * (len(prompt.messages) + 1)
            return self.count_tokens(prompt.flat()) + overhead
        return len(self._tokens(prompt.text, bos=True))

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
        if self._runtime is not None:  # strict decoding's cells are not the API's
            self._runtime.clear()
        prompt_tokens = self.prompt_tokens(prompt)
        clock = StreamClock()
        finish = "stop"
        stream = self._stream(prompt, max_tokens, stop)
        try:
            for chunk in stream:
                if cancel is not None and cancel.is_set():
                    raise Cancelled
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

    def generate_strict(
        self,
        prompt: RenderedPrompt,
        chunk: StrictChunk,
        cancel: threading.Event | None = None,
    ) -> Iterator[TextPiece | GenerationStats]:
        with self._lock:
            yield from self._strict_locked(prompt, chunk, cancel)

    def _strict_locked(
        self, prompt: RenderedPrompt, chunk: StrictChunk, cancel: threading.Event | None
    ) -> Iterator[TextPiece | GenerationStats]:
        if self._runtime is None:
            self._runtime = LlamaBatchRuntime(self._llm)
        ids = self._prompt_ids(prompt)
        clock = StreamClock()
        counters = StrictCounters()
        decoder = StrictDecoder(
            self._runtime, ids, chunk, self._candidate_tokens, self.strict_settings, counters
        )
        try:
            for piece in decoder.write(cancel):
                clock.piece()
                yield TextPiece(piece)
        except ContextFull as exc:
            raise EngineError(f'model "{self.name}": strict decoding failed: {exc}') from exc
        finally:  # the cache keeps the prompt for the next chunk (see ``hold``)
            self._add_counters(counters)
        stats = clock.stats(len(ids), counters.tokens_written, "stop")
        yield dataclasses.replace(stats, decode_calls=counters.decode_calls)

    def _add_counters(self, counters: StrictCounters) -> None:
        total = self.strict_counters
        for item in dataclasses.fields(counters):
            setattr(total, item.name, getattr(total, item.name) + getattr(counters, item.name))

    def placement(self) -> str:
        notes = "; ".join(self.load_notes)
        return self.plan.reason + (f" ({notes})" if notes else "")

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()
        with contextlib.suppress(Exception):
            self._llm.close()
