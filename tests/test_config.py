from __future__ import annotations

from pathlib import Path

import pytest

from tui_structurer import paths
from tui_structurer.config import ConfigError, load_config
from tui_structurer.config.model_choice import use_model


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_valid() -> None:
    config = load_config()
    assert {"structure", "structure-strict", "structure-fallback"} <= set(config.prompts)
    assert (config.cascade[0].prompt, config.cascade[0].mode) == ("structure-strict", "strict")
    assert config.models["gemma3-270m"].gguf == "embedded"
    assert config.gate.min_likeness == 0.95


def test_misspelt_key_names_file_line_and_suggestion(tmp_path: Path) -> None:
    file = write(tmp_path / "c.toml", "[gate]\nmin_likeness = 0.9\nmax_removd_run = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(file)
    error = info.value
    assert (error.file, error.line, error.key) == (file, 3, "gate.max_removd_run")
    assert 'did you mean "max_removed_run"?' in str(error)
    assert str(error).startswith(f"{file}:3: gate.max_removd_run: unknown key")


def test_unknown_key_in_a_model_profile(tmp_path: Path) -> None:
    file = write(
        tmp_path / "c.toml",
        '[models.big]\ngguf = "/m.gguf"\ncontex = 8192\n',
    )
    with pytest.raises(ConfigError, match=r'c.toml:3: models.big.contex: .*"context"'):
        load_config(file)


def test_unknown_section_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r'c.toml:1: gates: unknown section.*"gate"'):
        load_config(write(tmp_path / "c.toml", "[gates]\nx = 1\n"))
    with pytest.raises(ConfigError, match=r"c2.toml:2: gate.min_likeness: must be a number"):
        load_config(write(tmp_path / "c2.toml", '[gate]\nmin_likeness = "high"\n'))
    with pytest.raises(ConfigError, match=r'models.m.prompt_style: must be "chat" or "comp'):
        load_config(write(tmp_path / "c3.toml", '[models.m]\ngguf="x"\nprompt_style="raw"\n'))


def test_cascade_errors_point_at_the_step(tmp_path: Path) -> None:
    text = (
        '[[cascade]]\nmodel = "gemma3-270m"\nprompt = "structure"\n\n'
        '[[cascade]]\nmodel = "gemma3-270m"\npromt = "structure"\n'
    )
    with pytest.raises(ConfigError, match=r"c.toml:7: cascade\[1\].promt: unknown key"):
        load_config(write(tmp_path / "c.toml", text))
    text = '[[cascade]]\nmodel = "gemma-270m"\nprompt = "structure"\n'
    with pytest.raises(ConfigError, match=r'no model profile "gemma-270m".*"gemma3-270m"'):
        load_config(write(tmp_path / "c2.toml", text))


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 2"):
        load_config(write(tmp_path / "c.toml", "[gate]\nmin_likeness = = 1\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")


def test_values_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="between 0 and 1"):
        load_config(write(tmp_path / "c.toml", "[gate]\nmin_likeness = 1.5\n"))
    with pytest.raises(ConfigError, match=r"must contain \{text\}"):
        load_config(write(tmp_path / "d.toml", '[prompts.p]\nuser = "no slot"\n'))
    with pytest.raises(ConfigError, match=r"models.m.gguf: is required"):
        load_config(write(tmp_path / "e.toml", "[models.m]\ncontext = 4096\n"))


def test_user_file_overrides_shipped_and_flag_overrides_user(tmp_path: Path) -> None:
    write(
        paths.user_config_file(),
        '[gate]\nmin_likeness = 0.9\n\n[models.big]\ngguf = "/models/big.gguf"\n'
        'context = 8192\n\n[[cascade]]\nmodel = "big"\nprompt = "structure"\n',
    )
    config = load_config()
    assert config.gate.min_likeness == 0.9
    assert config.gate.max_removed_run == 8  # untouched keys keep the shipped value
    assert [s.model for s in config.cascade] == ["big"]
    assert "gemma3-270m" in config.models  # extended, not replaced
    flag = write(tmp_path / "flag.toml", "[gate]\nmin_likeness = 0.99\n")
    assert load_config(flag).gate.min_likeness == 0.99
    assert load_config(flag).sources[-1] == flag


def test_model_choice_by_profile_or_path() -> None:
    config = load_config()
    chosen = use_model(config, "gemma3-270m")
    assert [(s.model, s.prompt, s.mode) for s in chosen.cascade] == [
        ("gemma3-270m", "structure-strict", "strict"),
        ("gemma3-270m", "structure-fallback", "repair"),
    ]
    adhoc = use_model(config, "ollama:llama3.1:8b")
    assert adhoc.models["ollama:llama3.1:8b"].prompt_style == "chat"
    with pytest.raises(ConfigError, match=r'no model profile "gemma3-27m".*"gemma3-270m"'):
        use_model(config, "gemma3-27m")
