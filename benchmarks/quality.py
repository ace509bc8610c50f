"""Strict mode's structure quality and speed: the first-token rule strict mode began
with against lookahead scoring, in one run, interleaved file by file (so speed ratios
are fair on a shared machine).

Sets: half B of ../shared/devset (held out: the shipped biases were fitted on half A,
the other five speeches) and examples/eval. Scored with ../shared/devset/score.py (the
scorer the quality checks use) plus Pk from `eval`'s metrics. Every file must keep every
word (fidelity 1.0). `python3 benchmarks/quality.py [--quick] [--threads=N]` (--quick: two
files a set; --threads: llama.cpp threads for every configuration alike).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from tui_structurer.config import CascadeStep, Config, Prompt, load_config
from tui_structurer.engines.llama_cpp_engine import LlamaCppEngine
from tui_structurer.engines.pool import EnginePool
from tui_structurer.evaluation.metrics import StructureScore, score_structure
from tui_structurer.pipeline import Outcome, Pipeline
from tui_structurer.strict.settings import StrictSettings
from tui_structurer.text.words import word_keys

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
EVAL = ROOT / "examples" / "eval"
MODEL = "gemma3-270m"
TODAY_DRAFT_WORDS = 8
"""The first-token rule's draft: as many calls per 1,000 words as its old measured
block size gave on this CPU (about 130 on examples/eval)."""
FEW_SHOT = Prompt(
    name="few-shot-capitals",
    description="strict mode's first prompt: an example pair, the transcript in capitals",
    completion="""Speech recognition output (capitals, no punctuation):
SO LAST WEEK I WENT TO THE MARKET AND I BOUGHT APPLES PEARS AND A BIG BAG OF POTATOES \
IT WAS COLD BUT THE PEOPLE THERE WERE FRIENDLY ONE OF THEM ASKED ME WHERE I WAS FROM AND \
I SAID I LIVE JUST DOWN THE ROAD HAVE YOU EVER BEEN THERE YOU SHOULD GO

Written out properly:
So last week I went to the market, and I bought apples, pears and a big bag of \
potatoes. It was cold, but the people there were friendly. One of them asked me where \
I was from, and I said I live just down the road. Have you ever been there? You should go.

Speech recognition output (capitals, no punctuation):
{TEXT}

