"""Write a GGUF with a real model's shapes and llama.cpp's Q4_K_M type mix, random weights.

No weights can be downloaded on the GPU machine, and memory use and speed depend only on
shapes and types, so a stand-in is written there in seconds: Q4_K and Q6_K blocks are
written directly with valid fp16 scales and random quants, in the per-tensor type mix
llama.cpp's quantizer gives Q4_K_M. That is equally honest as quantizing a random F16
file and avoids writing and reading 16 GB (about a minute of device time).

The text of a random model is nonsense, and for free generation that changes nothing: a
token costs what it costs. Strict decoding is different: its speed depends on how often
the model keeps the drafted source text, and a fully random model disagrees at almost
every gap, which would make strict mode look many times slower than with a real model.
So the weights carry one small rule of choice: the first 32 dimensions of each token
embedding are a random code, the output layer reads only those dimensions, and it
prefers tokens that continue plainly (a space and a lower-case word) by ``margin``
standard deviations of the code's noise. The model then punctuates some gaps and
capitalizes a few words, in a proportion set by ``margin`` and reported by the check.
The layers never write those dimensions (the first 256 rows of every attention output
and FFN down projection are zero), so the rule holds whatever the random layers compute,
and dimensions 32-255 stay zero so that CPU kernels, which quantize activations in
256-value blocks, read the code precisely. Every layer still does its full work.

`python3 fake_model.py OUT.gguf --shape 8b --tokenizer VOCAB.gguf`
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from gguf import GGMLQuantizationType, GGUFReader, GGUFValueType, GGUFWriter

QK_K = 256
Q4_K_BYTES, Q6_K_BYTES = 144, 210
WEIGHT_STD = 0.02
"""Spread of a random weight, about a trained 8B's."""
CODE_DIMS = 32
"""Embedding dimensions that carry the choice rule (one q8_1 block on CUDA)."""
QUIET_ROWS = QK_K
"""Leading residual dimensions the layers never write (one Q8_K block on the CPU)."""
OUTPUT_NOISE_Q = 3
"""Output-code quants are uniform in 32 ± this."""
DEFAULT_MARGIN = 3.0
"""Measured here: 10-15 marks per 100 words, as the shipped and development gold texts
have (13 and 10); paragraph breaks come out two or three times as often as theirs."""
MOSTLY_Q4_K_M = 15
"""llama_ftype of a Q4_K_M file."""
LLAMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] "
    "+ '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
    "{% endif %}"
)
PLAIN = re.compile(r"^[\u0120\u2581][a-z]+$")
"""A space (byte-level BPE's Ġ or SentencePiece's ▁) and a lower-case word."""


@dataclass(frozen=True)
class Shape:
    n_layer: int
    n_embd: int
    n_ff: int
    n_head: int
    n_head_kv: int
    context_length: int
    rope_base: float = 500000.0


SHAPES = {
    "8b": Shape(32, 4096, 14336, 32, 8, 131072),  # Llama-3.1-8B
    "tiny": Shape(2, 512, 1024, 8, 4, 32768),
}


def use_more_bits(layer: int, n_layer: int) -> bool:
    """llama.cpp's rule (llama-quant.cpp) for the layers Q4_K_M keeps at Q6_K."""
    eighth = n_layer // 8
    return layer < eighth or layer >= 7 * n_layer // 8 or (layer - eighth) % 3 == 2


# --- K-quant blocks -----------------------------------------------------------------------


def pack_q4k_scales(scales: list[int], mins: list[int]) -> bytes:
    """The 12 bytes of a Q4_K block's eight 6-bit scales and mins (ggml's layout)."""
    packed = [0] * 12
    for j in range(4):
        packed[j] = (scales[j] & 63) | ((scales[j + 4] >> 4) << 6)
        packed[j + 4] = (mins[j] & 63) | ((mins[j + 4] >> 4) << 6)
        packed[j + 8] = (scales[j + 4] & 15) | ((mins[j + 4] & 15) << 4)
    return bytes(packed)


def _f16(value: float) -> np.ndarray:
    return np.array([value], dtype=np.float16).view(np.uint8)


