"""What the source decides before any model: paragraphs, speaker turns, markers, and the
punctuation it already has."""

from __future__ import annotations

from pathlib import Path

from tui_structurer.text.markers import MarkerKind, find_markers
from tui_structurer.text.source_rules import Case, GapRule, Paragraph, source_rules
from tui_structurer.text.words import tokenize

FORMATS = Path(__file__).resolve().parent.parent / "examples" / "formats"


def kinds(text: str) -> list[tuple[MarkerKind, str]]:
    tokens = tokenize(text)
    return [
        (m.kind, " ".join(t.text for t in tokens[m.start : m.end])) for m in find_markers(tokens)
    ]


def test_labels_timestamps_and_tags_are_found() -> None:
    text = (
        "SPEAKER_00: so we begin\nSpeaker 1: right [laughter] yes\n"
        "[00:01:23] Interviewer: and then (applause) it ended <|nospeech|>\n"
        "[John] okay [Background Music] and so: on\n>> next speaker here (12:04)"
    )
    assert kinds(text) == [
        (MarkerKind.LABEL, "SPEAKER_00:"),
        (MarkerKind.LABEL, "Speaker 1:"),
        (MarkerKind.TAG, "[laughter]"),
        (MarkerKind.TIME, "[00:01:23]"),
        (MarkerKind.LABEL, "Interviewer:"),
        (MarkerKind.TAG, "(applause)"),
        (MarkerKind.TAG, "<|nospeech|>"),
        (MarkerKind.LABEL, "[John]"),
        (MarkerKind.TAG, "[Background Music]"),
        (MarkerKind.LABEL, ">>"),
        (MarkerKind.TIME, "(12:04)"),
    ]


def test_words_with_colons_inside_a_line_are_not_labels() -> None:
    assert kinds("so the plan: we go home\nthe ratio is three: one") == []


def test_a_turn_opens_a_paragraph_ends_the_sentence_before_and_keeps_its_label() -> None:
    text = (FORMATS / "bakery-interview.txt").read_text()
    tokens = tokenize(text)
    rules = source_rules(text)
    maria = next(i for i, t in enumerate(tokens) if t.text == "[00:00:05]")
    assert rules.gaps[maria].paragraph == Paragraph.ALWAYS
    assert rules.gaps[maria].marks == (".", "?", "!")
    assert rules.gaps[maria + 1] == GapRule(("",), Paragraph.NEVER, Case.KEEP)
    assert rules.gaps[maria + 2].marks == (":",) and rules.gaps[maria + 2].case == Case.CAPITAL
    assert rules.gaps[maria + 3].free  # the speech itself is the model's to punctuate
    laughter = next(i for i, t in enumerate(tokens) if t.text == "[laughter]")
    assert rules.gaps[laughter].case == Case.KEEP
    assert rules.gaps[laughter + 1].marks == ("",)  # a tag takes no mark of its own
    assert not rules.already_punctuated


def test_a_source_paragraph_is_kept_and_a_wrapped_line_is_not_one() -> None:
    text = "so we began\nand we kept going\n\nthen it rained"
    rules = source_rules(text)
    assert rules.gaps[3].free  # "and": a wrapped line
    assert rules.gaps[7].paragraph == Paragraph.ALWAYS and rules.gaps[7].case == Case.CAPITAL


def test_punctuated_stretches_keep_their_marks_and_the_rest_is_free() -> None:
    text = (FORMATS / "garden-podcast.whisper.txt").read_text()
    tokens = tokenize(text)
    rules = source_rules(text)
    hour = next(i for i, t in enumerate(tokens) if t.text == "Hour.")
    assert rules.gaps[hour + 1].marks == (".",) and rules.gaps[hour + 1].case == Case.KEEP
    assert rules.gaps[hour + 1].paragraph == Paragraph.FREE  # a break may follow a sentence
    assert rules.gaps[hour].marks == ("",) and rules.gaps[hour].paragraph == Paragraph.NEVER
    assert all(rule.free for rule in rules.gaps[len(tokens) // 2 : -1])
    assert 0.2 < rules.punctuated_share < 0.6 and not rules.already_punctuated
    redo = source_rules(text, keep_punctuation=False)
    assert all(rule.free for rule in redo.gaps)


def test_a_well_punctuated_file_is_reported_as_such() -> None:
    text = " ".join(["So we went home. Then, after dinner, we talked for a while."] * 10)
    rules = source_rules(text)
    assert rules.already_punctuated and rules.marks_per_100_words > 20


def test_one_full_stop_at_the_end_does_not_make_a_transcript_punctuated() -> None:
    rules = source_rules("so i went home and then i slept for a long time.")
    assert all(rule.free for rule in rules.gaps[:-1]) and not rules.already_punctuated
