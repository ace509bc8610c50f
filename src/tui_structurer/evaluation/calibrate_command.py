"""`tui-structurer calibrate DIR --model NAME`: decode a labelled folder with strict
mode, fit the profile's biases, show F1 before and after, save them to the user's
``models.toml``."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from tui_structurer import paths
from tui_structurer.config import CascadeStep, Config, ConfigError
from tui_structurer.engines.pool import EnginePool
from tui_structurer.evaluation.calibration import (
    MIN_QUESTIONS,
    Trial,
    best_of,
    fit,
    profile_values,
    typical_paragraph_words,
)
from tui_structurer.evaluation.dataset import Entry, load_entries
from tui_structurer.evaluation.metrics import StructureScore, score_structure
from tui_structurer.evaluation.profile_file import write_profile_keys
from tui_structurer.pipeline import Pipeline
from tui_structurer.strict.settings import StrictSettings, from_profile

STRICT_PROMPT = "structure-strict"


def strict_step(config: Config, model: str) -> CascadeStep:
    """The strict step ``model`` runs in the cascade (its prompt), or the shipped one."""
    prompt = next(
        (s.prompt for s in config.cascade if s.model == model and s.mode == "strict"),
        STRICT_PROMPT,
    )
    if prompt not in config.prompts:
        raise ConfigError(None, "--model", f'no strict prompt for "{model}"')
    return CascadeStep(model, prompt, "strict")


def _score(
    pipeline: Pipeline,
    engines: EnginePool,
    config: Config,
    step: CascadeStep,
    entries: list[Entry],
    settings: StrictSettings,
) -> StructureScore:
    engine = engines.get(config.models[step.model], strict=True)
    if not hasattr(engine, "strict_settings"):
        raise ConfigError(None, "--model", "calibrate needs an in-process llama.cpp model")
    engine.strict_settings = settings
    total = StructureScore()
    for entry in entries:
        output = pipeline.process(entry.source, (step,)).candidate.final_output
        total.merge(score_structure(entry.reference, output))
    return total


def _line(label: str, trial: Trial) -> str:
    s, score = trial.settings, trial.score
    return (
        f"{label:<8} sentence {s.bias_sentence:+5.2f} comma {s.bias_comma:+5.2f} "
        f"question {s.bias_question:+5.2f} paragraph {s.bias_paragraph:+5.2f} "
        f"capital {s.bias_capital:+5.2f} | "
        f"punct F1 {score.pooled.f1:.3f} (period {score.marks['period'].f1:.2f} "
        f"comma {score.marks['comma'].f1:.2f} question {score.marks['question'].f1:.2f}) "
        f"paragraph F1 {score.paragraphs.f1:.3f} capitals F1 {score.capitals.f1:.3f}"
    )


def calibrate(config: Config, model: str, folder: Path, write: bool = True) -> int:
    """Fit, print, save; returns the exit code."""
    if model not in config.models:
        raise ConfigError(None, "--model", f'no model profile "{model}"')
    step = strict_step(config, model)
    entries, warnings = load_entries(folder, config.settings.max_file_bytes)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    references = [e.reference for e in entries]
    start = from_profile(config.models[model])
    typical = typical_paragraph_words(references)
    if typical is not None:
        start = dataclasses.replace(start, paragraph_words=typical)
    questions = sum(text.count("?") for text in references)
    engines = EnginePool()
    pipeline = Pipeline(config, engines)
    passes = [0]

    def evaluate(settings: StrictSettings) -> StructureScore:
        return _score(pipeline, engines, config, step, entries, settings)

    def report(trial: Trial) -> None:
        passes[0] += 1
        print(_line(f"pass {passes[0]}", trial), file=sys.stderr, flush=True)

    try:
        first, trials = fit(evaluate, start, questions >= MIN_QUESTIONS, report=report)
    finally:
        engines.close()
    best = best_of(trials)
    print(_line("before", first))
    print(_line("after", best))
    values = profile_values(best.settings)
    if write:
        target = paths.user_config_file()
        write_profile_keys(target, model, values)
        saved = ", ".join(f"{key} = {value}" for key, value in values.items())
        print(f"saved to [models.{model}] in {target}: {saved}")
    return 0
