"""Offload plans for real model shapes on GPUs described by an NVML stand-in."""

from __future__ import annotations

import dataclasses

import pytest

from nvml_standin import Card, StandInNvml
from tui_structurer.gpu.offload_plan import (
    CUDA_CONTEXT_BYTES,
    OffloadPlan,
    PlanOptions,
    default_reserve,
    plan_offload,
)
from tui_structurer.gpu.probe import GpuInventory, probe_gpus
from tui_structurer.models.gguf import ModelFacts, read_model_facts
from tui_structurer.models.sources import resolve_gguf

GB = 10**9
GIB = 2**30


def llama_shape(layers: int, n_embd: int, n_head: int, layer_bytes: int, output: int,
                embd: int) -> ModelFacts:  # fmt: skip
    return ModelFacts(
        architecture="llama", n_layers=layers, n_embd=n_embd, n_head=n_head,
        n_head_kv=(8,) * layers, key_length=128, value_length=128, context_length=131072,
        vocab_size=128256, layer_bytes=(layer_bytes,) * layers, output_bytes=output,
        embedding_bytes=embd, other_bytes=0,
    )  # fmt: skip


# Llama 3.1 8B Instruct Q4_K_M: 4.92 GB file, Q6_K output, Q4_K token embeddings.
LLAMA_8B = llama_shape(32, 4096, 32, 131_000_000, 431_000_000, 295_000_000)
# Llama 3.1 70B Instruct Q4_K_M: 42.5 GB file.
LLAMA_70B = llama_shape(80, 8192, 64, 512_000_000, 862_000_000, 590_000_000)


def inventory(*cards: Card) -> GpuInventory:
    return probe_gpus(StandInNvml(list(cards)))


def check_fits(plan: OffloadPlan, cards: list[Card]) -> None:
    for gpu_bytes, card in zip(plan.gpu_bytes, cards, strict=False):
        free = card.total - card.used - card.other_processes
        assert gpu_bytes + CUDA_CONTEXT_BYTES + default_reserve(card.total) <= free


def test_8b_fits_fully_on_an_8gb_card_at_8k() -> None:
    card = Card("NVIDIA GeForce RTX 3070 Ti", 8 * GIB, used=300_000_000)
    plan = plan_offload(LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192))
    assert (plan.n_gpu_layers, plan.n_layers) == (33, 33)
    assert plan.reason.startswith("33/33 layers on NVIDIA GeForce RTX 3070 Ti (")
    assert "rest on CPU" not in plan.reason
    check_fits(plan, [card])


def test_4gb_card_gets_part_of_the_8b_model() -> None:
    card = Card("NVIDIA GeForce GTX 1650", 4 * GIB, used=200_000_000)
    plan = plan_offload(LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192))
    assert 10 < plan.n_gpu_layers < 32
    assert plan.reason.endswith("; the rest on CPU")
    check_fits(plan, [card])
    one_more = plan_offload(
        LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192, pinned_layers=plan.n_gpu_layers + 1)
    )
    with pytest.raises(AssertionError):
        check_fits(one_more, [card])  # the choice is the largest that fits


def test_70b_on_a_24gb_card_is_partial_and_never_over() -> None:
    card = Card("NVIDIA GeForce RTX 4090", 24 * GIB, used=500_000_000)
    plan = plan_offload(LLAMA_70B, inventory(card), PlanOptions(n_ctx=8192))
    assert 30 < plan.n_gpu_layers < 45
    check_fits(plan, [card])


def test_two_unequal_gpus_split_by_free_memory() -> None:
    cards = [Card("RTX 4090", 24 * GIB), Card("RTX 3060", 12 * GIB)]
    plan = plan_offload(LLAMA_70B, inventory(*cards), PlanOptions(n_ctx=8192))
    assert plan.tensor_split is not None and len(plan.tensor_split) == 2
    assert plan.tensor_split[0] > plan.tensor_split[1] > 0.25
    assert abs(sum(plan.tensor_split) - 1) < 1e-3
    single = plan_offload(LLAMA_70B, inventory(cards[0]), PlanOptions(n_ctx=8192))
    assert plan.n_gpu_layers > single.n_gpu_layers + 15
    assert plan.reason.startswith(f"{plan.n_gpu_layers}/81 layers on 2 GPUs: RTX 4090 ")
    check_fits(plan, cards)


