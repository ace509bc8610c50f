"""One sizing scenario: load a model the way the app does, and compare the offload
plan's predicted GPU bytes with what NVML says the load and a decode took.

Run in a fresh process per scenario (the check does), so the device's used memory
before the load is exactly what other processes hold, and a crash is one scenario's:
`python3 sizing.py CONFIG MODEL CONTEXT` prints one JSON object.

llama.cpp's own log lines give the buffers it allocated (weights, KV cache, compute),
so a miss can be traced to the term of the plan that caused it.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import llama_cpp

from tui_structurer.config import load_config
from tui_structurer.engines.base import GenerationStats
from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine
from tui_structurer.gpu.offload_plan import (
    CUDA_CONTEXT_BYTES,
    PlanOptions,
    compute_bytes,
    kv_bytes,
)
from tui_structurer.gpu.placement import N_UBATCH
from tui_structurer.gpu.probe import probe_gpus
from tui_structurer.models.gguf import ModelFacts, read_model_facts
from tui_structurer.models.sources import resolve_gguf
from tui_structurer.text.prompts import RenderedPrompt

MIB = 2**20
BUFFER = re.compile(r"(\S+) (model|KV|compute|output) buffer size =\s*([\d.]+) MiB")
OFFLOADED = re.compile(r"offloaded (\d+)/(\d+) layers to GPU")
PROMPT_WORDS = 600
"""Long enough for a full 512-token micro-batch, as a transcript chunk's prompt is."""
DECODE_TOKENS = 32

_log: list[str] = []


@llama_cpp.llama_log_callback
def _capture(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    _log.append(text.decode("utf-8", errors="replace"))


def _buffers() -> dict[str, float]:
    """MiB per llama.cpp buffer, e.g. ``CUDA0 model``; the last value of each wins."""
    found: dict[str, float] = {}
    for line in "".join(_log).splitlines():
        if match := BUFFER.search(line):
            found[f"{match.group(1)} {match.group(2)}"] = float(match.group(3))
    return found


def _used() -> int | None:
    inventory = probe_gpus()
    return None if not inventory.gpus else inventory.gpus[0].total - inventory.gpus[0].free


def predicted_parts(facts: ModelFacts, options: PlanOptions, k: int) -> dict[str, int]:
    """The plan's terms for the last ``k`` layers on the GPU, as offload_plan sums them."""
    layers = range(max(0, facts.n_layers - k), facts.n_layers)
    with_output = k > facts.n_layers
    return {
        "weights": sum(facts.layer_bytes[i] for i in layers)
        + (facts.output_bytes if with_output else 0),
        "kv": sum(kv_bytes(facts, i, options) for i in layers),
        "compute": compute_bytes(facts, options, with_output) if k else 0,
    }


def run(config_path: Path, model: str, context: int) -> dict[str, Any]:
    llama_cpp.llama_log_set(_capture, ctypes.c_void_p(0))
    config = load_config(config_path)
    profile = dataclasses.replace(config.models[model], context=context)
    path = resolve_gguf(profile.gguf)
    gpus = probe_gpus().gpus
    before = _used()
    began = time.perf_counter()
    engine = LlamaCppEngine(profile, path)
    load_seconds = time.perf_counter() - began
    after_load = _used()
    prompt = RenderedPrompt(text=" ".join(["the river was cold and slow"] * (PROMPT_WORDS // 6)))
    stats = [
        s for s in engine.generate(prompt, DECODE_TOKENS, []) if isinstance(s, GenerationStats)
    ]
    after_decode = _used()
    engine.close()

    plan = engine.plan
    facts = read_model_facts(path)
    options = PlanOptions(n_ctx=context, n_ubatch=N_UBATCH)
    offloaded = OFFLOADED.findall("".join(_log))
    result: dict[str, Any] = {
        "context": context,
        "free_before_bytes": gpus[0].free if gpus else None,
        "total_bytes": gpus[0].total if gpus else None,
        "plan": plan.as_dict(),
        "loaded_layers": int(offloaded[-1][0]) if offloaded else 0,
        "load_notes": engine.load_notes,
        "load_seconds": round(load_seconds, 2),
        # On a CPU plan, the terms of a full offload: llama.cpp's CPU buffers hold the same.
        "predicted_parts": predicted_parts(facts, options, plan.n_gpu_layers or facts.n_layers + 1),
        "llama_buffers_mib": _buffers(),
        "prompt_tokens": stats[0].prompt_tokens if stats else None,
    }
    if before is not None and after_load is not None and after_decode is not None:
        predicted = (plan.gpu_bytes[0] if plan.gpu_bytes else 0) + CUDA_CONTEXT_BYTES
        measured = after_decode - before
        result |= {
            "predicted_bytes": predicted,
            "measured_after_load_bytes": after_load - before,
            "measured_after_decode_bytes": measured,
            "error": round(predicted / measured - 1, 4),
            "free_after_decode_bytes": gpus[0].total - after_decode,
        }
    return result


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))))
