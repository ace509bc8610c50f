"""Whisper-style JSON (openai-whisper, faster-whisper, whisperX): its spoken text, and
the same document written back with each segment's ``text`` (and each word entry's
``word``) structured, every other field untouched.

Diarized files (a ``speaker`` on segments, as whisperX writes) get a speaker label at
the start of each turn in the text, ``SPEAKER_00:`` on a paragraph of its own line; the
label is written back to no field (the segment keeps its ``speaker``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tui_structurer.text.words import tokenize
from tui_structurer.transcripts.layout import Label, Part, Slot, WordFeed


class WhisperJsonError(ValueError):
    """The JSON is not a transcript this reader knows."""


@dataclass
class WhisperDocument:
    """The parsed file, its spoken text, and where each segment's words are."""

    doc: Any
    paragraphs: list[str] = field(default_factory=list)
    """Speaker turns (one, when the file has no speakers), each a run of segment texts."""
    parts: list[Part] = field(default_factory=list)
    """A label per turn (diarized files) and a slot per segment with words."""
    segments: list[int] = field(default_factory=list)
    """For each slot, the index of its segment."""
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def write(self, words: Sequence[str]) -> str:
        """The document with the structured ``words`` (one per source word) in place."""
        doc = copy.deepcopy(self.doc)
        feed = WordFeed(words)
        if not self.segments:  # a file with only a "text"
            doc["text"] = _keep_leading_space(doc["text"], feed.take(len(words)))
            return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
        slot_index = 0
        texts = []
        for part in self.parts:
            if isinstance(part, Label):
                feed.take(part.words)
                continue
            assert isinstance(part, Slot)
            segment = doc["segments"][self.segments[slot_index]]
            slot_index += 1
            text = feed.take(part.words)
            texts.append(text)
            segment["text"] = _keep_leading_space(segment["text"], text)
            _write_words(segment, text)
        if not feed.finished():
            raise ValueError("the structured text has more words than the segments hold")
        if isinstance(doc.get("text"), str):
            doc["text"] = _keep_leading_space(doc["text"], " ".join(texts))
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _keep_leading_space(original: str, text: str) -> str:
    """``text`` after the whitespace ``original`` began with (Whisper starts with one)."""
    return original[: len(original) - len(original.lstrip())] + text


def _write_words(segment: dict[str, Any], text: str) -> None:
    """Word entries take the structured spelling of their word when they split the
    segment the way the text does (one entry per word); otherwise they are left."""
    entries = segment.get("words")
    if not isinstance(entries, list):
        return
    words = text.split(" ")
    spoken = [e for e in entries if isinstance(e, dict) and isinstance(e.get("word"), str)]
    if len(spoken) != len(words) or any(len(tokenize(e["word"])) != 1 for e in spoken):
        return
    for entry, word in zip(spoken, words, strict=True):
        entry["word"] = _keep_leading_space(entry["word"], word)


def parse_whisper_json(raw: str) -> WhisperDocument:
    try:
        doc: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise WhisperJsonError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from exc
    if not isinstance(doc, dict):
        raise WhisperJsonError("JSON has neither a 'text' string nor 'segments' with 'text'")
    segments = doc.get("segments")
    if isinstance(segments, list) and any(
        isinstance(s, dict) and isinstance(s.get("text"), str) for s in segments
    ):
        return _from_segments(doc, segments)
    text = doc.get("text")
    if isinstance(text, str) and text.strip():  # no segments: the text is all there is
        return WhisperDocument(doc, [text.strip()], [Slot(len(tokenize(text)))])
    raise WhisperJsonError("JSON has neither a 'text' string nor 'segments' with 'text'")


def _from_segments(doc: Any, segments: list[Any]) -> WhisperDocument:
    out = WhisperDocument(doc)
    turn: list[str] = []
    speaker: object = None
    for index, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            continue
        spoken = segment["text"].strip()
        words = len(tokenize(spoken))
        if not words:
            continue
        label = segment.get("speaker")
        if isinstance(label, str) and label and label != speaker:
            if turn:
                out.paragraphs.append(" ".join(turn))
            speaker = label
            tag = f"{label}:"
            turn = [tag]
            out.parts.append(Label(len(tokenize(tag))))
        turn.append(spoken)
        out.parts.append(Slot(words))
        out.segments.append(index)
    if turn:
        out.paragraphs.append(" ".join(turn))
    if not out.segments:
        raise WhisperJsonError("JSON segments hold no words")
    return out
