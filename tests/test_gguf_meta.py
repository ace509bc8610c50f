"""The GGUF reader on the real embedded model and on small files written with gguf."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import pytest

from tui_structurer.models.gguf import GgufError, read_model_facts
from tui_structurer.models.sources import resolve_gguf


def test_embedded_gemma3_model() -> None:
    facts = read_model_facts(resolve_gguf("embedded"))
    assert facts.architecture == "gemma3"
    assert (facts.n_layers, facts.n_embd, facts.n_head) == (18, 640, 4)
    assert facts.n_head_kv == (1,) * 18
    assert (facts.key_length, facts.value_length) == (256, 256)
    assert facts.vocab_size == 262_144 and facts.context_length == 32_768
    assert facts.sliding_window == 512
    assert set(range(18)) - facts.swa_layers == {5, 11, 17}  # every sixth layer is global
    assert facts.tied_embeddings and facts.output_bytes == facts.embedding_bytes
    # every tensor byte is attributed, and the header (vocabulary) is the rest of the file
    assert 0.95 * facts.file_bytes < facts.total_weight_bytes < facts.file_bytes


def write_model(
    path: Path, layers: int = 3, vocab: int = 5000, tied: bool = False, **split: int
) -> None:
    writer = gguf.GGUFWriter(str(path), "llama", **split)  # type: ignore[arg-type]
    writer.add_block_count(layers)
    writer.add_embedding_length(64)
    writer.add_head_count(4)
    writer.add_head_count_kv([2, 2, 1][:layers] if layers == 3 else 2)
    writer.add_context_length(8192)
    writer.add_token_list([f"tok{i}" for i in range(vocab)])
    writer.add_tensor("token_embd.weight", np.ones((vocab, 64), dtype=np.float16))
    for layer in range(layers):
        writer.add_tensor(f"blk.{layer}.attn_q.weight", np.ones((64, 64), dtype=np.float32))
        writer.add_tensor(f"blk.{layer}.ffn_down.weight", np.ones((128, 64), dtype=np.float16))
        writer.add_tensor(f"blk.{layer}.attn_norm.weight", np.ones(64, dtype=np.float32))
    writer.add_tensor("output_norm.weight", np.ones(64, dtype=np.float32))
    if not tied:
        writer.add_tensor("output.weight", np.ones((vocab, 64), dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def test_written_model_sizes_and_per_layer_kv_heads(tmp_path: Path) -> None:
    path = tmp_path / "small.gguf"
    write_model(path)
    facts = read_model_facts(path)
    assert facts.architecture == "llama"
    assert facts.n_head_kv == (2, 2, 1)
    assert facts.key_length == facts.value_length == 16
    assert facts.vocab_size == 5000  # from the skipped token list's length
    per_layer = 64 * 64 * 4 + 128 * 64 * 2 + 64 * 4
    assert facts.layer_bytes == (per_layer,) * 3
    assert facts.embedding_bytes == facts.output_bytes == 5000 * 64 * 2
    assert not facts.tied_embeddings
    assert facts.swa_layers == frozenset()


def test_tied_embeddings(tmp_path: Path) -> None:
    path = tmp_path / "tied.gguf"
    write_model(path, tied=True)
    facts = read_model_facts(path)
    assert facts.tied_embeddings and facts.output_bytes == facts.embedding_bytes


def test_split_model_is_read_across_parts(tmp_path: Path) -> None:
    write_model(tmp_path / "big.gguf", split_max_tensors=4)
    parts = sorted(tmp_path.glob("big-*-of-*.gguf"))
    assert len(parts) > 1
    facts = read_model_facts(parts[0])
    assert facts.parts == tuple(parts)
    whole = tmp_path / "whole.gguf"
    write_model(whole)
    assert facts.layer_bytes == read_model_facts(whole).layer_bytes
    parts[-1].unlink()
    with pytest.raises(GgufError, match="missing"):
        read_model_facts(parts[0])


def test_truncated_and_foreign_files(tmp_path: Path) -> None:
    path = tmp_path / "small.gguf"
    write_model(path)
    data = path.read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(GgufError, match="truncated"):
        read_model_facts(cut)
    head_only = tmp_path / "head.gguf"
    head_only.write_bytes(data[:2000])
    with pytest.raises(GgufError, match="truncated"):
        read_model_facts(head_only)
    other = tmp_path / "other.gguf"
    other.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(GgufError, match="not a GGUF file"):
        read_model_facts(other)
