"""Read what GPU sizing needs from a GGUF file, and nothing else.

The ``gguf`` package parses the whole vocabulary into Python objects (about 11 s for the
embedded 270M model here); sizing needs the hyper-parameters and the byte size of each
tensor. This reader walks the header with ``struct`` on a memory map, steps over the
vocabulary arrays without decoding them, and takes tensor sizes from the gaps between
tensor offsets, so it needs no table of quantization formats. Split models
(``split.count``) are read across all their parts.
"""

from __future__ import annotations

import mmap
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_structurer.errors import StructurerError

GGUF_MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
_SCALARS = {
    0: struct.Struct("<B"),
    1: struct.Struct("<b"),
    2: struct.Struct("<H"),
    3: struct.Struct("<h"),
    4: struct.Struct("<I"),
    5: struct.Struct("<i"),
    6: struct.Struct("<f"),
    7: struct.Struct("<?"),
    10: struct.Struct("<Q"),
    11: struct.Struct("<q"),
    12: struct.Struct("<d"),
}
_STRING, _ARRAY = 8, 9
_U32, _U64 = struct.Struct("<I"), struct.Struct("<Q")
_BLOCK = re.compile(r"^blk\.(\d+)\.")
_SPLIT_NAME = re.compile(r"^(?P<stem>.*)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$")
_KEEP_ARRAY_ITEMS = 4096
"""Arrays longer than this (vocabularies, merges) are skipped; only their length is kept."""

SWA_PATTERN_BY_ARCH = {"gemma3": 6, "gemma2": 2, "cohere2": 4, "gemma3n": 5}
"""Every n-th layer is global, the others use the sliding window (llama.cpp's defaults for
architectures whose files do not say)."""


class GgufError(StructurerError):
    """The file is not a readable GGUF model."""


@dataclass(frozen=True)
class ModelFacts:
    """A model's shape and its bytes, as GPU sizing needs them."""

    architecture: str
    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: tuple[int, ...]
    """Per layer (a file may give one number for all layers)."""
    key_length: int
    value_length: int
    context_length: int
    vocab_size: int
    sliding_window: int = 0
    swa_layers: frozenset[int] = frozenset()
    """Layers that attend only to the sliding window."""
    layer_bytes: tuple[int, ...] = ()
    """Weight bytes of each repeating layer ``blk.N``."""
    output_bytes: int = 0
    """The output (lm_head) weights; the token embeddings' size when they are tied."""
    embedding_bytes: int = 0
    other_bytes: int = 0
    """Norms and anything outside the layers, output and embeddings."""
    tied_embeddings: bool = False
    file_bytes: int = 0
    parts: tuple[Path, ...] = field(default=(), repr=False)

    @property
    def total_weight_bytes(self) -> int:
        tied_extra = 0 if not self.tied_embeddings else self.output_bytes
        return (
            sum(self.layer_bytes)
            + self.output_bytes
            + self.embedding_bytes
            + (self.other_bytes)
            - tied_extra
        )


class _Cursor:
    def __init__(self, buffer: mmap.mmap, path: Path):
        self.buffer = buffer
        self.offset = 0
        self.path = path

    def need(self, size: int) -> None:
        if self.offset + size > len(self.buffer):
            raise GgufError(f"{self.path} is truncated (header ends early at byte {self.offset})")

    def unpack(self, fmt: struct.Struct) -> Any:
        self.need(fmt.size)
        (value,) = fmt.unpack_from(self.buffer, self.offset)
        self.offset += fmt.size
        return value

    def string(self) -> str:
        length = self.unpack(_U64)
        self.need(length)
        raw = self.buffer[self.offset : self.offset + length]
        self.offset += length
        return raw.decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        offset, buffer, unpack = self.offset, self.buffer, _U64.unpack_from
        size = len(buffer)
        for _ in range(count):
            if offset + 8 > size:
                raise GgufError(f"{self.path} is truncated inside its vocabulary")
            offset += 8 + unpack(buffer, offset)[0]
        self.offset = offset

    def value(self, kind: int) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item_kind, count = self.unpack(_U32), self.unpack(_U64)
            if count > _KEEP_ARRAY_ITEMS:
                if item_kind == _STRING:
                    self.skip_strings(count)
                elif item_kind in _SCALARS:
                    self.need(count * _SCALARS[item_kind].size)
                    self.offset += count * _SCALARS[item_kind].size
                else:
                    raise GgufError(f"{self.path}: nested array too long to read")
                return _Skipped(count)
            return [self.value(item_kind) for _ in range(count)]
        raise GgufError(f"{self.path}: unknown metadata type {kind} at byte {self.offset}")


@dataclass(frozen=True)
class _Skipped:
    """A long array we stepped over; its length is all sizing needs."""

    length: int


