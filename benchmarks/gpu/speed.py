"""Strict mode against free generation on one model and the same transcripts, through
the app's own pipeline (as benchmarks/strict_speed.py does), so the check measures
whatever strict decoding currently is.

`python3 speed.py CONFIG MODEL TRANSCRIPT_DIR MAX_WORDS` prints one JSON object.

A stand-in model never ends its text, so free generation writes to its token limit
(1.2x the chunk plus a margin); a real model writes about as many tokens as strict mode
does. Both figures are given: as measured, and free generation's time for strict's
token count at the decode rate it measured.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from tui_structurer.config import CascadeStep, load_config
from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline import Pipeline
from tui_structurer.strict.block_size import best_size, expected_kept
from tui_structurer.text.words import word_keys
from tui_structurer.transcripts import read_transcript

PROMPT = "structure"
"""One prompt for both modes, so both pay for the same prompt."""
ACCEPTANCES = (0.95, 0.9, 0.8, 0.7)


def transcripts(folder: Path, max_words: int) -> list[str]:
    """Raw transcripts (no ``.gold.txt``) in name order, cut to ``max_words`` in all."""
    texts, left = [], max_words
    for path in sorted(p for p in folder.glob("*.txt") if not p.name.endswith(".gold.txt")):
        if left <= 0:
            break
        words = read_transcript(path, 10_000_000).text.split()
        texts.append(" ".join(words[:left]))
        left -= len(words[:left])
    return texts


def _run(pipeline: Pipeline, texts: list[str], step: CascadeStep) -> dict[str, Any]:
    words = sum(len(word_keys(t)) for t in texts)
    calls = tokens = chunks = 0
    decode_seconds = 0.0
    outputs, lowest = [], 1.0
    began = time.perf_counter()
    for text in texts:
        attempt = pipeline.process(text, (step,)).candidate
        stats = attempt.stats
        calls += stats.decode_calls
        tokens += stats.completion_tokens
        chunks += 1
        if stats.decode_tokens_per_s:
            decode_seconds += max(0, stats.completion_tokens - 1) / stats.decode_tokens_per_s
        outputs.append(attempt.raw_output)
        lowest = min(lowest, attempt.raw_fidelity.likeness)
    seconds = time.perf_counter() - began
    text = "\n\n".join(outputs)
    return {
        "words": words,
        "seconds": round(seconds, 3),
        "words_per_s": round(words / seconds, 2),
        "decode_calls": calls,
        "calls_per_1000_words": round(1000 * calls / words, 1),
        "completion_tokens": tokens,
        "tokens_per_call": round(tokens / max(calls, 1), 2),
        "decode_tokens_per_s": round(max(0, tokens - chunks) / decode_seconds, 1)
        if decode_seconds
        else None,
        "lowest_raw_fidelity": round(lowest, 4),
        "marks_per_100_words": round(100 * len(re.findall(r"\w[,.?!:;]", text)) / words, 1),
        "paragraphs_per_1000_words": round(1000 * text.count("\n\n") / words, 1),
        "sample": text[:300],
    }


def run(config_path: Path, model: str, folder: Path, max_words: int) -> dict[str, Any]:
    config = load_config(config_path)
    texts = transcripts(folder, max_words)
    strict = CascadeStep(model, PROMPT, "strict")
    free = CascadeStep(model, PROMPT, "free")
    pool = EnginePool()
    pipeline = Pipeline(config, pool)
    engine = pool.get(config.models[model], strict=True)  # one engine for both modes
    assert isinstance(engine, LlamaCppEngine)
    pipeline.process(texts[0][:300], (strict,))  # measures block costs, warms up
    results = {"strict": _run(pipeline, texts, strict), "free": _run(pipeline, texts, free)}
    pool.close()

    s, f = results["strict"], results["free"]
    costs = engine.block_costs
    # Free generation's time for strict's token count: what a real model, which stops
    # when the text is done, would take at the decode rate free generation measured.
    prompt_seconds = f["seconds"] - max(0, f["completion_tokens"] - len(texts)) / (
        f["decode_tokens_per_s"] or float("inf")
    )
    free_at_length = prompt_seconds + s["completion_tokens"] / (f["decode_tokens_per_s"] or 1)
    tokens_per_word = s["completion_tokens"] / s["words"]
    return {
        **results,
        "texts": len(texts),
        "strict_over_free": round(s["words_per_s"] / f["words_per_s"], 2),
        "free_words_per_s_at_strict_length": round(s["words"] / free_at_length, 2),
        "strict_over_free_at_strict_length": round(free_at_length / s["seconds"], 2),
        "block_costs_ms": {k: round(v * 1000, 3) for k, v in costs.items()},
        "single_token_decode_per_s": round(1 / costs[1], 1) if costs.get(1) else None,
        "block_size_chosen": {str(a): best_size(costs, a) for a in ACCEPTANCES},
        # Decode-bound words/s at a given draft acceptance (a real model's is unknown
        # until one runs here): kept tokens per call over the call's measured cost.
        "projected_words_per_s": {
            str(a): round(
                expected_kept(best_size(costs, a), a)
                / costs[best_size(costs, a)]
                / tokens_per_word,
                1,
            )
            for a in ACCEPTANCES
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
