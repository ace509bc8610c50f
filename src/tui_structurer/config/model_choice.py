"""`--model NAME`: run the cascade's prompts with one model, named or given as a GGUF."""

from __future__ import annotations

import dataclasses

from tui_structurer.config.errors import ConfigError, did_you_mean
from tui_structurer.config.schema import CascadeStep, Config, ModelProfile

_SPEC_PREFIXES = ("ollama:", "hf:", "lmstudio:")
AD_HOC_CONTEXT = 8192


def looks_like_gguf_spec(name: str) -> bool:
    return name.startswith(_SPEC_PREFIXES) or name.endswith(".gguf") or "/" in name


def use_model(config: Config, name: str) -> Config:
    """``config`` whose cascade runs every distinct (prompt, mode) step with ``name``.

    ``name`` is a profile, or a model given directly (a ``.gguf`` path, ``ollama:…``,
    ``hf:…``, ``lmstudio:…``), which gets a chat-style profile: real models worth
    naming this way are instruction-tuned and carry their chat template.
    """
    models = dict(config.models)
    if name not in models:
        if not looks_like_gguf_spec(name):
            raise ConfigError(
                None,
                "--model",
                f'no model profile "{name}"'
                + did_you_mean(name, models)
                + f"; profiles: {', '.join(sorted(models))}, or give a .gguf path or "
                "ollama:NAME:TAG",
            )
        models[name] = ModelProfile(
            name=name, gguf=name, context=AD_HOC_CONTEXT, prompt_style="chat", origin="--model"
        )
    steps: list[CascadeStep] = []
    for step in config.cascade:
        candidate = CascadeStep(name, step.prompt, step.mode)
        if candidate not in steps:
            steps.append(candidate)
    chosen = dataclasses.replace(config, models=models, cascade=tuple(steps))
    check_templates(chosen, steps, "--model")
    return chosen


def check_templates(config: Config, steps: list[CascadeStep], option: str) -> None:
    """Every step's prompt has the template its model's prompt style needs, and shows
    the transcript unless the step is strict."""
    for step in steps:
        style = config.models[step.model].prompt_style
        needed = "user" if style == "chat" else "completion"
        prompt = config.prompts[step.prompt]
        if not prompt.template(style):
            raise ConfigError(
                None, option, f'prompt "{step.prompt}" has no {needed} template for {step.model}'
            )
        if step.mode != "strict" and not prompt.shows_text(style):
            raise ConfigError(
                None,
                option,
                f'prompt "{step.prompt}" leaves the transcript out: it serves strict mode only',
            )
