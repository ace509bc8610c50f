"""`tui-structurer eval`: which runs to make, and what to do with their results."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from tui_structurer.config import CascadeStep, Config, ConfigError
from tui_structurer.config.errors import did_you_mean
from tui_structurer.config.model_choice import check_templates, use_model
from tui_structurer.evaluation.runner import RunResult
from tui_structurer.library.outputs import write_atomic


def eval_steps(
    config: Config, models: list[str], prompts: list[str], modes: list[str]
) -> tuple[Config, list[CascadeStep]]:
    """The cascade's steps with the given models, prompts and modes substituted (each
    list crossed with the others); models may be given as GGUF paths like ``--model``."""
    for name in models:
        config = dataclasses.replace(config, models=use_model(config, name).models)
    for name in prompts:
        if name not in config.prompts:
            raise ConfigError(
                None, "--prompt", f'no prompt "{name}"' + did_you_mean(name, config.prompts)
            )
    steps: list[CascadeStep] = []
    for base in config.cascade:
        for model in models or [base.model]:
            for prompt in prompts or [base.prompt]:
                for mode in modes or [base.mode]:
                    step = CascadeStep(model, prompt, mode)  # type: ignore[arg-type]
                    if step not in steps:
                        steps.append(step)
    check_templates(config, steps, "--prompt")
    return config, steps


def save_outputs(out: Path, runs: list[RunResult]) -> list[Path]:
    """Every output as ``OUT/STEM.txt`` (one run) or ``OUT/MODEL__PROMPT__MODE/STEM.txt``."""
    written = []
    for run in runs:
        folder = out
        if len(runs) > 1:
            step = run.step
            folder = out / f"{step.model}__{step.prompt}__{step.mode}".replace("/", "_")
        folder.mkdir(parents=True, exist_ok=True)
        for entry in run.entries:
            path = folder / (Path(entry.name).stem + ".txt")
            write_atomic(path, entry.output.rstrip("\n") + "\n")
            written.append(path)
    return written


def print_progress(step: CascadeStep, index: int, total: int, name: str) -> None:
    print(
        f"{step.model} · {step.prompt} · {step.mode}: {index + 1}/{total} {name}",
        file=sys.stderr,
        flush=True,
    )
