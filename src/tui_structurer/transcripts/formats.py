"""Subtitle and Whisper formats reduced to their spoken text."""

from __future__ import annotations

import html
import json
import re
from typing import Any

_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_CUE_NUMBER = re.compile(r"^\d+$")


class FormatError(ValueError):
    """The file's contents do not match its format."""


def _clean(line: str) -> str:
    return html.unescape(_TAG.sub("", line)).strip()


def srt_text(raw: str) -> str:
    """Text of an .srt file: cue numbers, timestamps and styling tags removed."""
    lines = []
    for line in raw.split("\n"):
        stripped = line.strip()
        if not stripped or _CUE_NUMBER.match(stripped) or "-->" in stripped:
            continue
        cleaned = _clean(stripped)
        if cleaned:
            lines.append(cleaned)
    return " ".join(lines)


def vtt_text(raw: str) -> str:
    """Text of a WebVTT file: header, notes, styles, cue ids, timestamps and tags removed."""
    blocks = re.split(r"\n\s*\n", raw.strip())
    lines: list[str] = []
    for block in blocks:
        block_lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not block_lines:
            continue
        head = block_lines[0]
        if head.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        timing = next((i for i, line in enumerate(block_lines) if "-->" in line), None)
        text_lines = block_lines if timing is None else block_lines[timing + 1 :]
        for line in text_lines:
            cleaned = _clean(line)
            if cleaned:
                lines.append(cleaned)
    return " ".join(lines)


def whisper_json_text(raw: str) -> str:
    """Text of a Whisper-style JSON file: its ``text``, else its ``segments[].text``."""
    try:
        doc: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from exc
    if isinstance(doc, dict):
        text = doc.get("text")
        if isinstance(text, str) and text.strip():
            return text.strip()
        segments = doc.get("segments")
        if isinstance(segments, list):
            parts = [
                seg["text"].strip()
                for seg in segments
                if isinstance(seg, dict) and isinstance(seg.get("text"), str)
            ]
            return " ".join(part for part in parts if part)
    raise FormatError("JSON has neither a 'text' string nor 'segments' with 'text'")
