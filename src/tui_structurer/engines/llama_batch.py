"""llama.cpp's low-level batch API, for strict decoding.

The high-level ``Llama`` class decodes one sampled token at a time and would need
``logits_all=True`` (n_ctx × vocabulary floats) to score a drafted block; here a block
is decoded in one call with logits kept only where a choice is due, and only the few
candidate logits are read back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui_structurer.engines.base import EngineError


class LlamaBatchRuntime:
    """Decodes token blocks on sequence 0 of a ``llama_cpp.Llama``'s context."""

    def __init__(self, llm: Any):
        import llama_cpp

        self._lib = llama_cpp
        self._llm = llm
        self._ctx = llm._ctx.ctx
        self.n_batch = int(llama_cpp.llama_n_batch(self._ctx))
        self._batch = llama_cpp.llama_batch_init(self.n_batch, 0, 1)
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._offset = 0
        """Index of the last sub-batch's first token within the last ``decode`` call."""

    def clear(self) -> None:
        """Empty the KV cache; the high-level API is told so it re-evaluates prompts."""
        self._lib.llama_memory_clear(self._memory, True)
        self._llm.n_tokens = 0

    def decode(self, tokens: Sequence[int], first_pos: int, want_logits: Sequence[int]) -> None:
        wanted = set(want_logits)
        for offset in range(0, len(tokens), self.n_batch):
            part = tokens[offset : offset + self.n_batch]
            last = offset + len(part) >= len(tokens)
            if not last and any(offset <= i < offset + len(part) for i in wanted):
                raise ValueError("logits can only be kept in the last sub-batch")
            batch = self._batch
            batch.n_tokens = len(part)
            for i, token in enumerate(part):
                batch.token[i] = token
                batch.pos[i] = first_pos + offset + i
                batch.n_seq_id[i] = 1
                batch.seq_id[i][0] = 0
                batch.logits[i] = (offset + i) in wanted
            status = self._lib.llama_decode(self._ctx, batch)
            if status != 0:
                reason = "the context is full" if status == 1 else f"llama_decode returned {status}"
                raise EngineError(f"strict decoding failed: {reason}")
            self._offset = offset

    def scores(self, batch_index: int, token_ids: Sequence[int]) -> list[float]:
        row = self._lib.llama_get_logits_ith(self._ctx, batch_index - self._offset)
        if not row:
            raise EngineError(f"no logits were kept at batch index {batch_index}")
        return [row[token] for token in token_ids]

    def forget_from(self, pos: int) -> None:
        if not self._lib.llama_memory_seq_rm(self._memory, 0, pos, -1):
            raise EngineError(f"the KV cache could not drop positions from {pos} on")

    def close(self) -> None:
        self._lib.llama_batch_free(self._batch)