def _random_bytes(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.frombuffer(bytearray(rng.bytes(math.prod(shape))), np.uint8).reshape(shape)


# Random Q4_K: value = d*32*q - dmin*32 with dmin = 7.5 d, so q in 0..15 is centred on 0.
_Q4K_STEP = WEIGHT_STD / math.sqrt((16**2 - 1) / 12)
_Q4K_SCALES = pack_q4k_scales([32] * 8, [32] * 8)
# Random Q6_K: value = d*8*(q - 32), q in 0..63.
_Q6K_SCALE = 8
_Q6K_D = WEIGHT_STD / math.sqrt((64**2 - 1) / 12) / _Q6K_SCALE


def q4k_blocks(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    blocks = _random_bytes(rng, (rows, cols // QK_K, Q4_K_BYTES))
    blocks[..., 0:2] = _f16(_Q4K_STEP / 32)
    blocks[..., 2:4] = _f16(7.5 * _Q4K_STEP / 32)
    blocks[..., 4:16] = np.frombuffer(_Q4K_SCALES, np.uint8)
    return blocks


def q6k_blocks(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    blocks = _random_bytes(rng, (rows, cols // QK_K, Q6_K_BYTES))
    blocks[..., 192:208] = _Q6K_SCALE
    blocks[..., 208:210] = _f16(_Q6K_D)
    return blocks


def quiet_rows(blocks: np.ndarray, kind: GGMLQuantizationType) -> np.ndarray:
    """Zero the first QUIET_ROWS output rows: their scales become 0."""
    if kind == GGMLQuantizationType.Q4_K:
        blocks[:QUIET_ROWS, :, 0:4] = 0
    else:
        blocks[:QUIET_ROWS, :, 208:210] = 0
    return blocks


# --- the choice rule ---------------------------------------------------------------------

_CODE_D = 0.02
"""Embedding code values are _CODE_D * (2q - 15), q random in 0..15; dimension 0 is 15."""
_CODE_VAR = 85.0
"""Mean of (2q - 15)^2 over q in 0..15."""


def embedding_blocks(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    blocks = q4k_blocks(rng, rows, cols)
    first = blocks[:, 0]
    first[:, 0:2] = _f16(_CODE_D)
    first[:, 2:4] = _f16(_CODE_D)
    # Sub-block 0 (dimensions 0-31): scale 2, min 15 -> d*(2q - 15); the rest of the
    # first 256 dimensions: scale 0, min 0 -> exactly 0.
    first[:, 4:16] = np.frombuffer(pack_q4k_scales([2] + [0] * 7, [15] + [0] * 7), np.uint8)
    first[:, 16] = (first[:, 16] & 0xF0) | 15  # dimension 0: the constant +15 d
    return blocks


def output_blocks(
    rng: np.random.Generator, rows: int, cols: int, plain: np.ndarray, margin: float
) -> np.ndarray:
    """Only the first 32 dimensions are read: each token's weights there are random,
    plus ``margin`` noise deviations on dimension 0 for plain continuations."""
    blocks = q6k_blocks(rng, rows, cols)
    blocks[:, 1:, 208:210] = 0  # dimensions past the first block: weight 0
    first = blocks[:, 0]
    first[:, 192:208] = 0
    first[:, 192:194] = _Q6K_SCALE  # sub-blocks 0 and 1: dimensions 0-31
    spread = 2 * OUTPUT_NOISE_Q + 1
    quants = 32 - OUTPUT_NOISE_Q + rng.integers(0, spread, size=(rows, CODE_DIMS))
    noise_var = (CODE_DIMS - 1) * (spread**2 - 1) / 12 * _CODE_VAR
    boost = round(margin * math.sqrt(noise_var) / 15)  # dimension 0 of the code is 15
    if not 0 <= boost <= 31:
        raise ValueError(f"margin {margin} does not fit a Q6_K quant")
    quants[:, 0] = 32 + boost * plain
    # Element l < 32 of a Q6_K block: low nibble of ql[l], bits 0-1 of qh[l].
    first[:, 0:32] = (first[:, 0:32] & 0xF0) | (quants & 0xF)
    first[:, 128:160] = (first[:, 128:160] & 0xFC) | (quants >> 4)
    return blocks


# --- the file ------------------------------------------------------------------------------


def llama31_rope_factors(head_dim: int, base: float) -> np.ndarray:
    """Llama 3.1's rope_freqs tensor (scaling factor 8 from an 8192-token original)."""
    factor, low, high, original = 8.0, 1.0, 4.0, 8192
    factors = []
    for i in range(0, head_dim, 2):
        wavelength = 2 * math.pi * base ** (i / head_dim)
        if wavelength < original / high:
            factors.append(1.0)
        elif wavelength > original / low:
            factors.append(factor)
        else:
            smooth = (original / wavelength - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


@dataclass(frozen=True)
class Tokenizer:
    fields: list[tuple[str, Any, GGUFValueType, GGUFValueType | None]]
    tokens: list[str]


def read_tokenizer(path: Path) -> Tokenizer:
    """Every ``tokenizer.*`` field of a GGUF (a vocab-only file or a whole model)."""
    reader = GGUFReader(path)
    fields = []
    tokens: list[str] = []
    for key, field in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        kind = GGUFValueType(field.types[0])
        sub = GGUFValueType(field.types[-1]) if kind == GGUFValueType.ARRAY else None
        value = field.contents()
        fields.append((key, value, kind, sub))
        if key == "tokenizer.ggml.tokens":
            tokens = value
    if not tokens:
        raise ValueError(f"{path} has no tokenizer.ggml.tokens")
    return Tokenizer(fields, tokens)


@dataclass(frozen=True)
class _Tensor:
    name: str
    kind: GGMLQuantizationType
    shape: tuple[int, int] | tuple[int]
    """Rows, then values per row (ggml's ne1, ne0)."""
    make: Callable[[], np.ndarray]


def _tensors(
    shape: Shape, n_vocab: int, plain: np.ndarray, margin: float, seed: int
) -> list[_Tensor]:
    rng = np.random.default_rng(seed)
    q4k, q6k, f32 = GGMLQuantizationType.Q4_K, GGMLQuantizationType.Q6_K, GGMLQuantizationType.F32
    head_dim = shape.n_embd // shape.n_head
    kv = shape.n_head_kv * head_dim
    ones = lambda n: lambda: np.ones(n, np.float32)  # noqa: E731
    blocks = {q4k: q4k_blocks, q6k: q6k_blocks}

    def matrix(
        name: str, kind: GGMLQuantizationType, rows: int, cols: int, quiet: bool = False
    ) -> _Tensor:
        def make() -> np.ndarray:
            data = blocks[kind](rng, rows, cols)
            return quiet_rows(data, kind) if quiet else data

        return _Tensor(name, kind, (rows, cols), make)

    tensors = [
        _Tensor(
            "rope_freqs.weight",
            f32,
            (head_dim // 2,),
            lambda: llama31_rope_factors(head_dim, shape.rope_base),
        ),
        _Tensor(
            "token_embd.weight",
            q4k,
            (n_vocab, shape.n_embd),
            lambda: embedding_blocks(rng, n_vocab, shape.n_embd),
        ),
    ]
    for i in range(shape.n_layer):
        more = q6k if use_more_bits(i, shape.n_layer) else q4k
        tensors += [
            _Tensor(f"blk.{i}.attn_norm.weight", f32, (shape.n_embd,), ones(shape.n_embd)),
            matrix(f"blk.{i}.attn_q.weight", q4k, shape.n_embd, shape.n_embd),
            matrix(f"blk.{i}.attn_k.weight", q4k, kv, shape.n_embd),
            matrix(f"blk.{i}.attn_v.weight", more, kv, shape.n_embd),
            matrix(f"blk.{i}.attn_output.weight", q4k, shape.n_embd, shape.n_embd, quiet=True),
            _Tensor(f"blk.{i}.ffn_norm.weight", f32, (shape.n_embd,), ones(shape.n_embd)),
            matrix(f"blk.{i}.ffn_gate.weight", q4k, shape.n_ff, shape.n_embd),
            matrix(f"blk.{i}.ffn_up.weight", q4k, shape.n_ff, shape.n_embd),
            matrix(f"blk.{i}.ffn_down.weight", more, shape.n_embd, shape.n_ff, quiet=True),
        ]
    tensors += [
        _Tensor("output_norm.weight", f32, (shape.n_embd,), ones(shape.n_embd)),
        _Tensor(
            "output.weight",
            q6k,
            (n_vocab, shape.n_embd),
            lambda: output_blocks(rng, n_vocab, shape.n_embd, plain, margin),
        ),
    ]
    return tensors


def _nbytes(tensor: _Tensor) -> int:
    if tensor.kind == GGMLQuantizationType.F32:
        return 4 * math.prod(tensor.shape)
    per_block = Q4_K_BYTES if tensor.kind == GGMLQuantizationType.Q4_K else Q6_K_BYTES
    return math.prod(tensor.shape) // QK_K * per_block


def _metadata(writer: GGUFWriter, shape: Shape, tokenizer: Tokenizer, name: str) -> None:
    writer.add_name(name)
    writer.add_file_type(MOSTLY_Q4_K_M)
    writer.add_quantization_version(2)
    writer.add_block_count(shape.n_layer)
    writer.add_context_length(shape.context_length)
    writer.add_embedding_length(shape.n_embd)
    writer.add_feed_forward_length(shape.n_ff)
    writer.add_head_count(shape.n_head)
    writer.add_head_count_kv(shape.n_head_kv)
    writer.add_rope_freq_base(shape.rope_base)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(shape.n_embd // shape.n_head)
    writer.add_vocab_size(len(tokenizer.tokens))
    for key, value, kind, sub in tokenizer.fields:
        writer.add_key_value(key, value, kind, sub_type=sub)
    if not any(key == "tokenizer.chat_template" for key, *_ in tokenizer.fields):
        writer.add_chat_template(LLAMA3_CHAT_TEMPLATE)


def write_model(
    path: Path, shape: Shape, tokenizer: Tokenizer, margin: float = DEFAULT_MARGIN, seed: int = 0
) -> dict[str, Any]:
    """Write the file; returns what was written (bytes, tensors by type, seconds)."""
    began = time.perf_counter()
    plain = np.array([bool(PLAIN.match(t)) for t in tokenizer.tokens], dtype=np.int64)
    tensors = _tensors(shape, len(tokenizer.tokens), plain, margin, seed)
    partial = path.with_name(path.name + ".part")
    writer = GGUFWriter(partial, "llama")
    _metadata(writer, shape, tokenizer, f"random weights, {shape.n_layer} layers x {shape.n_embd}")
    for tensor in tensors:
        byte_shape = (*tensor.shape[:-1], _nbytes(tensor) // math.prod(tensor.shape[:-1]))
        raw = None if tensor.kind == GGMLQuantizationType.F32 else tensor.kind
        dtype = np.float32 if raw is None else np.uint8
        shape_given = tensor.shape if raw is None else byte_shape
        writer.add_tensor_info(tensor.name, shape_given, np.dtype(dtype), _nbytes(tensor), raw)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tensor in tensors:
        writer.write_tensor_data(tensor.make())
    writer.close()
    partial.replace(path)
    kinds: dict[str, int] = {}
    for tensor in tensors:
        kinds[tensor.kind.name] = kinds.get(tensor.kind.name, 0) + 1
    return {
        "path": str(path),
        "bytes": path.stat().st_size,
        "vocab": len(tokenizer.tokens),
        "plain_tokens": int(plain.sum()),
        "tensors_by_type": kinds,
        "margin": margin,
        "seconds": round(time.perf_counter() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--shape", choices=list(SHAPES), default="8b")
    parser.add_argument("--tokenizer", type=Path, required=True, help="a GGUF to take it from")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN)
    args = parser.parse_args()
    report = write_model(args.out, SHAPES[args.shape], read_tokenizer(args.tokenizer), args.margin)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