Written out properly:
""",
)


@dataclasses.dataclass
class Row:
    """Totals of one configuration on one set."""

    counts: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    structure: StructureScore = dataclasses.field(default_factory=StructureScore)
    words: int = 0
    seconds: float = 0.0
    calls: int = 0
    rows: int = 0
    worst_fidelity: float = 1.0

    def f1(self, name: str) -> str:
        """F1 as score.py pools it; "–" where the set has none of that mark and the
        output wrote none either."""
        tp, fp, fn = self.counts.get(name, [0, 0, 0])
        if tp + fp + fn == 0:
            return "–"
        return f"{2 * tp / (2 * tp + fp + fn):.2f}"

    def add(self, scorer: ModuleType, source: str, gold: str, attempt: Outcome) -> None:
        """Score one file's output against its published text."""
        output = attempt.candidate.final_output
        self.words += len(word_keys(source))
        scored = scorer.score(output, gold)
        self.worst_fidelity = min(self.worst_fidelity, attempt.candidate.raw_fidelity.likeness)
        for key, value in (
            *((c, scored["punct"][c]) for c in ("PERIOD", "COMMA", "QUESTION", "micro")),
            ("para", scored["para"]),
            ("caps", scored["caps"]),
        ):
            counts = self.counts.setdefault(key, [0, 0, 0])
            for i, part in enumerate(("tp", "fp", "fn")):
                counts[i] += value[part]
        self.structure.merge(score_structure(gold, output))


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", DEVSET / "score.py")
    if spec is None or spec.loader is None:
        sys.exit(f"no scorer at {DEVSET / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pairs(folder: Path, names: list[str] | None = None) -> list[tuple[str, str, str]]:
    sources = sorted(p for p in folder.glob("*.txt") if not p.name.endswith(".gold.txt"))
    return [
        (p.stem, p.read_text(), p.with_name(p.stem + ".gold.txt").read_text())
        for p in sources
        if names is None or p.stem in names
    ]


def configurations(config: Config, engine: LlamaCppEngine) -> dict[str, Any]:
    shipped = engine.strict_settings
    today = StrictSettings(rule="first-token", draft_words=TODAY_DRAFT_WORDS)
    strict_prompt = next(s.prompt for s in config.cascade if s.mode == "strict")
    return {
        "today: first token, few-shot prompt": (today, FEW_SHOT.name),
        "lookahead, few-shot prompt": (shipped, FEW_SHOT.name),
        "lookahead, preamble prompt (shipped)": (shipped, strict_prompt),
    }


def main(quick: bool = False, threads: int = 0) -> None:
    scorer = load_scorer()
    config = load_config()
    config = dataclasses.replace(config, prompts={**config.prompts, FEW_SHOT.name: FEW_SHOT})
    devset = sorted(p.stem for p in DEVSET.glob("*.txt") if not p.name.endswith(".gold.txt"))
    sets = {"devset half B": pairs(DEVSET, devset[1::2]), "examples/eval": pairs(EVAL)}
    if quick:
        sets = {name: files[:2] for name, files in sets.items()}
    pool = EnginePool()
    engine = pool.get(config.models[MODEL], strict=True)
    assert isinstance(engine, LlamaCppEngine)
    if threads:  # one thread is faster than two on a 2-core machine someone else is using
        import llama_cpp

        llama_cpp.llama_set_n_threads(engine._llm._ctx.ctx, threads, threads)
    pipeline = Pipeline(config, pool)
    configs = configurations(config, engine)
    warm_up = CascadeStep(MODEL, FEW_SHOT.name, "strict")
    pipeline.process(sets["examples/eval"][0][1][:300], (warm_up,))
    table: dict[tuple[str, str], Row] = {}
    for set_name, files in sets.items():
        for name, source, gold in files:
            for label, (settings, prompt) in configs.items():
                row = table.setdefault((label, set_name), Row())
                engine.strict_settings = settings
                before = dataclasses.replace(engine.strict_counters)
                began = time.perf_counter()
                attempt = pipeline.process(source, (CascadeStep(MODEL, prompt, "strict"),))
                row.seconds += time.perf_counter() - began
                row.calls += engine.strict_counters.decode_calls - before.decode_calls
                row.rows += engine.strict_counters.rows - before.rows
                row.add(scorer, source, gold, attempt)
                print(f"  {set_name} {name}: {label} done", file=sys.stderr, flush=True)
    pool.close()
    labels = list(configs)
    report(table, labels, list(sets))
    ratios(table, labels[0], labels[-1], list(sets))


def report(table: dict[tuple[str, str], Row], labels: list[str], sets: list[str]) -> None:
    header = (
        f"{'configuration':<38} {'set':<14} {'micro':>5} {'comma':>5} {'sent.':>5} "
        f"{'quest':>5} {'para':>5} {'Pk':>5} {'caps':>5} {'fid.':>5} {'words/s':>7} "
        f"{'calls/1kw':>9} {'rows/w':>6}"
    )
    print(header)
    for set_name in sets:
        for label in labels:
            row = table.get((label, set_name))
            if row is None:
                continue
            print(
                f"{label:<38} {set_name:<14} {row.f1('micro'):>5} {row.f1('COMMA'):>5} "
                f"{row.f1('PERIOD'):>5} {row.f1('QUESTION'):>5} {row.f1('para'):>5} "
                f"{row.structure.pk:5.2f} {row.f1('caps'):>5} {row.worst_fidelity:5.3f} "
                f"{row.words / row.seconds:7.1f} {1000 * row.calls / row.words:9.0f} "
                f"{row.rows / row.words:6.2f}"
            )


def ratios(
    table: dict[tuple[str, str], Row], baseline: str, measured: str, sets: list[str]
) -> None:
    """Words per second of ``measured`` over ``baseline``, per set and over all."""
    for set_name in sets:
        ratio = table[(measured, set_name)].seconds and (
            table[(baseline, set_name)].seconds / table[(measured, set_name)].seconds
        )
        print(f"speed, {measured} / {baseline}, {set_name}: {ratio:.2f}x words/s")
    total = {label: sum(table[(label, s)].seconds for s in sets) for label in (baseline, measured)}
    ratio = total[baseline] / total[measured]
    print(f"speed, {measured} / {baseline}, all sets: {ratio:.2f}x words/s")


if __name__ == "__main__":
    threads = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--threads=")), 0)
    main(quick="--quick" in sys.argv, threads=threads)
