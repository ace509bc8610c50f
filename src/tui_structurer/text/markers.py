"""Speaker labels, timestamps and non-speech tags in a transcript's text.

They are kept exactly where they are: a label opens a speaker's turn (a new paragraph;
the sentence before it ends), a timestamp or tag stays inside the text without becoming
part of a sentence. Found on whitespace tokens, so each marker is a run of tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tui_structurer.text.words import Token

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
TIMESTAMP = re.compile(rf"^[\[(]{_TIME}[\])]$")
"""``[00:01:23]``, ``(12:04)``, ``[1:02:03.5]``."""
NON_SPEECH = re.compile(
    r"^(?:\[[^\[\]]+\]|<\|[a-z_]+\|>|♪+|\((?:applause|laughter|laughs|laughing|music|"
    r"inaudible|crosstalk|silence|coughs?|sighs?|cheering|cheers|chuckles?)\))$",
    re.IGNORECASE,
)
"""``[Music]``, ``[Laughter]``, ``(applause)``, ``<|nospeech|>``, ``♪``."""
_LABEL_NAME = re.compile(r"^(?:SPEAKER_\d+|[A-Z][\w'.-]*)$")
LABEL_WORDS = 3
"""Longest label: "Speaker 1:", "Dr. Anna Cole:"."""
TAG_WORDS = 4
"""Longest bracketed tag: "[Background Music Playing]"."""


class MarkerKind(StrEnum):
    LABEL = "label"
    TIME = "time"
    TAG = "tag"


@dataclass(frozen=True, slots=True)
class Marker:
    """Tokens ``[start, end)`` of the text are a marker of this kind."""

    kind: MarkerKind
    start: int
    end: int


def _label_end(tokens: list[Token], start: int) -> int | None:
    """End of a speaker label starting at ``start`` (a line start), if there is one:
    ``Name:``, ``SPEAKER_00:``, ``Speaker 1:``, ``[John]`` or ``>>``."""
    first = tokens[start].text
    if first == ">>" or (first.startswith("[") and first.endswith("]") and len(first) > 2):
        return start + 1 if not TIMESTAMP.match(first) else None
    for end in range(start + 1, min(len(tokens), start + LABEL_WORDS) + 1):
        if end > start + 1 and tokens[end - 1].breaks_before:
            return None
        words = [t.text for t in tokens[start:end]]
        if words[-1].endswith(":") and len(words[-1]) > 1:
            names = [*words[:-1], words[-1][:-1]]
            if _LABEL_NAME.match(names[0]) and all(
                _LABEL_NAME.match(n) or n.isdigit() for n in names[1:]
            ):
                return end
            return None
    return None


def _bracket_end(tokens: list[Token], start: int) -> int | None:
    """End of a bracketed tag that spans tokens (``[Background Music]``), if any."""
    if not tokens[start].text.startswith("[") or "]" in tokens[start].text:
        return None
    for end in range(start + 1, min(len(tokens), start + TAG_WORDS)):
        if tokens[end].breaks_before:
            return None
        if tokens[end].text.endswith("]"):
            return end + 1
    return None


def find_markers(tokens: list[Token]) -> list[Marker]:
    """Every marker, in order. Labels only at the start of a line (or of the text, or
    right after a timestamp that starts a line)."""
    markers: list[Marker] = []
    index = 0
    line_time = False  # the line so far is only a timestamp
    while index < len(tokens):
        token = tokens[index]
        line_start = index == 0 or token.breaks_before > 0 or line_time
        line_time = False
        label_end = _label_end(tokens, index) if line_start else None
        tag_end = _bracket_end(tokens, index)
        if label_end is not None:
            markers.append(Marker(MarkerKind.LABEL, index, label_end))
            index = label_end
        elif TIMESTAMP.match(token.text):
            markers.append(Marker(MarkerKind.TIME, index, index + 1))
            line_time = index == 0 or token.breaks_before > 0
            index += 1
        elif NON_SPEECH.match(token.text) or tag_end is not None:
            end = tag_end or index + 1
            markers.append(Marker(MarkerKind.TAG, index, end))
            index = end
        else:
            index += 1
    return markers
