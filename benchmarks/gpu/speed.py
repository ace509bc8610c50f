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

import dataclasses
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
from tui_structurer.strict.decoder import StrictCounters
from tui_structurer.text.words import word_keys
from tui_structurer.transcripts import read_transcript

PROMPT = "structure"
"""One prompt for both modes, so both pay for the same prompt."""


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


def _strict_costs(engine: LlamaCppEngine, before: StrictCounters, words: int) -> dict[str, Any]:
    """What the strict run cost in the decoder's own terms (since ``before``)."""
    now = engine.strict_counters
    return {
        "logit_rows_per_word": round((now.rows - before.rows) / words, 2),
        "scored_gaps_per_100_words": round(100 * (now.scored_gaps - before.scored_gaps) / words, 1),
        "refills": now.refills - before.refills,
    }


def run(config_path: Path, model: str, folder: Path, max_words: int) -> dict[str, Any]:
    config = load_config(config_path)
    texts = transcripts(folder, max_words)
    strict = CascadeStep(model, PROMPT, "strict")
    free = CascadeStep(model, PROMPT, "free")
    pool = EnginePool()
    pipeline = Pipeline(config, pool)
    engine = pool.get(config.models[model], strict=True)  # one engine for every run
    assert isinstance(engine, LlamaCppEngine)
    pipeline.process(texts[0][:300], (strict,))  # warms up
    shipped = engine.strict_settings
    before = dataclasses.replace(engine.strict_counters)
    results = {"strict": _run(pipeline, texts, strict)}
    costs = _strict_costs(engine, before, results["strict"]["words"])
    # The rule strict mode had before lookahead scoring, as the cost baseline (goal: the
    # lookahead costs under 1.5x it on a GPU).
    engine.strict_settings = dataclasses.replace(shipped, rule="first-token")
    results["strict_first_token"] = _run(pipeline, texts, strict)
    engine.strict_settings = shipped
    results["free"] = _run(pipeline, texts, free)
    pool.close()

    s, f = results["strict"], results["free"]
    # Free generation's time for strict's token count: what a real model, which stops
    # when the text is done, would take at the decode rate free generation measured.
    prompt_seconds = f["seconds"] - max(0, f["completion_tokens"] - len(texts)) / (
        f["decode_tokens_per_s"] or float("inf")
    )
    free_at_length = prompt_seconds + s["completion_tokens"] / (f["decode_tokens_per_s"] or 1)
    first = results["strict_first_token"]
    return {
        **results,
        "texts": len(texts),
        "strict_costs": costs,
        "draft_words": shipped.draft_words,
        "strict_over_free": round(s["words_per_s"] / f["words_per_s"], 2),
        "free_words_per_s_at_strict_length": round(s["words"] / free_at_length, 2),
        "strict_over_free_at_strict_length": round(free_at_length / s["seconds"], 2),
        "lookahead_cost_over_first_token": round(first["words_per_s"] / s["words_per_s"], 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
