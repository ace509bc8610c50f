"""One attempt: chunk the transcript, generate each chunk, stitch, repair, score, gate."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tui_structurer import chunking, fidelity
from tui_structurer.config import CascadeStep, Gate, ModelProfile, Prompt
from tui_structurer.engines import Engine, GenerationStats, TextPiece
from tui_structurer.pipeline.events import (
    AttemptStarted,
    ChunkStarted,
    PipelineEvent,
    TokenGenerated,
)
from tui_structurer.pipeline.gate import gate_reasons
from tui_structurer.pipeline.result import AttemptResult, AttemptStats
from tui_structurer.prompts import render
from tui_structurer.repair import repair

Emit = Callable[[PipelineEvent], None]


class Cancelled(Exception):
    """Generation was cancelled; nothing of the attempt is kept."""


def _combine(stats: list[GenerationStats]) -> AttemptStats:
    decode_tokens = sum(max(0, s.completion_tokens - 1) for s in stats)
    decode_seconds = sum(
        (s.completion_tokens - 1) / s.decode_tokens_per_s
        for s in stats
        if s.decode_tokens_per_s > 0 and s.completion_tokens > 1
    )
    return AttemptStats(
        prompt_tokens=sum(s.prompt_tokens for s in stats),
        completion_tokens=sum(s.completion_tokens for s in stats),
        time_to_first_token_s=stats[0].time_to_first_token_s if stats else 0.0,
        decode_tokens_per_s=decode_tokens / decode_seconds if decode_seconds else 0.0,
        seconds=sum(s.seconds for s in stats),
    )


def run_attempt(
    text: str,
    step: CascadeStep,
    step_index: int,
    profile: ModelProfile,
    prompt: Prompt,
    engine: Engine,
    gate: Gate,
    emit: Emit,
    cancel: threading.Event | None = None,
) -> AttemptResult:
    """Structure ``text`` once with ``engine`` and judge the result."""
    overhead = engine.prompt_tokens(render(prompt, profile.prompt_style, ""))
    budget = chunking.chunk_token_budget(engine.context, overhead)
    chunks = chunking.split(text, budget, engine.count_tokens)
    expected = sum(chunk.tokens for chunk in chunks)
    emit(AttemptStarted(step_index, step, len(chunks), expected))

    raw_parts: list[str] = []
    final_parts: list[str] = []
    unmatched: list[tuple[int, int]] = []
    all_stats: list[GenerationStats] = []
    done = 0
    for chunk in chunks:
        emit(ChunkStarted(chunk.index, len(chunks)))
        rendered = render(prompt, profile.prompt_style, chunk.text)
        pieces: list[str] = []
        limit = chunking.max_output_tokens(chunk.tokens)
        for item in engine.generate(rendered, limit, prompt.stop, cancel):
            if isinstance(item, TextPiece):
                pieces.append(item.text)
                done += 1
                emit(TokenGenerated(item.text, done, expected))
            else:
                all_stats.append(item)
        if all_stats and all_stats[-1].finish_reason == "cancelled":
            raise Cancelled
        raw = "".join(pieces).strip()
        raw_parts.append(raw)
        if step.mode == "repair":
            repaired = repair(chunk.text, raw)
            final_parts.append(repaired.text)
            unmatched.extend((chunk.start + a, chunk.start + b) for a, b in repaired.unmatched)
        else:
            final_parts.append(raw)

    raw_output = " ".join(part for part in raw_parts if part)
    final_output = " ".join(part for part in final_parts if part)
    raw_fidelity = fidelity.score(text, raw_output)
    final_fidelity = raw_fidelity if step.mode == "free" else fidelity.score(text, final_output)
    reasons = gate_reasons(gate, raw_fidelity, final_fidelity)
    return AttemptResult(
        step=step,
        raw_output=raw_output,
        final_output=final_output,
        raw_fidelity=raw_fidelity,
        final_fidelity=final_fidelity,
        passed=not reasons,
        gate_reasons=reasons,
        unmatched=tuple(unmatched),
        stats=_combine(all_stats),
    )
