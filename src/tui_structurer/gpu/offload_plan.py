"""How many layers to put on the GPU(s), and why.

Per layer, the GPU holds its weights (read from the GGUF) and its KV cache for the
context: K and V lengths × KV heads × bytes per element × the tokens the layer keeps
(sliding-window layers keep only the window plus one micro-batch, unless the context
uses a full-size SWA cache). Each GPU in use also holds a compute buffer, the CUDA
context and a safety margin. llama.cpp offloads the *last* k layers; k = n_layer + 1
also moves the output layer (with the logits of a micro-batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_structurer.gpu.probe import GpuInfo, GpuInventory
from tui_structurer.models.gguf import ModelFacts

MIB = 2**20
GIB = 2**30
CUDA_CONTEXT_BYTES = 450 * MIB
"""CUDA context, cuBLAS workspace and driver allocations on each GPU in use."""
ACTIVATION_FACTOR = 12
"""f32 activations kept per embedding value of a micro-batch in the compute graph."""


def default_reserve(total: int) -> int:
    """The safety margin: 5 % of the card, between 256 MiB and 1 GiB."""
    return max(256 * MIB, min(GIB, total // 20))


@dataclass(frozen=True)
class PlanOptions:
    n_ctx: int
    n_ubatch: int = 512
    kv_bytes_per_element: float = 2.0
    """f16 KV cache."""
    swa_full: bool = False
    reserve_bytes: int | None = None
    """Per-GPU margin; None for :func:`default_reserve`."""
    pinned_layers: int | None = None
    """A profile's fixed ``gpu_layers``: honoured, only predicted."""
    gpu_offload_supported: bool = True


@dataclass(frozen=True)
class OffloadPlan:
    """The choice and its reasons."""

    n_gpu_layers: int
    """For llama.cpp: 0 (CPU) … n_layers (all, output included)."""
    n_layers: int
    """Offloadable layers: the repeating ones plus the output layer."""
    context: int
    tensor_split: tuple[float, ...] | None
    gpu_bytes: tuple[int, ...]
    """Predicted bytes on each GPU (CUDA context, margin excluded)."""
    reason: str
    gpus: tuple[GpuInfo, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_gpu_layers": self.n_gpu_layers,
            "n_layers": self.n_layers,
            "context": self.context,
            "tensor_split": list(self.tensor_split) if self.tensor_split else None,
            "gpu_bytes": list(self.gpu_bytes),
            "reason": self.reason,
        }


def kv_bytes(facts: ModelFacts, layer: int, options: PlanOptions) -> int:
    tokens = options.n_ctx
    if layer in facts.swa_layers and not options.swa_full and facts.sliding_window:
        tokens = min(options.n_ctx, facts.sliding_window + options.n_ubatch)
    per_token = facts.n_head_kv[layer] * (facts.key_length + facts.value_length)
    return int(tokens * per_token * options.kv_bytes_per_element)


def compute_bytes(facts: ModelFacts, options: PlanOptions, with_output: bool) -> int:
    """The largest graph's buffers: activations, attention scores, and the logits of a
    micro-batch when the output layer is on the GPU."""
    ubatch = options.n_ubatch
    activations = ubatch * facts.n_embd * 4 * ACTIVATION_FACTOR
    scores = ubatch * options.n_ctx * facts.n_head * 4
    logits = ubatch * facts.vocab_size * 4 if with_output else 0
    return activations + scores + logits


def _gb(value: int) -> str:
    return f"{value / 1e9:.1f}"


def _cpu(
    facts: ModelFacts, options: PlanOptions, reason: str, gpus: tuple[GpuInfo, ...] = ()
) -> OffloadPlan:
    return OffloadPlan(0, facts.n_layers + 1, options.n_ctx, None, (), f"CPU only: {reason}", gpus)


