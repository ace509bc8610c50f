"""Where a profile's model goes: the offload plan for a file, and whether this build of
llama-cpp-python can put layers on a GPU at all."""

from __future__ import annotations

from pathlib import Path

from tui_structurer.config import ModelProfile
from tui_structurer.gpu.offload_plan import OffloadPlan, PlanOptions, plan_offload
from tui_structurer.gpu.probe import GpuInventory, probe_gpus
from tui_structurer.models.gguf import read_model_facts

N_UBATCH = 512
"""The micro-batch the in-process engine loads with (its compute buffers scale with it)."""
SWA_FULL = False
"""Sliding-window layers keep only their window (checked to give the same greedy output
as a full-size cache when a prompt prefix is reused), which saves most of a Gemma
model's KV memory. Strict mode loads with a full cache instead: once the window has
moved on, llama.cpp reuses the cells it left, and a rolled-back draft would then miss
its oldest context."""


def supports_gpu_offload() -> bool:
    """Whether this llama-cpp-python build can put layers on a GPU."""
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def offload_plan_for(
    profile: ModelProfile,
    model_path: Path,
    inventory: GpuInventory | None = None,
    swa_full: bool = SWA_FULL,
) -> OffloadPlan:
    """The plan for loading ``profile``: sized from NVML and the file, or pinned."""
    facts = read_model_facts(model_path)
    options = PlanOptions(
        n_ctx=profile.context,
        n_ubatch=N_UBATCH,
        swa_full=swa_full,
        reserve_bytes=profile.vram_reserve_mb * 2**20 if profile.vram_reserve_mb else None,
        pinned_layers=None if profile.gpu_layers == "auto" else profile.gpu_layers,
        gpu_offload_supported=supports_gpu_offload(),
    )
    return plan_offload(facts, inventory or probe_gpus(), options)
