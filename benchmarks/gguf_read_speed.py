"""Reading what GPU sizing needs from a GGUF file (goal: < 100 ms).

On the embedded 270M model and on an 8 GB file shaped like Llama 3.1 8B Q4_K_M (its
real metadata layout — 128,256 tokens, 280,147 merges, 292 tensors — written with the
gguf package; the tensor data is a sparse hole, which the reader never touches).
Baseline in the same run: the gguf package's GGUFReader on the 270M model.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import gguf
import numpy as np

from tui_structurer.models.gguf import read_model_facts
from tui_structurer.models.sources import resolve_gguf

GOAL_MS = 100.0


def write_8b_shaped(path: Path) -> None:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_block_count(32)
    writer.add_context_length(131072)
    writer.add_embedding_length(4096)
    writer.add_feed_forward_length(14336)
    writer.add_head_count(32)
    writer.add_head_count_kv(8)
    writer.add_token_list([f"token-{i}" for i in range(128_256)])
    writer.add_token_merges([f"a{i} b{i}" for i in range(280_147)])
    writer.add_token_types([1] * 128_256)
    q4k, q6k, f32 = (
        gguf.GGMLQuantizationType.Q4_K,
        gguf.GGMLQuantizationType.Q6_K,
        (gguf.GGMLQuantizationType.F32),
    )

    def add(name: str, shape: tuple[int, ...], kind: gguf.GGMLQuantizationType) -> None:
        block, size = gguf.GGML_QUANT_SIZES[kind]
        nbytes = int(np.prod(shape)) // block * size
        if kind == f32:
            writer.add_tensor_info(name, shape, np.dtype(np.float32), nbytes)
            return
        byte_shape = (*shape[:-1], shape[-1] // block * size)  # quantized rows, in bytes
        writer.add_tensor_info(name, byte_shape, np.dtype(np.uint8), nbytes, raw_dtype=kind)

    add("token_embd.weight", (128_256, 4096), q4k)
    for layer in range(32):
        for part, shape in (("attn_q", (4096, 4096)), ("attn_k", (1024, 4096)),
                            ("attn_v", (1024, 4096)), ("attn_output", (4096, 4096)),
                            ("ffn_gate", (14336, 4096)), ("ffn_up", (14336, 4096)),
                            ("ffn_down", (4096, 14336))):  # fmt: skip
            add(f"blk.{layer}.{part}.weight", shape, q4k)
        add(f"blk.{layer}.attn_norm.weight", (4096,), f32)
        add(f"blk.{layer}.ffn_norm.weight", (4096,), f32)
    add("output_norm.weight", (4096,), f32)
    add("output.weight", (128_256, 4096), q6k)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    with path.open("r+b") as handle:
        handle.truncate(8_000_000_000)  # the data region, as a sparse hole


def timed_ms(path: Path, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        read_model_facts(path)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> dict[str, float]:
    small = resolve_gguf("embedded")
    ours_small = timed_ms(small)
    started = time.perf_counter()
    gguf.GGUFReader(str(small))
    baseline = (time.perf_counter() - started) * 1000
    with tempfile.TemporaryDirectory() as temp:
        big = Path(temp) / "llama-8b-shaped.gguf"
        write_8b_shaped(big)
        ours_big = timed_ms(big)
        facts = read_model_facts(big)
    print(f"270M model: {ours_small:.1f} ms (goal < {GOAL_MS:.0f} ms); gguf.GGUFReader: "
          f"{baseline:.0f} ms → {baseline / ours_small:.0f}× faster")  # fmt: skip
    print(
        f"8 GB Llama-3.1-8B-shaped file: {ours_big:.1f} ms (goal < {GOAL_MS:.0f} ms); "
        f"{facts.n_layers} layers, {sum(facts.layer_bytes) / 1e9:.2f} GB in layers"
    )
    return {"small_ms": ours_small, "big_ms": ours_big, "baseline_ms": baseline}


if __name__ == "__main__":
    main()
