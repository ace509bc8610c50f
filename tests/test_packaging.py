"""The installed package works without the source tree, and the core stays UI-free."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "tui_structurer.processing.session",
    "tui_structurer.text.chunking",
    "tui_structurer.config",
    "tui_structurer.engines.pool",
    "tui_structurer.engines.llama_cpp_engine",
    "tui_structurer.evaluation.runner",
    "tui_structurer.library.folder",
    "tui_structurer.pipeline",
    "tui_structurer.text.repair",
    "tui_structurer.transcripts",
    "tui_structurer.cli.main",
]


def test_wheel_carries_models_toml_themes_and_schema(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("tui_structurer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "tui_structurer/shipped/models.toml" in names
    assert "tui_structurer/library/schema.sql" in names
    themes = {n for n in names if n.startswith("tui_structurer/shipped/themes/")}
    assert len(themes) >= 3
    shipped = zipfile.ZipFile(wheel).read("tui_structurer/shipped/models.toml")
    assert shipped == (ROOT / "models.toml").read_bytes()


def test_core_does_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_lint_and_types_are_clean() -> None:
    for command in (
        ["ruff", "check", "src", "tests", "benchmarks"],
        ["mypy"],
        ["lint-imports"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *command] if command[0] != "lint-imports" else command,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}{done.stderr}"
