"""llama.cpp's low-level batch API with several sequences, for strict decoding.

The high-level ``Llama`` class decodes one sampled token at a time on one sequence.
Strict decoding scores several candidate continuations of the same text in one batch:
each on its own sequence id over a unified KV cache, sharing the cells of the text they
continue (``llama_memory_seq_cp`` tags cells, it copies nothing), with logits kept only
where a choice is scored and read back only for the few tokens that matter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from tui_structurer.engines.base import EngineError
from tui_structurer.strict.runtime import ContextFull, Entry

SEQUENCES = 16
"""Sequence ids the context holds: the text and up to 15 candidates of one gap."""


def enable_sequences(llm: Any, sequences: int = SEQUENCES) -> None:
    """Give ``llm`` a context that holds ``sequences`` sequences over one unified KV
    cache (``Llama`` only asks for that in embedding mode). The old context is freed
    first, so only one KV cache is ever allocated at a time beyond the swap itself."""
    from llama_cpp import _internals

    params = llm.context_params
    params.n_seq_max = sequences
    params.kv_unified = True
    old = llm._ctx
    old.close()
    context = _internals.LlamaContext(model=llm._model, params=params, verbose=llm.verbose)
    llm._ctx = llm._stack.enter_context(contextlib.closing(context))
    llm.n_tokens = 0


class LlamaBatchRuntime:
    """A :class:`~tui_structurer.strict.runtime.ScoringRuntime` over a ``llama_cpp.Llama``
    whose context was made by :func:`enable_sequences`."""

    def __init__(self, llm: Any):
        import llama_cpp

        self._lib = llama_cpp
        self._llm = llm
        self._ctx = llm._ctx.ctx
        self._n_batch = int(llama_cpp.llama_n_batch(self._ctx))
        self._n_ctx = int(llama_cpp.llama_n_ctx(self._ctx))
        self._n_seq = int(llama_cpp.llama_n_seq_max(self._ctx))
        vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
        self._n_vocab = int(llama_cpp.llama_vocab_n_tokens(vocab))
        self._batch = llama_cpp.llama_batch_init(self._n_batch, 0, self._n_seq)
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._offset = 0
        """Index of the last sub-batch's first entry within the last ``decode`` call."""
        self._norms: dict[int, float] = {}
        """log-sum-exp of each row read since the last decode."""
        self._held: list[int] = []
        """What the last ``hold`` left on sequence 0, while nothing has changed it."""

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    @property
    def n_seq(self) -> int:
        return self._n_seq

    @property
    def n_batch(self) -> int:
        return self._n_batch

    def clear(self) -> None:
        """Empty the KV cache; the high-level API is told so it re-evaluates prompts."""
        self._lib.llama_memory_clear(self._memory, True)
        self._llm.n_tokens = 0
        self._held = []

    def hold(self, tokens: Sequence[int]) -> bool:
        if self._held and self._held == list(tokens):
            for seq in range(1, self._n_seq):
                self._lib.llama_memory_seq_rm(self._memory, seq, 0, -1)
            self.drop(0, len(tokens))
            return False
        self.clear()
        if not tokens:
            return False
        self.decode([Entry(token, pos, (0,), False) for pos, token in enumerate(tokens)])
        self._held = list(tokens)
        return True

    def _touch(self, start: int) -> None:
        """Sequence 0 changes from position ``start`` on."""
        if start < len(self._held):
            self._held = []

    def decode(self, entries: Sequence[Entry]) -> None:
        self._norms.clear()
        self._touch(min((e.pos for e in entries if 0 in e.seqs), default=len(self._held)))
        for offset in range(0, len(entries), self._n_batch):
            part = entries[offset : offset + self._n_batch]
            last = offset + len(part) >= len(entries)
            if not last and any(entry.row for entry in part):
                raise ValueError("logits can only be kept in the last sub-batch")
            batch = self._batch
            batch.n_tokens = len(part)
            for i, entry in enumerate(part):
                batch.token[i] = entry.token
                batch.pos[i] = entry.pos
                batch.n_seq_id[i] = len(entry.seqs)
                for j, seq in enumerate(entry.seqs):
                    batch.seq_id[i][j] = seq
                batch.logits[i] = entry.row
            status = self._lib.llama_decode(self._ctx, batch)
            if status == 1:
                raise ContextFull("no KV cache slot for the batch")
            if status != 0:
                raise EngineError(f"strict decoding failed: llama_decode returned {status}")
            self._offset = offset

    def logprobs(self, index: int, tokens: Sequence[int]) -> list[float]:
        pointer = self._lib.llama_get_logits_ith(self._ctx, index - self._offset)
        if not pointer:
            raise EngineError(f"no logits were kept at batch index {index}")
        row = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
        norm = self._norms.get(index)
        if norm is None:
            peak = float(row.max())
            norm = self._norms[index] = peak + float(np.log(np.exp(row - peak).sum()))
        return [float(row[token]) - norm for token in tokens]

    def fork(self, seq: int) -> None:
        self._lib.llama_memory_seq_cp(self._memory, 0, seq, -1, -1)

    def adopt(self, seq: int, start: int, end: int) -> None:
        self._touch(start)
        self._lib.llama_memory_seq_cp(self._memory, seq, 0, start, end)

    def drop(self, seq: int, start: int) -> None:
        if seq == 0:
            self._touch(start)
        if not self._lib.llama_memory_seq_rm(self._memory, seq, start, -1):
            raise EngineError(f"the KV cache could not drop sequence {seq} from {start} on")

    def close(self) -> None:
        self._lib.llama_batch_free(self._batch)