def test_tied_embeddings_put_a_copy_on_the_gpu_with_the_output_layer() -> None:
    tied = dataclasses.replace(LLAMA_8B, output_bytes=LLAMA_8B.embedding_bytes,
                               tied_embeddings=True)  # fmt: skip
    card = Card("A10", 24 * GIB)
    untied_plan = plan_offload(LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192))
    tied_plan = plan_offload(tied, inventory(card), PlanOptions(n_ctx=8192))
    assert tied_plan.n_gpu_layers == 33
    difference = untied_plan.gpu_bytes[0] - tied_plan.gpu_bytes[0]
    assert difference == LLAMA_8B.output_bytes - LLAMA_8B.embedding_bytes


def test_gemma_sliding_window_layers_hold_only_the_window() -> None:
    facts = read_model_facts(resolve_gguf("embedded"))
    card = Card("RTX A2000", 6 * GIB)
    window = plan_offload(facts, inventory(card), PlanOptions(n_ctx=32768))
    full = plan_offload(facts, inventory(card), PlanOptions(n_ctx=32768, swa_full=True))
    kv_per_token_layer = 1 * (256 + 256) * 2
    swa_layers = len(facts.swa_layers)
    saved = swa_layers * (32768 - (512 + 512)) * kv_per_token_layer
    assert full.gpu_bytes[0] - window.gpu_bytes[0] == saved


def test_no_nvml_no_gpu_mig_and_cpu_build_are_cpu_plans_with_reasons() -> None:
    missing = plan_offload(LLAMA_8B, probe_gpus(StandInNvml(missing_library=True)),
                           PlanOptions(n_ctx=8192))  # fmt: skip
    assert missing.n_gpu_layers == 0
    assert missing.reason == "CPU only: NVML is not available (NVML Shared Library Not Found)"
    none = plan_offload(LLAMA_8B, inventory(), PlanOptions(n_ctx=8192))
    assert none.reason == "CPU only: no NVIDIA GPU found"
    mig = plan_offload(LLAMA_8B, inventory(Card("A100", 80 * GIB, mig=True)),
                       PlanOptions(n_ctx=8192))  # fmt: skip
    assert mig.n_gpu_layers == 0 and "MIG is enabled on GPU0" in mig.reason
    cpu_build = plan_offload(LLAMA_8B, inventory(Card("A100", 80 * GIB)),
                             PlanOptions(n_ctx=8192, gpu_offload_supported=False))  # fmt: skip
    assert cpu_build.reason == "CPU only: llama-cpp-python was built without GPU support"


def test_memory_used_by_another_process_is_not_counted_as_free() -> None:
    alone = plan_offload(LLAMA_8B, inventory(Card("RTX 3060", 12 * GIB)),
                         PlanOptions(n_ctx=32768))  # fmt: skip
    busy_card = Card("RTX 3060", 12 * GIB, other_processes=6 * GB)
    shared = plan_offload(LLAMA_8B, inventory(busy_card), PlanOptions(n_ctx=32768))
    assert alone.n_gpu_layers == 33 and 0 < shared.n_gpu_layers < 33
    check_fits(shared, [busy_card])


def test_pinned_layers_and_reserve_are_honoured() -> None:
    card = Card("RTX 3070 Ti", 8 * GIB)
    pinned = plan_offload(LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192, pinned_layers=10))
    assert pinned.n_gpu_layers == 10 and "pinned by the profile" in pinned.reason
    roomy = plan_offload(LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192))
    cautious = plan_offload(
        LLAMA_8B, inventory(card), PlanOptions(n_ctx=8192, reserve_bytes=4 * GIB)
    )
    assert cautious.n_gpu_layers < roomy.n_gpu_layers
