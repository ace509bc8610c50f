"""SubRip (.srt) and WebVTT (.vtt) files: their spoken text, and the layout that writes
a structured text back as the same file.

Cue numbers, ids, timings, settings, the WebVTT header and NOTE/STYLE/REGION blocks are
kept as they are. Each text line becomes a slot for exactly its own words; styling tags
at the edges of a line are kept around it, tags inside a line are dropped (said in a
warning). YouTube's automatic captions roll: each cue repeats the line before it, and a
10 ms cue repeats the line just finished. That form is detected and each line is kept
once, in the text and in the written subtitle (said in a warning).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from tui_structurer.text.words import tokenize
from tui_structurer.transcripts.layout import Part, Slot

_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")
_EDGE_TAGS = re.compile(r"^((?:<[^>]*>|\{\\[^}]*\})*)(.*?)((?:<[^>]*>)*)$", re.S)
_CUE_NUMBER = re.compile(r"^\d+$")
_KARAOKE = re.compile(r"<\d{2}:[\d:.]+>|</?c>")
_VTT_BLOCKS = ("WEBVTT", "NOTE", "STYLE", "REGION")
_SRT_GAP = r"\n(?:[ \t]*\n)+"
"""SRT files from many tools leave spaces on the lines between cues."""
_VTT_GAP = r"\n\n+"
"""In WebVTT only an empty line ends a cue: a line holding a space is cue text (YouTube
puts one in every cue)."""
ROLLING_SHARE = 0.3
"""Share of cues that must begin with the previous cue's last line to call it rolling."""


@dataclass
class Subtitles:
    """The spoken text of a subtitle file and how to write it back."""

    lines: list[str] = field(default_factory=list)
    """Spoken lines, in order (no tags, entities decoded)."""
    parts: list[Part] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass
class _Cue:
    head: list[str]
    """Lines before the text: the number or id, and the timing line."""
    text: list[str]


def _clean(line: str) -> str:
    return html.unescape(_TAG.sub("", line)).strip()


def _text_line(line: str, out: Subtitles, tags_dropped: list[bool]) -> None:
    """One cue text line: a slot for its words, edge tags kept when they are all it has."""
    spoken = _clean(line)
    words = len(tokenize(spoken))
    if not words:  # a line of music notes or dashes: not speech, kept as it is
        out.parts.append(line + "\n")
        return
    prefix, middle, suffix = _EDGE_TAGS.match(line.strip()).groups()  # type: ignore[union-attr]
    if _TAG.search(middle):
        # Karaoke timings (<00:00:01.200><c> word</c>) carry no style worth a warning.
        tags_dropped[0] |= bool(_TAG.search(_KARAOKE.sub("", middle)))
        prefix = suffix = ""
    out.lines.append(spoken)
    out.parts.append(Slot(words, prefix, suffix + "\n"))


def _blocks(raw: str, separator: str) -> list[list[str]]:
    """Blocks of lines separated by blank lines (the blank lines are not kept)."""
    return [block.split("\n") for block in re.split(separator, raw.strip("\n")) if block]


def _emit(cues: list[tuple[list[str], _Cue | None]], rolling: bool) -> Subtitles:
    """Subtitles from blocks: verbatim lines, or a cue whose text lines become slots."""
    out = Subtitles()
    tags_dropped = [False]
    last_line: str | None = None
    repeated = 0
    blocks: list[list[Part]] = []
    for verbatim, cue in cues:
        if cue is None:
            blocks.append([line + "\n" for line in verbatim])
            continue
        new_text = []
        for line in cue.text:
            spoken = _clean(line)
            if rolling and spoken and spoken == last_line:
                repeated += 1
                continue
            if spoken:
                last_line = spoken
            new_text.append(line)
        if rolling and not any(_clean(line) for line in new_text):
            continue  # a cue that only repeats: left out of the written file too
        cue_text = Subtitles()
        for line in new_text:
            _text_line(line, cue_text, tags_dropped)
        out.lines.extend(cue_text.lines)
        blocks.append([line + "\n" for line in cue.head] + cue_text.parts)
    for index, parts in enumerate(blocks):
        if index:
            out.parts.append("\n")
        out.parts.extend(parts)
    if tags_dropped[0]:
        out.warnings.append("styling tags inside cue lines are not kept in the structured subtitle")
    if rolling:
        out.warnings.append(
            f"rolling captions (YouTube style): {repeated} repeated lines were read once"
        )
    return out


def parse_srt(raw: str) -> Subtitles:
    """An .srt file (text with Unix line breaks)."""
    cues: list[tuple[list[str], _Cue | None]] = []
    for block in _blocks(raw, _SRT_GAP):
        timing = next((i for i, line in enumerate(block) if "-->" in line), None)
        if timing is None or timing > 1 or (timing == 1 and not _CUE_NUMBER.match(block[0])):
            cues.append((block, None))  # not a cue: kept as it is
            continue
        cues.append(([], _Cue(block[: timing + 1], block[timing + 1 :])))
    return _emit(cues, rolling=False)


def parse_vtt(raw: str) -> Subtitles:
    """A WebVTT file (text with Unix line breaks)."""
    cues: list[tuple[list[str], _Cue | None]] = []
    for block in _blocks(raw, _VTT_GAP):
        timing = next((i for i, line in enumerate(block) if "-->" in line), None)
        if block[0].startswith(_VTT_BLOCKS) or timing is None:
            cues.append((block, None))
            continue
        cues.append(([], _Cue(block[: timing + 1], block[timing + 1 :])))
    return _emit(cues, rolling=_is_rolling([c for _, c in cues if c is not None]))


def _is_rolling(cues: list[_Cue]) -> bool:
    """Whether most cues begin with the line the cue before ended with."""
    repeats = 0
    previous: str | None = None
    for cue in cues:
        lines = [spoken for spoken in (_clean(line) for line in cue.text) if spoken]
        if lines and previous is not None and lines[0] == previous:
            repeats += 1
        if lines:
            previous = lines[-1]
    return len(cues) >= 4 and repeats >= ROLLING_SHARE * len(cues)
