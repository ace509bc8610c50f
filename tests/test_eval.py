"""`tui-structurer eval`: metrics on hand-made pairs, the command on the shipped set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripted_engine import ScriptedEngine, scripted_loader
from tui_structurer.cli.main import main
from tui_structurer.config import load_config
from tui_structurer.engines import EngineError
from tui_structurer.engines.pool import EnginePool
from tui_structurer.evaluation.dataset import load_entries
from tui_structurer.evaluation.metrics import histogram, mark_after, score_structure
from tui_structurer.evaluation.report import as_text
from tui_structurer.evaluation.runner import run_eval

EVAL = Path(__file__).resolve().parent.parent / "examples" / "eval"


def test_marks_are_compared_at_aligned_words() -> None:
    reference = "So, I went home. Did you?\n\nYes, we did."
    output = "So I went home, did you?\n\nYes. We did."
    score = score_structure(reference, output)
    period, comma, question = (score.marks[k] for k in ("period", "comma", "question"))
    # reference: "So," "home." "you?" "Yes," "did." — output: "home," "you?" "Yes." "did."
    assert (period.tp, period.fp, period.fn) == (1, 1, 1)
    assert (comma.tp, comma.fp, comma.fn) == (0, 1, 2)
    assert (question.tp, question.fp, question.fn) == (1, 0, 0)
    assert (score.pooled.tp, score.pooled.fp, score.pooled.fn) == (2, 2, 3)
    assert score.paragraphs.f1 == 1.0
    # "Did" vs "did" and "we" vs "We" differ; 7 of 9 aligned words agree on case.
    assert score.capitalization_accuracy == pytest.approx(7 / 9)
    # Capitals as a class: So I Did Yes (reference) against So I Yes We (output).
    assert (score.capitals.tp, score.capitals.fp, score.capitals.fn) == (3, 1, 1)


def test_words_the_output_dropped_are_not_scored_as_marks() -> None:
    score = score_structure("One, two, three.", "One three.")
    assert score.aligned_words == 2
    assert score.marks["comma"].fn == 1 and score.marks["period"].tp == 1


def test_mark_classes_and_histogram() -> None:
    assert mark_after('said."') == "period" and mark_after("wait!") == "other"
    assert mark_after("plain") is None
    bins = histogram([1.0, 0.995, 0.93, 0.5])
    assert list(bins.values()) == [1, 0, 1, 0, 2]


def test_eval_set_needs_references(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello there")
    (tmp_path / "b.txt").write_text("no reference here")
    (tmp_path / "a.gold.txt").write_text("Hello there.")
    entries, warnings = load_entries(tmp_path, 10_000)
    assert [e.name for e in entries] == ["a.txt"]
    assert warnings == ["b.txt: no reference b.gold.txt; left out"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["eval", str(empty)]) == 2


@pytest.mark.model
def test_eval_command_scores_strict_mode_on_the_shipped_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "outputs"
    code = main(["eval", str(EVAL), "--mode", "strict", "--prompt", "structure-strict",
                 "--json", "--save", str(out)])  # fmt: skip
    assert code == 0
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert (run["model"], run["prompt"], run["mode"]) == (
        "gemma3-270m",
        "structure-strict",
        "strict",
    )
    assert run["entries"] == 4
    assert run["success_rate_95"] == 1.0 and run["median_likeness"] == 1.0
    assert run["words_removed"] == run["words_added"] == run["words_replaced"] == 0
    assert 0.0 <= run["punct_f1"] <= 1.0 and 0.0 <= run["para_f1"] <= 1.0
    assert run["words_per_second"] > 0 and run["decode_tokens_per_second"] > 0
    saved = sorted(p.name for p in out.iterdir())
    assert saved == ["bike-repair.txt", "bread-starter.txt", "library-hours.txt", "night-sky.txt"]
    assert "Speech recognition" not in (out / "night-sky.txt").read_text()


def test_a_file_the_model_fails_on_is_reported_and_the_others_are_scored(
    tmp_path: Path,
) -> None:
    for name, text in (("a", "hello there my friend"), ("b", "good night and good luck")):
        (tmp_path / f"{name}.txt").write_text(text)
        (tmp_path / f"{name}.gold.txt").write_text(text.capitalize() + ".")
    entries, _ = load_entries(tmp_path, 10_000)
    engine = ScriptedEngine(strict_replies=[EngineError("strict decoding failed: boom")])
    config = load_config()
    step = config.cascade[0]
    (run,) = run_eval(config, [step], entries, lambda *_: None,
                      engines=EnginePool(scripted_loader(engine)))  # fmt: skip
    summary = run.as_dict()
    assert summary["entries"] == 2 and [e.name for e in run.entries] == ["b.txt"]
    assert summary["failed"] == [{"file": "a.txt", "reason": "strict decoding failed: boom"}]
    assert summary["success_rate_95"] == 0.5
    assert "FAILED       a.txt: strict decoding failed: boom" in as_text([run], [])


def test_a_gold_subtitle_beside_its_raw_subtitle_is_a_reference(tmp_path: Path) -> None:
    import shutil

    formats = Path(__file__).resolve().parent.parent / "examples" / "eval-formats"
    for name in ("ferry-interview.srt", "ferry-interview.gold.srt"):
        shutil.copy(formats / name, tmp_path / name)
    (entry,), warnings = load_entries(tmp_path, 1_000_000)
    assert warnings == [] and entry.name == "ferry-interview.srt"
    assert entry.reference.startswith("So, how long have you been running the ferry? About")
    assert score_structure(entry.reference, entry.source).aligned_words == len(entry.source.split())


def test_paragraph_segmentation_scores() -> None:
    from tui_structurer.evaluation.metrics import segmentation

    ref = [False] * 3 + [True] + [False] * 3 + [True] + [False] * 4  # 12 words, 3 paragraphs
    assert segmentation(ref, ref) == (0, 0, 10)
    near = [False] * 4 + [True] + [False] * 2 + [True] + [False] * 4  # one break a word late
    pk, windowdiff, windows = segmentation(ref, near)
    assert windows == 10 and 0 < pk <= windowdiff <= 2
    none = [False] * 12
    assert segmentation(ref, none)[0] > pk
    score = score_structure("One two three.\n\nFour five six.", "One two three. Four five six.")
    assert score.windows > 0 and score.pk > 0 and score.paragraphs.fn == 1
