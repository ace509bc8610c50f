"""An eval folder: raw transcripts ``NAME.EXT`` beside references ``NAME.gold.txt`` (or
``NAME.gold.EXT`` in the transcript's own format: a gold ``.srt`` beside its raw ``.srt``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui_structurer.errors import UsageError
from tui_structurer.transcripts import SUPPORTED_SUFFIXES, TranscriptError, read_transcript

GOLD_SUFFIX = ".gold.txt"
GOLD_MARK = ".gold"


class EvalSetError(UsageError):
    """The folder holds no usable (transcript, reference) pair."""


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    """The transcript's file name; outputs are saved under its stem."""
    source: str
    reference: str


def load_entries(folder: Path, max_bytes: int) -> tuple[list[Entry], list[str]]:
    """The pairs in ``folder`` (sorted by name) and a warning per file left out."""
    if not folder.is_dir():
        raise EvalSetError(f"{folder} is not a folder")
    entries: list[Entry] = []
    warnings: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.stem.endswith(GOLD_MARK) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        gold = _reference(path)
        if gold is None:
            warnings.append(f"{path.name}: no reference {path.stem + GOLD_SUFFIX}; left out")
            continue
        try:
            source = read_transcript(path, max_bytes).text
            reference = read_transcript(gold, max_bytes).text
        except TranscriptError as exc:
            warnings.append(f"{path.name}: {exc}; left out")
            continue
        if not source.strip():
            warnings.append(f"{path.name}: no words; left out")
            continue
        entries.append(Entry(path.name, source, reference))
    if not entries:
        raise EvalSetError(
            f"{folder} holds no transcript with a reference NAME{GOLD_SUFFIX} beside it"
            + (f" ({'; '.join(warnings)})" if warnings else "")
        )
    return entries, warnings


def _reference(path: Path) -> Path | None:
    """``NAME.gold.txt``, else ``NAME.gold.EXT`` in the transcript's own format."""
    for suffix in (".txt", path.suffix):
        gold = path.with_name(path.stem + GOLD_MARK + suffix)
        if gold.is_file():
            return gold
    return None
