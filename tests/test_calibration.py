"""`calibrate`: the bias search on a stand-in for decoding, and the profile writer."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui_structurer.evaluation.calibration import fit, profile_values, typical_paragraph_words
from tui_structurer.evaluation.metrics import Counts, StructureScore
from tui_structurer.evaluation.profile_file import ProfileFileError, write_profile_keys
from tui_structurer.strict.settings import StrictSettings

BEST = {"bias_comma": -0.5, "bias_sentence": 2.0, "bias_paragraph": 1.0, "bias_capital": 1.5}


def peaked(settings: StrictSettings) -> StructureScore:
    """A stand-in for a decoding pass: each class's F1 peaks at its own best bias."""
    score = StructureScore()

    def counts(name: str) -> Counts:
        miss = round(10 * abs(getattr(settings, name) - BEST[name]))
        return Counts(tp=40 - miss, fp=miss, fn=miss)

    score.marks["comma"] = counts("bias_comma")
    score.marks["period"] = counts("bias_sentence")
    score.paragraphs = counts("bias_paragraph")
    score.capitals = counts("bias_capital")
    score.pooled = Counts(
        *(sum(getattr(score.marks[k], f) for k in ("comma", "period")) for f in ("tp", "fp", "fn"))
    )
    return score


def test_the_search_finds_each_class_bias_by_decoding_passes() -> None:
    passes: list[StrictSettings] = []
    first, trials = fit(
        lambda s: peaked(s), StrictSettings(), False, report=lambda t: passes.append(t.settings)
    )
    best = max(trials, key=lambda t: t.objective)
    assert first.settings == StrictSettings() and len(passes) == len(trials) <= 7
    assert (best.settings.bias_sentence, best.settings.bias_comma) == (2.0, -0.5)
    assert best.settings.bias_paragraph in (1.5, 1.0)
    assert best.settings.bias_capital == 1.5
    assert best.settings.bias_question == best.settings.bias_sentence  # too few questions
    assert best.objective > first.objective


def test_typical_paragraph_length_comes_from_the_references() -> None:
    text = "\n\n".join(" ".join(["word"] * n) for n in (20, 30, 40, 50, 60))
    assert typical_paragraph_words([text]) == 40
    assert typical_paragraph_words(["one paragraph only"]) is None


def test_fitted_keys_go_into_the_profile_and_nothing_else_changes(tmp_path: Path) -> None:
    path = tmp_path / "models.toml"
    path.write_text(
        "# my settings\n[gate]\nmin_likeness = 0.9  # strict\n\n"
        "[models.gemma3-270m]\ncontext = 2048\nstrict_bias_comma = 0.25  # old\n\n"
        '[models.other]\ngguf = "x.gguf"\n'
    )
    values = profile_values(StrictSettings(bias_comma=-0.5, bias_sentence=2.0))
    write_profile_keys(path, "gemma3-270m", values)
    text = path.read_text()
    assert "# my settings" in text and "strict_bias_comma = -0.5  # old" in text
    doc = tomllib.loads(text)
    assert doc["gate"] == {"min_likeness": 0.9} and doc["models"]["other"] == {"gguf": "x.gguf"}
    profile = doc["models"]["gemma3-270m"]
    assert profile["context"] == 2048 and profile["strict_bias_sentence"] == 2.0
    assert profile["strict_paragraph_words"] == 40


def test_a_missing_file_or_table_is_made(tmp_path: Path) -> None:
    path = tmp_path / "config" / "models.toml"
    write_profile_keys(path, "big", {"strict_bias_comma": 1.0})
    assert tomllib.loads(path.read_text()) == {"models": {"big": {"strict_bias_comma": 1.0}}}
    write_profile_keys(path, "small", {"strict_bias_comma": -1.0})
    assert set(tomllib.loads(path.read_text())["models"]) == {"big", "small"}


def test_a_file_that_is_not_toml_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "models.toml"
    path.write_text("[gate\n")
    with pytest.raises(ProfileFileError):
        write_profile_keys(path, "m", {"strict_bias_comma": 1.0})
    assert path.read_text() == "[gate\n"
