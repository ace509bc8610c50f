"""Strict mode through llama.cpp's llama-server: lookahead scoring with the server's
token probabilities against the grammar path servers had before, and against the same
scoring in process, in one run, interleaved file by file.

All three use the embedded model with the shipped profile's calibrated biases and the
shipped strict prompt. The grammar path runs on examples/eval only: on a CPU its
sampler checks the grammar against the whole 262k-token vocabulary at every token, a few
words a second. llama-server is the one llama-cpp-python's source carries (built
once by build_llama_server.sh, or $LLAMA_SERVER). Scored as benchmarks/quality.py scores.
`python3 benchmarks/server_quality.py [--quick] [--threads=N]` (--quick: two files a
set; --threads: llama.cpp threads for the server and the in-process model alike).
"""

from __future__ import annotations

import dataclasses
import sys
import time

from llama_server import free_port, start
from quality import DEVSET, EVAL, MODEL, Row, load_scorer, pairs, ratios, report
from tui_structurer.config import CascadeStep, Config, ModelProfile, load_config
from tui_structurer.config.schema import StrictServerPath
from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine
from tui_structurer.engines.pool import EnginePool
from tui_structurer.pipeline import Pipeline

CONTEXT = 4096


def served(config: Config, url: str, path: StrictServerPath) -> ModelProfile:
    """The shipped profile's prompt style and strict numbers, on the server."""
    return dataclasses.replace(
        config.models[MODEL], name=f"served-{path}", engine="openai", base_url=url,
        gguf="", context=CONTEXT, concurrency=1, strict_server_path=path,
    )  # fmt: skip


def main(quick: bool = False, threads: int = 0) -> None:
    scorer = load_scorer()
    config = load_config()
    port = free_port()
    server = start(port, slots=1, context=CONTEXT, threads=threads)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        paths: tuple[StrictServerPath, ...] = ("grammar", "token-probabilities")
        profiles = [served(config, url, path) for path in paths]
        config = dataclasses.replace(
            config, models={**config.models, **{p.name: p for p in profiles}}
        )
        devset = sorted(p.stem for p in DEVSET.glob("*.txt") if not p.name.endswith(".gold.txt"))
        sets = {"devset half B": pairs(DEVSET, devset[1::2]), "examples/eval": pairs(EVAL)}
        if quick:
            sets = {name: files[:2] for name, files in sets.items()}
        pool = EnginePool()
        local = pool.get(config.models[MODEL], strict=True)
        assert isinstance(local, LlamaCppEngine)
        if threads:
            import llama_cpp

            llama_cpp.llama_set_n_threads(local._llm._ctx.ctx, threads, threads)
        pipeline = Pipeline(config, pool)
        prompt = next(s.prompt for s in config.cascade if s.mode == "strict")
        labels = {
            "server: grammar (before)": profiles[0].name,
            "server: lookahead, token probabilities": profiles[1].name,
            "in process: lookahead": MODEL,
        }
        for profile in (*profiles, config.models[MODEL]):  # warm up each (and the cache)
            pipeline.process(
                sets["examples/eval"][0][1][:300], (CascadeStep(profile.name, prompt, "strict"),)
            )
        table: dict[tuple[str, str], Row] = {}
        for set_name, files in sets.items():
            for name, source, gold in files:
                for label, model in labels.items():
                    if model == profiles[0].name and set_name != "examples/eval":
                        continue
                    row = table.setdefault((label, set_name), Row())
                    began = time.perf_counter()
                    outcome = pipeline.process(source, (CascadeStep(model, prompt, "strict"),))
                    row.seconds += time.perf_counter() - began
                    row.calls += outcome.candidate.stats.decode_calls
                    row.add(scorer, source, gold, outcome)
                    print(f"  {set_name} {name}: {label} done", file=sys.stderr, flush=True)
        pool.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    names = list(labels)
    report(table, names, list(sets))
    print("(server rows: calls/1kw counts requests; rows/w is not measured there)")
    ratios(table, names[0], names[1], ["examples/eval"])
    ratios(table, names[2], names[1], list(sets))


if __name__ == "__main__":
    threads = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--threads=")), 0)
    main(quick="--quick" in sys.argv, threads=threads)
