"""The GPU check (benchmarks/gpu) rehearsed on the CPU, so it cannot rot between the
rare sessions that are lent a GPU: the stand-in model's blocks decode as intended, its
type mix is llama.cpp's Q4_K_M, and `check.sh --cpu` runs every measuring step end to
end on the CPU build of llama-cpp-python (no compile; the CUDA build is for the GPU)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gguf import GGMLQuantizationType
from gguf.quants import dequantize

ROOT = Path(__file__).resolve().parent.parent
GPU_CHECK = ROOT / "benchmarks" / "gpu"
_spec = importlib.util.spec_from_file_location("gpu_fake_model", GPU_CHECK / "fake_model.py")
assert _spec is not None and _spec.loader is not None
fake_model = sys.modules["gpu_fake_model"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake_model)

Q4_K, Q6_K = GGMLQuantizationType.Q4_K, GGMLQuantizationType.Q6_K


def _values(blocks: np.ndarray, kind: GGMLQuantizationType) -> np.ndarray:
    return dequantize(blocks.reshape(blocks.shape[0], -1), kind)


def test_random_blocks_have_a_trained_models_spread() -> None:
    rng = np.random.default_rng(1)
    for kind, make in ((Q4_K, fake_model.q4k_blocks), (Q6_K, fake_model.q6k_blocks)):
        values = _values(make(rng, 64, 512), kind)
        assert values.shape == (64, 512)
        assert abs(values.std() - fake_model.WEIGHT_STD) < 0.002
        assert abs(values.mean()) < 0.001


def test_layers_never_write_the_code_dimensions() -> None:
    rng = np.random.default_rng(2)
    for kind, make in ((Q4_K, fake_model.q4k_blocks), (Q6_K, fake_model.q6k_blocks)):
        values = _values(fake_model.quiet_rows(make(rng, 300, 512), kind), kind)
        assert not values[: fake_model.QUIET_ROWS].any()
        assert values[fake_model.QUIET_ROWS :].std() > 0.01


def test_the_choice_rule_is_in_the_embeddings_and_the_output_layer() -> None:
    rng = np.random.default_rng(3)
    embedding = _values(fake_model.embedding_blocks(rng, 50, 512), Q4_K)
    assert np.allclose(embedding[:, 0], embedding[0, 0]) and embedding[0, 0] > 0
    assert embedding[:, 1:32].std() > 0.1
    assert not embedding[:, 32:256].any()
    plain = np.array([1, 0] * 25)
    output = _values(fake_model.output_blocks(rng, 50, 512, plain, margin=3.0), Q6_K)
    assert (output[plain == 1, 0] > 0).all() and not output[plain == 0, 0].any()
    assert not output[:, 32:].any()


def test_the_8b_shape_has_llama_cpps_q4_k_m_mix() -> None:
    """llama.cpp loads Llama-3.1-8B Q4_K_M as 66 f32, 193 q4_K and 33 q6_K tensors, 4.91 GB."""
    shape = fake_model.SHAPES["8b"]
    tensors = fake_model._tensors(shape, 128256, np.zeros(128256, np.int64), 3.0, 0)
    kinds = [t.kind for t in tensors]
    assert (kinds.count(GGMLQuantizationType.F32), kinds.count(Q4_K), kinds.count(Q6_K)) == (
        66,
        193,
        33,
    )
    assert sum(fake_model._nbytes(t) for t in tensors) == 4_912_898_304


@pytest.mark.model
def test_cpu_rehearsal_runs_every_step(tmp_path: Path) -> None:
    env = {**os.environ, "GPU_CHECK_WORK": str(tmp_path / "work")}
    out = tmp_path / "out"
    done = subprocess.run(
        ["bash", str(GPU_CHECK / "check.sh"), "--cpu", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "gpu-check.json").read_text())
    assert {name: step["status"] for name, step in results["steps"].items()} == {
        "doctor": "ok",
        "sizing": "ok",
        "speed": "ok",
    }
    assert [run["context"] for run in results["sizing"]] == [8192, 32768]
    assert all(run["llama_buffers_mib"] for run in results["sizing"])
    strict = results["speed"]["strict"]
    assert strict["lowest_raw_fidelity"] == 1.0
    assert strict["marks_per_100_words"] > 0  # the stand-in does choose marks
    assert "strict / free" in (out / "gpu-check-summary.txt").read_text()

    # Strict decoding needs a tokenizer that writes English words back exactly.
    import llama_cpp

    llm = llama_cpp.Llama(str(tmp_path / "work/random-tiny.gguf"), vocab_only=True, verbose=False)
    text = "So last week I went to the market, and I bought apples: 10% off!"
    assert llm.detokenize(llm.tokenize(text.encode(), add_bos=False)).decode() == text
