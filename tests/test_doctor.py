from __future__ import annotations

import json

import pytest

from nvml_standin import Card, StandInNvml
from tui_structurer.cli.doctor import doctor_report, format_report
from tui_structurer.cli.main import main
from tui_structurer.config import load_config
from tui_structurer.gpu.probe import probe_gpus


def test_json_has_gpus_models_plans_and_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"gpus", "gpu_offload_supported", "models", "paths"}
    (model,) = report["models"]
    assert model["name"] == "gemma3-270m" and model["path"].endswith(".gguf")
    plan = model["plan"]
    assert plan["n_layers"] == 19  # 18 blocks and the output layer
    assert isinstance(plan["n_gpu_layers"], int) and plan["reason"]
    assert report["paths"]["state"] == "<FOLDER>/.tui-structurer/"


def test_report_with_a_gpu_and_a_broken_profile(tmp_path: pytest.TempPathFactory) -> None:
    config_file = tmp_path / "extra.toml"  # type: ignore[operator]
    config_file.write_text('[models.missing]\ngguf = "/nowhere/model.gguf"\n')
    config = load_config(config_file)
    inventory = probe_gpus(StandInNvml([Card("NVIDIA RTX A4000", 16 * 2**30, used=2**30)]))
    report = doctor_report(config, inventory)
    assert report["driver"] == "550.54.14"
    assert report["gpus"][0]["name"] == "NVIDIA RTX A4000"
    missing = next(m for m in report["models"] if m["name"] == "missing")
    assert missing["plan"] is None and "model file not found" in missing["error"]
    text = format_report(report)
    assert "GPU0 NVIDIA RTX A4000: 16.1 GB free of 17.2 GB" in text
    assert "problem: model file not found: /nowhere/model.gguf" in text
