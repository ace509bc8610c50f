"""Command-line edges: a closed pipe, doctor's exit code, where a model path was set,
the documented --out."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui_structurer.cli.main import main
from tui_structurer.config import load_config
from tui_structurer.models.sources import resolve_gguf


def test_status_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    root = tmp_path / "talks"
    root.mkdir()
    for index in range(2000):  # more output than a pipe holds, as text and as JSON
        (root / f"talk-{index:04}.txt").write_text(f"talk number {index} about ferries\n")
    for args in (["status", str(root), "--json"], ["status", str(root)]):
        child = subprocess.Popen(
            [sys.executable, "-m", "tui_structurer", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert child.stdout is not None and child.stderr is not None
        assert child.stdout.readline()  # like `| head -1`: read a line, then go away
        child.stdout.close()
        errors = child.stderr.read().decode()
        assert child.wait(timeout=120) == 141
        assert errors == ""


MISSING = """\
[models.mine]
gguf = "{path}"

[[cascade]]
model = "mine"
prompt = "structure"
mode = "repair"
"""


def test_doctor_fails_when_a_cascade_model_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(MISSING.format(path=tmp_path / "nowhere.gguf"))
    assert main(["doctor", "--config", str(config)]) == 1
    out, err = capsys.readouterr()
    assert f"set at: {config}:2 (models.mine.gguf)" in out
    assert err.strip() == (
        f'tui-structurer: model "mine": model file not found: {tmp_path / "nowhere.gguf"}; '
        f"set at {config}:2 (models.mine.gguf)"
    )
    assert main(["doctor", "--json", "--config", str(config)]) == 1
    report = json.loads(capsys.readouterr().out)
    mine = next(m for m in report["models"] if m["name"] == "mine")
    assert mine["gguf_set_at"] == f"{config}:2 (models.mine.gguf)"


def test_doctor_fails_when_a_cascade_model_is_truncated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = resolve_gguf("embedded").read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole[: len(whole) // 2])
    config = tmp_path / "cut.toml"
    config.write_text(MISSING.format(path=cut))
    assert main(["doctor", "--config", str(config)]) == 1
    assert "is truncated" in capsys.readouterr().err


def test_doctor_passes_when_only_an_unused_model_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "extra.toml"
    config.write_text(f'[models.spare]\ngguf = "{tmp_path / "nowhere.gguf"}"\n')
    assert main(["doctor", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "problem: model file not found" in out and err == ""


def test_the_config_remembers_where_each_model_path_was_set(tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text("# my models\n\n" + MISSING.format(path="/models/x.gguf"))
    models = load_config(config).models
    assert models["mine"].origin == f"{config}:4 (models.mine.gguf)"
    shipped = (Path(__file__).resolve().parent.parent / "models.toml").read_text().splitlines()
    line = next(n for n, text in enumerate(shipped, 1) if text.startswith('gguf = "embedded"'))
    assert models["gemma3-270m"].origin.endswith(f"models.toml:{line} (models.gemma3-270m.gguf)")


def test_out_is_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "a relative DIR is taken inside FOLDER, not the current folder" in text


@pytest.mark.parametrize(
    ("argv", "opened"),
    [
        (["talks"], ["talks"]),
        (["--paused", "talks"], ["--paused", "talks"]),
        (["talks", "--paused"], ["talks", "--paused"]),
        (["run", "talks"], None),
        (["--version"], None),
    ],
)
def test_the_app_opens_with_its_options_in_any_order(
    argv: list[str], opened: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    entry = importlib.import_module("tui_structurer.cli.main")
    seen: list[argparse.Namespace] = []

    def fake_open(args: argparse.Namespace, config: object) -> int:
        seen.append(args)
        return 0

    def fake_run(args: argparse.Namespace, config: object) -> int:
        return 0

    monkeypatch.setitem(entry._COMMANDS, "open", fake_open)
    monkeypatch.setitem(entry._COMMANDS, "run", fake_run)
    try:
        code = main(argv)
    except SystemExit as exit:  # --version prints and exits
        code = int(exit.code or 0)
    assert code == 0
    if opened is None:
        assert not seen
    else:
        (args,) = seen
        assert args.folder == Path("talks")
        assert args.paused == ("--paused" in opened)