class _Fit:
    """Bytes the last k layers need, for every k."""

    def __init__(self, facts: ModelFacts, options: PlanOptions):
        self.facts, self.options = facts, options
        layer_cost = [
            facts.layer_bytes[i] + kv_bytes(facts, i, options) for i in range(facts.n_layers)
        ]
        self.suffix = [0] * (facts.n_layers + 1)  # suffix[k]: the last k layers
        for k in range(1, facts.n_layers + 1):
            self.suffix[k] = self.suffix[k - 1] + layer_cost[facts.n_layers - k]
        self.largest_layer = max(layer_cost, default=0)

    def weights_and_cache(self, k: int) -> int:
        facts = self.facts
        if k > facts.n_layers:
            return self.suffix[facts.n_layers] + facts.output_bytes
        return self.suffix[k]

    def compute(self, k: int) -> int:
        if k == 0:
            return 0
        return compute_bytes(self.facts, self.options, with_output=k > self.facts.n_layers)


def plan_offload(facts: ModelFacts, inventory: GpuInventory, options: PlanOptions) -> OffloadPlan:
    """Choose ``n_gpu_layers`` (and a split across GPUs) that fits in free memory."""
    total_layers = facts.n_layers + 1
    if not options.gpu_offload_supported:
        return _cpu(facts, options, "llama-cpp-python was built without GPU support")
    if inventory.unavailable or not inventory.gpus:
        return _cpu(facts, options, inventory.unavailable or "no NVIDIA GPU found")
    usable = tuple(g for g in inventory.gpus if not g.mig)
    if not usable:
        names = ", ".join(f"GPU{g.index}" for g in inventory.gpus)
        return _cpu(
            facts,
            options,
            f"MIG is enabled on {names}; run with a MIG slice "
            "selected (CUDA_VISIBLE_DEVICES) or disable MIG",
            inventory.gpus,
        )
    fit = _Fit(facts, options)
    room = []
    for gpu in usable:
        reserve = (
            options.reserve_bytes
            if options.reserve_bytes is not None
            else (default_reserve(gpu.total))
        )
        room.append(max(0, gpu.free - CUDA_CONTEXT_BYTES - reserve))

    def fits(k: int) -> bool:
        if k == 0:
            return True
        per_gpu_compute = fit.compute(k)
        space = [max(0, r - per_gpu_compute) for r in room]
        # Layers split in proportion to space; whole layers can overshoot a share by one.
        slack = fit.largest_layer * (len(space) - 1)
        return fit.weights_and_cache(k) <= sum(space) - slack and max(space) > 0

    if options.pinned_layers is not None:
        k = min(max(0, options.pinned_layers), total_layers)
        chosen_by = "pinned by the profile"
    else:
        k = next(k for k in range(total_layers, -1, -1) if fits(k))
        chosen_by = ""
    if k == 0 and options.pinned_layers is None:
        best = max(usable, key=lambda g: g.free)
        return _cpu(
            facts,
            options,
            f"not one layer fits in the {_gb(best.free)} GB free on {best.name}",
            inventory.gpus,
        )

    space = [max(0, r - fit.compute(k)) for r in room]
    shares = [s / sum(space) if sum(space) else 1 / len(space) for s in space]
    need = fit.weights_and_cache(k)
    gpu_bytes = tuple(int(need * share + fit.compute(k)) for share in shares)
    split = tuple(round(s, 4) for s in shares) if len(usable) > 1 else None
    if len(usable) == 1:
        gpu = usable[0]
        where = f"{gpu.name} ({_gb(gpu_bytes[0])} of {_gb(gpu.free)} GB free)"
    else:
        where = f"{len(usable)} GPUs: " + ", ".join(
            f"{g.name} {share:.0%} ({_gb(b)} of {_gb(g.free)} GB free)"
            for g, share, b in zip(usable, shares, gpu_bytes, strict=True)
        )
    rest = "" if k == total_layers else "; the rest on CPU"
    note = f" ({chosen_by})" if chosen_by else ""
    reason = f"{k}/{total_layers} layers on {where}{rest}{note}"
    return OffloadPlan(k, total_layers, options.n_ctx, split, gpu_bytes, reason, usable)