def _read_part(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Metadata and ``tensor name -> bytes`` of one GGUF file."""
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            if size < 24:
                raise GgufError(f"{path} is too small to be a GGUF model ({size} bytes)")
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
                return _parse(_Cursor(buffer, path), size)
    except OSError as exc:
        raise GgufError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _parse(cursor: _Cursor, size: int) -> tuple[dict[str, Any], dict[str, int]]:
    if cursor.buffer[:4] != GGUF_MAGIC:
        raise GgufError(f"{cursor.path} is not a GGUF file")
    cursor.offset = 4
    version = cursor.unpack(_U32)
    if version < 2:
        raise GgufError(f"{cursor.path} uses GGUF version {version}; only 2 and later are read")
    n_tensors, n_kv = cursor.unpack(_U64), cursor.unpack(_U64)
    metadata: dict[str, Any] = {}
    for _ in range(n_kv):
        key = cursor.string()
        metadata[key] = cursor.value(cursor.unpack(_U32))
    offsets: list[tuple[int, str]] = []
    for _ in range(n_tensors):
        name = cursor.string()
        n_dims = cursor.unpack(_U32)
        cursor.need(8 * n_dims + 12)
        cursor.offset += 8 * n_dims + 4  # shape and type: sizes come from the offsets
        offsets.append((cursor.unpack(_U64), name))
    alignment = int(metadata.get("general.alignment", DEFAULT_ALIGNMENT))
    data_start = (cursor.offset + alignment - 1) // alignment * alignment
    offsets.sort()
    sizes = {}
    for index, (offset, name) in enumerate(offsets):
        end = offsets[index + 1][0] if index + 1 < len(offsets) else size - data_start
        sizes[name] = end - offset
    if offsets and data_start + offsets[-1][0] > size:
        raise GgufError(f"{cursor.path} is truncated: its tensors end past the file")
    return metadata, sizes


def _parts(path: Path, metadata: dict[str, Any]) -> list[Path]:
    count = int(metadata.get("split.count", 1))
    if count <= 1:
        return [path]
    match = _SPLIT_NAME.match(path.name)
    if not match:
        raise GgufError(f"{path} says it is split in {count} parts but is not named -00001-of-")
    stem = match.group("stem")
    return [path.with_name(f"{stem}-{i:05d}-of-{count:05d}.gguf") for i in range(1, count + 1)]


def _per_layer(value: Any, n_layers: int, default: int) -> tuple[int, ...]:
    if isinstance(value, list):
        return tuple(int(v) for v in value[:n_layers])
    return (int(value if value is not None else default),) * n_layers


def _swa_layers(arch: str, metadata: dict[str, Any], n_layers: int, window: int) -> frozenset[int]:
    if not window:
        return frozenset()
    pattern = metadata.get(f"{arch}.attention.sliding_window_pattern")
    if isinstance(pattern, list):  # one flag per layer
        return frozenset(i for i, flag in enumerate(pattern[:n_layers]) if flag)
    every = int(pattern) if isinstance(pattern, int) else SWA_PATTERN_BY_ARCH.get(arch, 0)
    if every <= 1:
        return frozenset(range(n_layers))  # a window on every layer
    return frozenset(i for i in range(n_layers) if i % every < every - 1)


def read_model_facts(path: Path) -> ModelFacts:
    """Facts of the model in ``path`` (the first part, for a split model)."""
    metadata, sizes = _read_part(path)
    parts = _parts(path, metadata)
    for part in parts[1:]:
        if not part.is_file():
            raise GgufError(f"part {part.name} of the split model is missing")
        sizes.update(_read_part(part)[1])
    arch = metadata.get("general.architecture")
    if not isinstance(arch, str):
        raise GgufError(f"{path} has no general.architecture")

    def get(key: str, default: Any = None) -> Any:
        return metadata.get(f"{arch}.{key}", default)

    n_layers = int(get("block_count", 0))
    n_embd = int(get("embedding_length", 0))
    n_head = int(
        get("attention.head_count", 0)
        if not isinstance(get("attention.head_count"), list)
        else max(get("attention.head_count"))
    )
    if not (n_layers and n_embd and n_head):
        raise GgufError(f"{path} lacks block_count, embedding_length or head_count for {arch}")
    head_dim = n_embd // n_head
    tokens = metadata.get("tokenizer.ggml.tokens")
    vocab = tokens.length if isinstance(tokens, _Skipped) else len(tokens or [])
    vocab = int(get("vocab_size", vocab))

    layer_bytes = [0] * n_layers
    other = 0
    for name, nbytes in sizes.items():
        block = _BLOCK.match(name)
        if block and int(block.group(1)) < n_layers:
            layer_bytes[int(block.group(1))] += nbytes
        elif name not in ("output.weight", "token_embd.weight"):
            other += nbytes
    embedding = sizes.get("token_embd.weight", 0)
    tied = "output.weight" not in sizes
    window = int(get("attention.sliding_window", 0) or 0)
    return ModelFacts(
        architecture=arch,
        n_layers=n_layers,
        n_embd=n_embd,
        n_head=n_head,
        n_head_kv=_per_layer(get("attention.head_count_kv"), n_layers, n_head),
        key_length=int(get("attention.key_length", head_dim)),
        value_length=int(get("attention.value_length", head_dim)),
        context_length=int(get("context_length", 0)),
        vocab_size=vocab,
        sliding_window=window,
        swa_layers=_swa_layers(arch, metadata, n_layers, window),
        layer_bytes=tuple(layer_bytes),
        output_bytes=embedding if tied else sizes["output.weight"],
        embedding_bytes=embedding,
        other_bytes=other,
        tied_embeddings=tied,
        file_bytes=sum(p.stat().st_size for p in parts),
        parts=tuple(parts),
    )
