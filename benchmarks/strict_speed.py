"""Strict mode against free generation and repair: same model, same texts, one run.

Goals on this CPU with the embedded model: strict no more than 10 % slower than free
generation (words/second) and word fidelity exactly 1.0 on every file. Also printed:
model calls and logit rows per 1,000 words (strict mode's costs).
`python3 benchmarks/strict_speed.py [--quick]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tui_structurer.config import CascadeStep, load_config
from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline import Pipeline
from tui_structurer.text.words import word_keys
from tui_structurer.transcripts import read_transcript

EVAL = Path(__file__).resolve().parent.parent / "examples" / "eval"
MAX_SLOWDOWN = 1.10


def main(quick: bool = False) -> dict[str, float]:
    config = load_config()
    model = config.cascade[0].model
    runs = {
        "free": CascadeStep(model, "structure", "free"),
        "repair": CascadeStep(model, "structure", "repair"),
        "strict": CascadeStep(model, "structure", "strict"),
        "strict, its own prompt": CascadeStep(model, "structure-strict", "strict"),
    }
    files = sorted(p for p in EVAL.glob("*.txt") if not p.name.endswith(".gold.txt"))
    texts = [read_transcript(p, 10_000_000).text for p in files[: 2 if quick else None]]
    words = sum(len(word_keys(t)) for t in texts)
    pool = EnginePool()
    engine = pool.get(config.models[model], strict=True)  # one engine for every mode
    assert isinstance(engine, LlamaCppEngine)
    pipeline = Pipeline(config, pool)
    pipeline.process(texts[0][:200], (runs["strict"],))  # warms up

    rates: dict[str, float] = {}
    for label, step in runs.items():
        began = time.perf_counter()
        calls = tokens = 0
        worst = 1.0
        for text in texts:
            attempt = pipeline.process(text, (step,)).candidate
            calls += attempt.stats.decode_calls
            tokens += attempt.stats.completion_tokens
            worst = min(worst, attempt.raw_fidelity.likeness)
        seconds = time.perf_counter() - began
        rates[label] = words / seconds
        print(
            f"{label:<24} {rates[label]:6.1f} words/s  {1000 * calls / words:6.0f} model calls "
            f"per 1,000 words  {tokens / max(calls, 1):4.1f} tokens/call  "
            f"lowest raw fidelity {worst:.4f}"
        )
        if step.mode == "strict":
            assert worst == 1.0, "strict mode changed a word"
    pool.close()

    rows = engine.strict_counters.rows / (2 * words + 40)  # two strict runs and the warm-up
    print(f"strict logit rows per word: {rows:.2f}")
    ratio = rates["strict"] / rates["free"]
    print(f"strict / free    = {ratio:.2f}x words/s (goal ≥ {1 / MAX_SLOWDOWN:.2f})")
    print(f"strict / repair  = {rates['strict'] / rates['repair']:.2f}x words/s")
    print(f"over {len(texts)} files, {words} words")
    return {"strict_over_free": ratio, **rates}


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
