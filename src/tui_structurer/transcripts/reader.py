"""Read one transcript file into normalized text, or say why it cannot be read."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tui_structurer.errors import FileProblem
from tui_structurer.text.words import word_keys
from tui_structurer.transcripts.decoding import NotTextError, decode
from tui_structurer.transcripts.layout import SourceLayout, TextLayout
from tui_structurer.transcripts.source_file import SourceError, open_inside, open_regular, read_all
from tui_structurer.transcripts.subtitles import Subtitles, parse_srt, parse_vtt
from tui_structurer.transcripts.whisper_json import WhisperJsonError, parse_whisper_json

Parsed = tuple[str, SourceLayout | None, list[str]]
"""The spoken text, how to write the file back (None for plain text), warnings."""


def _plain(raw: str) -> Parsed:
    return raw, None, []


def _subtitles(parse: Callable[[str], Subtitles]) -> Callable[[str], Parsed]:
    def parsed(raw: str) -> Parsed:
        subtitles = parse(raw)
        return subtitles.text, TextLayout(tuple(subtitles.parts)), subtitles.warnings

    return parsed


def _whisper(raw: str) -> Parsed:
    document = parse_whisper_json(raw)
    return document.text, document, document.warnings


_PARSERS: dict[str, Callable[[str], Parsed]] = {
    ".txt": _plain,
    ".md": _plain,
    ".srt": _subtitles(parse_srt),
    ".vtt": _subtitles(parse_vtt),
    ".json": _whisper,
}
SUPPORTED_SUFFIXES = frozenset(_PARSERS)
OWN_FORMAT_SUFFIXES = frozenset({".srt", ".vtt", ".json"})
"""Formats that are written back as themselves beside the Markdown text."""
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


class TranscriptError(FileProblem):
    """A file that cannot be used as a transcript; the message is the per-file reason."""


@dataclass(frozen=True, slots=True)
class Transcript:
    """The spoken text of one file and anything worth knowing about how it was read."""

    text: str
    warnings: tuple[str, ...] = ()
    layout: SourceLayout | None = None
    """How to write the file back in its own format (subtitles, Whisper JSON)."""

    @property
    def word_count(self) -> int:
        return len(word_keys(self.text))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def unix_lines(text: str) -> str:
    """Unix line breaks and no invisible characters; every line otherwise as it was
    (in WebVTT a line holding one space is cue text, not a blank line)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)


def normalize(text: str) -> str:
    """Unix line breaks, no invisible characters, no trailing spaces on lines."""
    return "\n".join(line.rstrip() for line in unix_lines(text).split("\n")).strip()


def parse(data: bytes, suffix: str) -> Transcript:
    """Turn a file's bytes into a transcript according to its suffix."""
    parser = _PARSERS.get(suffix.lower())
    if parser is None:
        raise TranscriptError(f"unsupported file type {suffix!r}")
    if not data.strip():
        raise TranscriptError("empty file")
    try:
        raw, warnings = decode(data)
        spoken, layout, notes = parser(unix_lines(raw))
    except (NotTextError, WhisperJsonError) as exc:
        raise TranscriptError(str(exc)) from exc
    text = normalize(spoken)
    if not word_keys(text):
        raise TranscriptError("no words in the file")
    if isinstance(layout, TextLayout) and "\r\n" in raw:
        layout = TextLayout(layout.parts, "\r\n")
    return Transcript(text, (*warnings, *notes), layout)


def _read(opener: Callable[[], int], suffix: str, max_bytes: int) -> Transcript:
    """Open with ``opener``, refuse what is too large before reading it, then parse."""
    try:
        fd = opener()
        try:
            size = os.fstat(fd).st_size
            if size > max_bytes:
                raise TranscriptError(
                    f"too large: {_megabytes(size)}, the limit is {_megabytes(max_bytes)} "
                    "(settings.max_file_bytes in models.toml)"
                )
            data = read_all(fd, max_bytes)
        finally:
            os.close(fd)
    except SourceError as exc:
        raise TranscriptError(str(exc)) from exc
    except PermissionError as exc:
        raise TranscriptError("cannot be read: permission denied") from exc
    except FileNotFoundError as exc:
        raise TranscriptError("the file no longer exists") from exc
    except OSError as exc:
        raise TranscriptError(f"cannot be read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise TranscriptError(f"too large: it grew past {_megabytes(max_bytes)} while read")
    return parse(data, suffix)


def read_transcript(path: Path, max_bytes: int) -> Transcript:
    """Read the file ``path`` (links followed); every way it can fail becomes a
    :class:`TranscriptError`."""
    return _read(lambda: open_regular(path), path.suffix, max_bytes)


def read_source(root: Path, relative: str, max_bytes: int) -> Transcript:
    """Read the transcript ``relative`` of the folder ``root`` (a resolved path) without
    following links out of it: see :func:`~tui_structurer.transcripts.source_file.open_inside`.
    """
    return _read(lambda: open_inside(root, relative), PurePosixPath(relative).suffix, max_bytes)
