"""Pipeline overhead against bare llama-cpp-python (goal: ≤ 5 % slower).

Both sides generate from the same prompt with the same model object, greedy, in this
process: bare ``Llama.create_completion`` streaming, versus ``Pipeline.process`` (reading
the text, chunking, the same generation through the engine, repair, fidelity, gate).
Runs alternate so neither side gets a warmer cache.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from tui_structurer.config import CascadeStep, load_config
from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline import Pipeline
from tui_structurer.text import chunking
from tui_structurer.text.prompts import render
from tui_structurer.transcripts import read_transcript

GOAL_RATIO = 1.05
ROUNDS = 5
SOURCE = Path(__file__).resolve().parent.parent / "examples" / "talks" / "bridge-history.srt"


def main() -> dict[str, float]:
    config = load_config()
    # Repair mode generates freely, as the bare call does (strict mode: strict_speed.py).
    step = CascadeStep(config.cascade[0].model, "structure", "repair")
    profile, prompt = config.models[step.model], config.prompts[step.prompt]
    pool = EnginePool()
    engine = pool.get(profile)
    assert isinstance(engine, LlamaCppEngine)
    llm = engine._llm  # the very model object the pipeline uses
    text = read_transcript(SOURCE, 10_000_000).text
    rendered = render(
        prompt, profile.prompt_style, chunking.split(text, 10_000, engine.count_tokens)[0].text
    )
    limit = chunking.max_output_tokens(engine.count_tokens(text))
    pipeline = Pipeline(config, pool)

    def bare() -> int:
        pieces = 0
        for chunk in llm.create_completion(
            prompt=rendered.text,
            max_tokens=limit,
            temperature=0.0,
            top_p=1.0,
            top_k=40,
            repeat_penalty=1.0,
            stop=prompt.stop,
            stream=True,
        ):
            pieces += bool(chunk["choices"][0]["text"])
        return pieces

    def ours() -> int:
        outcome = pipeline.process(text, steps=(step,))
        return outcome.candidate.stats.completion_tokens

    bare(), ours()  # warm up both paths
    bare_times, our_times = [], []
    tokens = 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        tokens = bare()
        bare_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        ours()
        our_times.append(time.perf_counter() - started)
    bare_s, our_s = statistics.median(bare_times), statistics.median(our_times)
    ratio = our_s / bare_s
    print(
        f"bare llama-cpp-python: {bare_s * 1000:.0f} ms for {tokens} tokens "
        f"({tokens / bare_s:.1f} tok/s), median of {ROUNDS}"
    )
    print(f"pipeline (chunk, generate, repair, score, gate): {our_s * 1000:.0f} ms")
    print(f"overhead ratio {ratio:.3f} (goal ≤ {GOAL_RATIO:.2f}) → {(ratio - 1) * 100:+.1f} %")
    pool.close()
    return {"bare_ms": bare_s * 1000, "pipeline_ms": our_s * 1000, "ratio": ratio}


if __name__ == "__main__":
    main()
