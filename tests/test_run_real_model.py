"""`tui-structurer run` end to end with the real llama.cpp engine and the embedded model.

Assertions are on states, records and files — never on the model's prose.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from tui_structurer.cli.main import main
from tui_structurer.config import CascadeStep, load_config
from tui_structurer.engines.pool import EnginePool
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.models.sources import resolve_gguf
from tui_structurer.pipeline import ChunkStarted, Pipeline, PipelineEvent, TokenGenerated
from tui_structurer.text.words import word_keys

pytestmark = pytest.mark.model

LENIENT_GATE = "[gate]\nmin_likeness = 0.0\nmax_removed_run = 100000\nrequire_structure = false\n"


@pytest.fixture
def talks(tmp_path: Path, examples: Path) -> Path:
    folder = tmp_path / "talks"
    folder.mkdir()
    shutil.copy(examples / "bridge-history.srt", folder)
    (folder / "short.txt").write_text(
        "so i asked her whether the train was late again and she said no it was early "
        "for once which surprised everyone on the platform\n"
    )
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["run", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_records_attempts_and_waits_for_review(
    talks: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (talks / "broken.txt").write_bytes(bytes(range(256)) * 4)
    code, out, _ = run(capsys, str(talks), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["entries"] == 3
    files = {f["path"]: f for f in summary["files"]}
    assert files["broken.txt"]["status"] == "failed"
    assert files["broken.txt"]["reason"] == "looks like a binary file, not text"
    for name in ("bridge-history.srt", "short.txt"):
        assert files[name]["status"] == "review"
        assert 1 <= files[name]["attempts"] <= 2
        assert 0.0 <= files[name]["likeness"] <= 1.0
    assert summary["successes"] == sum(f["passed"] for f in summary["files"])
    assert set(summary) >= {"success_rate", "average_likeness", "median_likeness"}

    folder = Folder(talks, Path("structured"), read_only=True)
    for record in folder.library.transcripts(Status.REVIEW):
        attempts = folder.library.attempts(record.id)
        assert [(a.prompt, a.mode) for a in attempts][:1] == [("structure-strict", "strict")]
        assert all(a.mode == "repair" for a in attempts[1:])
        assert attempts[0].raw_likeness == 1.0
        for attempt in attempts:
            assert attempt.model == "gemma3-270m"
            assert attempt.completion_tokens > 0 and attempt.decode_tps > 0
            assert attempt.prompt_tokens > 20 and attempt.ttft_s > 0
            # repair mode: every source word is in the text offered for review
            source = folder.source(record.path).read_text()
            if record.path.endswith(".srt"):
                source = " ".join(
                    line for line in source.splitlines() if line and not line[0].isdigit()
                )
            assert word_keys(attempt.final_output) == word_keys(source)
        assert record.candidate_attempt in [a.id for a in attempts]
    folder.close()
    assert not (talks / "structured").exists()  # nothing accepted without review

    code, out, _ = run(capsys, str(talks), "--json")  # nothing left to do
    assert code == 0 and json.loads(out)["entries"] == 0


def test_auto_accept_writes_what_passes(
    talks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(LENIENT_GATE)
    out_dir = tmp_path / "out"
    code, out, _ = run(
        capsys, str(talks), "--auto-accept", "--config", str(lenient), "--out", str(out_dir)
    )
    assert code == 0
    assert "Entries: 2" in out and "Successes: 2" in out and "Success rate: 100.0%" in out
    written = out_dir / "short.md"
    assert word_keys(written.read_text()) == word_keys((talks / "short.txt").read_text())
    assert (out_dir / "bridge-history.srt.md").is_file()  # each source its own output
    folder = Folder(talks, out_dir, read_only=True)
    assert {r.status for r in folder.library.transcripts()} == {Status.ACCEPTED}
    folder.close()


def test_long_transcript_is_chunked_to_a_small_context(examples: Path) -> None:
    config = load_config()
    profile = dataclasses.replace(config.models["gemma3-270m"], name="small", context=512)
    config = dataclasses.replace(config, models={**config.models, "small": profile})
    source = (examples / "river-cleanup.txt").read_text()
    events: list[PipelineEvent] = []
    engines = EnginePool()
    try:
        outcome = Pipeline(config, engines).process(
            source, steps=(CascadeStep("small", "structure"),), emit=events.append
        )
    finally:
        engines.close()
    chunk_counts = {e.chunk_count for e in events if isinstance(e, ChunkStarted)}
    assert chunk_counts == {2}  # 298 tokens, at most 184 a chunk in a 512-token context
    tokens = [e.tokens_done for e in events if isinstance(e, TokenGenerated)]
    assert tokens == list(range(1, len(tokens) + 1))
    assert word_keys(outcome.candidate.final_output) == word_keys(source)


def test_missing_model_stops_the_run_and_keeps_files_pending(
    talks: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, str(talks), "--model", "/nowhere/model.gguf")
    assert code == 1
    assert 'model "/nowhere/model.gguf"' in err and "model file not found" in err
    folder = Folder(talks, Path("structured"), read_only=True)
    assert {r.status for r in folder.library.transcripts()} == {Status.PENDING}
    folder.close()


def test_truncated_model_is_a_clear_error(
    talks: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truncated = tmp_path / "truncated.gguf"
    with resolve_gguf("embedded").open("rb") as handle:
        truncated.write_bytes(handle.read(5_000_000))
    code, _, err = run(capsys, str(talks), "--model", str(truncated))
    assert code == 1
    assert f'model "{truncated}": {truncated} is truncated' in err


def test_a_long_one_line_transcript_on_the_default_context_ends_reviewable(
    tmp_path: Path, examples: Path
) -> None:
    """1,300 words on one line, no punctuation, on the embedded model's 4,096-token
    context (the size that once failed with "the context is full"): it is chunked to
    fit with its real prompt, ends in review, and keeps every word."""
    words: list[str] = []
    for path in sorted((examples.parent / "eval").glob("*.txt")):
        if not path.name.endswith(".gold.txt"):
            words += path.read_text().split()
    text = " ".join((words * 3)[:1300])
    folder = tmp_path / "talks"
    folder.mkdir()
    (folder / "lecture.txt").write_text(text + "\n")
    assert main(["run", str(folder), "--json"]) == 0
    opened = Folder(folder, Path("structured"), read_only=True)
    (record,) = opened.library.transcripts()
    assert record.status == Status.REVIEW and record.candidate_attempt is not None
    attempt = opened.library.attempt(record.candidate_attempt)
    assert attempt.mode == "strict" and word_keys(attempt.final_output) == word_keys(text)
    opened.close()
