"""Find, read, check and merge ``models.toml`` files: shipped < user < ``--config``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tui_structurer import paths
from tui_structurer.config.build import Locate, build, check_keys
from tui_structurer.config.errors import ConfigError, did_you_mean, find_line
from tui_structurer.config.schema import (
    CascadeStep,
    Config,
    Gate,
    ModelProfile,
    Prompt,
    Settings,
)

OUTPUT_KINDS = ("md", "source")
_SECTIONS = {"settings": Settings, "gate": Gate, "models": ModelProfile, "prompts": Prompt}
_TOP_KEYS = [*_SECTIONS, "cascade"]


def _read(file: Path) -> tuple[dict[str, Any], str]:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(file, "", "file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(file, "", f"cannot be read: {exc}") from exc
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "", f"not valid TOML: {exc}") from exc


def _locator(text: str, table: str, occurrence: int = 0) -> Locate:
    """Finds a key's line in ``[table]``, or the table's header line when it is absent."""

    def locate(key: str | None) -> int | None:
        return find_line(text, table, key, occurrence) or find_line(text, table, None, occurrence)

    return locate


def _check_layer(doc: dict[str, Any], text: str, file: Path) -> None:
    """Check one file on its own, so every error names the file and line it came from."""
    for key, value in doc.items():
        if key not in _TOP_KEYS:
            line = find_line(text, key, None) or find_line(text, "", key)
            raise ConfigError(file, key, "unknown section" + did_you_mean(key, _TOP_KEYS), line)
        if key == "cascade":
            if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
                raise ConfigError(file, "cascade", "must be a list of [[cascade]] tables")
            for index, step in enumerate(value):
                check_keys(
                    CascadeStep,
                    step,
                    f"cascade[{index}]",
                    file,
                    _locator(text, "cascade", occurrence=index),
                )
            continue
        if not isinstance(value, dict):
            raise ConfigError(file, key, "must be a table", find_line(text, "", key))
        if key in ("settings", "gate"):
            check_keys(_SECTIONS[key], value, key, file, _locator(text, key))
            continue
        for name, table in value.items():
            table_path = f"{key}.{name}"
            if not isinstance(table, dict):
                raise ConfigError(file, table_path, "must be a table")
            check_keys(
                _SECTIONS[key],
                table,
                table_path,
                file,
                _locator(text, table_path),
            )


def _merge(layers: list[tuple[Path, dict[str, Any]]]) -> tuple[dict[str, Any], dict[str, Path]]:
    """Deep-merge the layers; remember which file last touched each table."""
    merged: dict[str, Any] = {"settings": {}, "gate": {}, "models": {}, "prompts": {}}
    origin: dict[str, Path] = {}
    for file, doc in layers:
        for key in ("settings", "gate"):
            if key in doc:
                merged[key].update(doc[key])
                origin[key] = file
        for key in ("models", "prompts"):
            for name, table in doc.get(key, {}).items():
                merged[key].setdefault(name, {}).update(table)
                origin[f"{key}.{name}"] = file
        if "cascade" in doc:
            merged["cascade"] = doc["cascade"]
            origin["cascade"] = file
    return merged, origin


_STRICT_RANGES = {
    "strict_lookahead": (0, 8),
    "strict_threshold": (-30.0, 0.0),
    "strict_bias_comma": (-20.0, 20.0),
    "strict_bias_sentence": (-20.0, 20.0),
    "strict_bias_question": (-20.0, 20.0),
    "strict_bias_paragraph": (-20.0, 20.0),
    "strict_bias_capital": (-20.0, 20.0),
    "strict_paragraph_words": (8, 1000),
    "strict_draft_words": (1, 32),
}


def _check_strict(model: ModelProfile, where: Path | None) -> None:
    for key, (low, high) in _STRICT_RANGES.items():
        if not low <= getattr(model, key) <= high:
            raise ConfigError(
                where, f"models.{model.name}.{key}", f"must be between {low} and {high}"
            )


def _check_values(config: Config, origin: dict[str, Path]) -> None:
    gate = config.gate
    if not 0.0 <= gate.min_likeness <= 1.0:
        raise ConfigError(origin.get("gate"), "gate.min_likeness", "must be between 0 and 1")
    if gate.max_removed_run < 0:
        raise ConfigError(origin.get("gate"), "gate.max_removed_run", "must be 0 or more")
    unknown = [o for o in config.settings.outputs if o not in OUTPUT_KINDS]
    if unknown or not config.settings.outputs:
        raise ConfigError(
            origin.get("settings"),
            "settings.outputs",
            f"must list one or more of {', '.join(map(repr, OUTPUT_KINDS))}"
            + (f", not {unknown[0]!r}" if unknown else ""),
        )
    if config.settings.max_file_bytes < 1:
        raise ConfigError(
            origin.get("settings"), "settings.max_file_bytes", "must be a positive number"
        )
    for name, model in config.models.items():
        where = origin.get(f"models.{name}")
        if model.engine == "llama-cpp" and not model.gguf:
            raise ConfigError(where, f"models.{name}.gguf", "is required for the llama-cpp engine")
        if model.engine == "openai" and not model.base_url:
            raise ConfigError(where, f"models.{name}.base_url", "is required for the openai engine")
        if model.concurrency < 1:
            raise ConfigError(where, f"models.{name}.concurrency", "must be 1 or more")
        _check_strict(model, where)
        if model.context < 512:
            raise ConfigError(
                origin.get(f"models.{name}"), f"models.{name}.context", "must be at least 512"
            )
    for name, prompt in config.prompts.items():
        for key in ("user", "completion"):
            template = getattr(prompt, key)
            shown = "{text}" in template or "{TEXT}" in template
            if template and prompt.shows_transcript and not shown:
                raise ConfigError(
                    origin.get(f"prompts.{name}"),
                    f"prompts.{name}.{key}",
                    "must contain {text} (or {TEXT}, in capitals), where the transcript goes",
                )
    if not config.cascade:
        raise ConfigError(origin.get("cascade"), "cascade", "needs at least one step")
    for index, step in enumerate(config.cascade):
        where = origin.get("cascade")
        if step.model not in config.models:
            raise ConfigError(
                where,
                f"cascade[{index}].model",
                f'no model profile "{step.model}"' + did_you_mean(step.model, config.models),
            )
        if step.prompt not in config.prompts:
            raise ConfigError(
                where,
                f"cascade[{index}].prompt",
                f'no prompt "{step.prompt}"' + did_you_mean(step.prompt, config.prompts),
            )
        style = config.models[step.model].prompt_style
        needed = "user" if style == "chat" else "completion"
        if not getattr(config.prompts[step.prompt], needed):
            raise ConfigError(
                where,
                f"cascade[{index}]",
                f'model "{step.model}" is {style}-style but prompt "{step.prompt}" has no '
                f"{needed} template",
            )
        if step.mode != "strict" and not config.prompts[step.prompt].shows_text(style):
            raise ConfigError(
                where,
                f"cascade[{index}]",
                f'prompt "{step.prompt}" leaves the transcript out of its {needed} template, '
                f"so it serves strict steps only, not {step.mode}",
            )


def config_files(extra: Path | None) -> list[Path]:
    """The files read, lowest priority first: shipped, user (if present), ``--config``."""
    files = [paths.shipped_path("models.toml")]
    user = paths.user_config_file()
    if user.is_file():
        files.append(user)
    if extra is not None:
        files.append(extra)
    return files


def _gguf_origins(layers: list[tuple[Path, dict[str, Any], str]]) -> dict[str, str]:
    """For each model, the file and line that set its ``gguf`` last (the one in force)."""
    origins: dict[str, str] = {}
    for file, doc, text in layers:
        for name, table in doc.get("models", {}).items():
            if "gguf" in table:
                line = find_line(text, f"models.{name}", "gguf")
                where = f"{file}:{line}" if line else str(file)
                origins[name] = f"{where} (models.{name}.gguf)"
    return origins


def load_config(extra: Path | None = None) -> Config:
    """Load and validate the merged config; raises :class:`ConfigError` on any problem."""
    files = config_files(extra)
    layers = []
    for file in files:
        doc, text = _read(file)
        _check_layer(doc, text, file)
        layers.append((file, doc, text))
    merged, origin = _merge([(file, doc) for file, doc, _ in layers])
    gguf_origins = _gguf_origins(layers)
    config = Config(
        settings=build(Settings, merged["settings"], "settings", origin.get("settings")),
        gate=build(Gate, merged["gate"], "gate", origin.get("gate")),
        models={
            name: build(
                ModelProfile,
                table,
                f"models.{name}",
                origin[f"models.{name}"],
                name=name,
                origin=gguf_origins.get(name, ""),
            )
            for name, table in merged["models"].items()
        },
        prompts={
            name: build(Prompt, table, f"prompts.{name}", origin[f"prompts.{name}"], name=name)
            for name, table in merged["prompts"].items()
        },
        cascade=tuple(
            build(CascadeStep, step, f"cascade[{i}]", origin.get("cascade"))
            for i, step in enumerate(merged.get("cascade", []))
        ),
        sources=tuple(files),
    )
    _check_values(config, origin)
    return config
