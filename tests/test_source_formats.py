"""Subtitles and Whisper JSON: their spoken text, and writing structured text back into
the same file shape (cues, timings and fields kept; each place its own words)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui_structurer.text.words import tokenize
from tui_structurer.transcripts.layout import fill
from tui_structurer.transcripts.subtitles import parse_srt, parse_vtt
from tui_structurer.transcripts.whisper_json import parse_whisper_json

FORMATS = Path(__file__).resolve().parent.parent / "examples" / "formats"
TIMING = re.compile(r"^.*-->.*$", re.M)


def punctuate(text: str) -> list[str]:
    """A stand-in for a structured text: every word capitalised and followed by a comma,
    the way no model would, so that a word in the wrong place shows."""
    return [t.text.capitalize() + "," for t in tokenize(text)]


def test_srt_written_back_keeps_cues_and_timings_and_each_cue_its_words() -> None:
    raw = (FORMATS / "ferry-interview.srt").read_text()
    subtitles = parse_srt(raw)
    assert (
        subtitles.text.split()
        == " ".join(
            line for line in raw.split("\n") if line and "-->" not in line and not line.isdigit()
        ).split()
    )
    written = fill(subtitles.parts, punctuate(subtitles.text))
    assert TIMING.findall(written) == TIMING.findall(raw)
    assert re.findall(r"^\d+$", written, re.M) == re.findall(r"^\d+$", raw, re.M)
    # line by line, each text line holds exactly its own words
    for before, after in zip(raw.split("\n"), written.split("\n"), strict=True):
        if before and "-->" not in before and not before.isdigit():
            assert [w.rstrip(",").lower() for w in after.split()] == before.split()
        else:
            assert before == after


def test_vtt_keeps_header_notes_styles_ids_and_settings() -> None:
    raw = (FORMATS / "compost-workshop.vtt").read_text()
    subtitles = parse_vtt(raw)
    written = fill(subtitles.parts, punctuate(subtitles.text))
    for kept in ("WEBVTT\nKind: captions\nLanguage: en", "NOTE\nTranscribed", "STYLE\n::cue {",
                 "intro-1\n00:00:00.000 --> 00:00:04.200 line:85%", "intro-2"):  # fmt: skip
        assert kept in written
    assert TIMING.findall(written) == TIMING.findall(raw)
    assert len(tokenize(written)) > len(tokenize(subtitles.text))  # header words kept too
    assert subtitles.warnings == []


def test_youtube_rolling_captions_are_read_once_and_written_once() -> None:
    raw = (FORMATS / "knife-sharpening.youtube.vtt").read_text()
    subtitles = parse_vtt(raw)
    words = subtitles.text.split()
    assert words[:7] == ["hey", "everybody", "welcome", "back", "to", "the", "channel"]
    assert subtitles.text.count("whetstone") == 1 and len(words) == 63
    assert subtitles.warnings == [
        "rolling captions (YouTube style): 15 repeated lines were read once"
    ]
    written = fill(subtitles.parts, punctuate(subtitles.text))
    assert written.lower().count("whetstone") == 1
    assert "<c>" not in written
    assert len(TIMING.findall(written)) == 8  # the 10 ms repeat cues are gone


def test_whisper_json_keeps_every_field_but_the_text() -> None:
    raw = (FORMATS / "cedar-mill.whisper.json").read_text()
    document = parse_whisper_json(raw)
    words = punctuate(document.text)
    written = json.loads(document.write(words))
    original = json.loads(raw)
    for before, after in zip(original["segments"], written["segments"], strict=True):
        assert {k: v for k, v in before.items() if k not in ("text", "words")} == {
            k: v for k, v in after.items() if k not in ("text", "words")
        }
        assert after["text"].startswith(" ")
        assert [w.rstrip(",").lower() for w in after["text"].split()] == before["text"].split()
        for w_before, w_after in zip(before["words"], after["words"], strict=True):
            assert w_after["word"].strip().rstrip(",").lower() == w_before["word"].strip()
            assert (w_after["start"], w_after["end"]) == (w_before["start"], w_before["end"])
    assert written["text"].split()[0] == "So,"


def test_whisperx_speakers_become_labelled_turns_and_stay_in_their_field() -> None:
    raw = (FORMATS / "beekeeper.whisperx.json").read_text()
    document = parse_whisper_json(raw)
    turns = document.text.split("\n\n")
    assert [t.split()[0] for t in turns] == ["SPEAKER_00:", "SPEAKER_01:"] * 3
    written = json.loads(document.write(punctuate(document.text)))
    original = json.loads(raw)
    speakers = [s["speaker"] for s in written["segments"]]
    assert speakers == [s["speaker"] for s in original["segments"]]
    assert "SPEAKER" not in " ".join(s["text"] for s in written["segments"])


def test_each_source_word_takes_the_output_spelling_aligned_to_it() -> None:
    from tui_structurer.text.word_map import words_for_source

    source = "so the ferry was late again"
    assert words_for_source(source, "So, the ferry was late again.") == [
        "So,", "the", "ferry", "was", "late", "again."
    ]  # fmt: skip
    # dropped words stay as the source has them; added ones join the word before them
    assert words_for_source(source, "So the boat was very late.") == [
        "So", "the", "ferry", "was very", "late.", "again"
    ]  # fmt: skip


def test_accepting_writes_the_source_format_beside_the_text(tmp_path: Path) -> None:
    """Subtitles and Whisper JSON come back in their own format, all outputs at once."""
    import shutil

    from processing_helpers import run_until_idle
    from scripted_engine import ScriptedEngine, scripted_loader
    from tui_structurer.config import load_config
    from tui_structurer.engines.pool import EnginePool
    from tui_structurer.library import Status
    from tui_structurer.library.folder import Folder
    from tui_structurer.processing.session import ReviewSession

    root = tmp_path / "talks"
    root.mkdir()
    for name in ("ferry-interview.srt", "compost-workshop.vtt", "cedar-mill.whisper.json"):
        shutil.copy(FORMATS / name, root / name)
    folder = Folder(root, Path("structured"))
    folder.refresh()
    engine = ScriptedEngine(comma_every=6)
    session = ReviewSession(folder, load_config(), EnginePool(scripted_loader(engine)), True)
    results = run_until_idle(session)
    assert {r.status for r in results} == {Status.ACCEPTED}
    out = root / "structured"
    srt = (out / "ferry-interview.srt").read_text()
    original = (root / "ferry-interview.srt").read_text()
    assert TIMING.findall(srt) == TIMING.findall(original)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:03,480\nSo how long")
    assert (out / "ferry-interview.srt.md").read_text().startswith("So how long")
    vtt = (out / "compost-workshop.vtt").read_text()
    assert "intro-1\n00:00:00.000 --> 00:00:04.200 line:85%\nOkay everyone" in vtt
    written = json.loads((out / "cedar-mill.whisper.json").read_text())
    assert written["segments"][0]["text"].startswith(" So this morning")
    assert written["segments"][0]["words"][0]["word"] == " So"
    decisions = folder.library.decisions(folder.library.transcripts()[0].id)
    assert decisions[-1]["output_path"].endswith(".md")
    session.close()


@pytest.mark.model
def test_speakers_timestamps_tags_and_existing_punctuation_survive_strict_mode() -> None:
    """The real model structures an interview with labels, timestamps and a tag, and a
    Whisper file that stops punctuating half-way: labels, markers and the source's own
    punctuation stay exactly where they were; the rest gets structure."""
    from tui_structurer.config import load_config
    from tui_structurer.engines.pool import EnginePool
    from tui_structurer.pipeline import Pipeline
    from tui_structurer.text.words import word_keys
    from tui_structurer.transcripts import read_transcript

    config = load_config()
    engines = EnginePool()
    try:
        pipeline = Pipeline(config, engines)
        interview = read_transcript(FORMATS / "bakery-interview.txt", 100_000).text
        out = pipeline.process(interview, (config.cascade[0],)).candidate
        half = read_transcript(FORMATS / "garden-podcast.whisper.txt", 100_000).text
        half_out = pipeline.process(half, (config.cascade[0],)).candidate
    finally:
        engines.close()

    assert out.mode == "strict" and word_keys(out.final_output) == word_keys(interview)
    turns = [line for line in interview.split("\n") if line]
    for turn in turns:  # each turn opens a paragraph with its time and label, as written
        stamp_and_label = " ".join(turn.split()[:2])
        assert f"\n\n{stamp_and_label} " in "\n\n" + out.final_output
    assert " [laughter] " in out.final_output
    for paragraph in out.final_output.split("\n\n")[:-1]:
        assert paragraph.rstrip()[-1] in ".?!"  # no sentence runs across a turn

    assert word_keys(half_out.final_output) == word_keys(half)
    first_line = half.split("\n")[0]
    assert half_out.final_output.startswith(first_line)  # punctuated: kept as it was
    rest = half_out.final_output[len(first_line) :]
    assert sum(rest.count(m) for m in ".,?") > 5  # the unpunctuated part got structure
