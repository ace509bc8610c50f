from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tui_structurer.text.words import word_keys
from tui_structurer.transcripts import TranscriptError, read_transcript

LIMIT = 1_000_000
TEXT = "so this is a talk about ferns and why they grow in the shade"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        "\ufeff".encode("utf-16-be") + TEXT.encode("utf-16-be"),
        TEXT.replace(" ", "\r\n", 3).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "crlf"],
)
def test_encodings_read_cleanly(tmp_path: Path, data: bytes) -> None:
    transcript = read_transcript(write(tmp_path, "t.txt", data), LIMIT)
    assert word_keys(transcript.text) == word_keys(TEXT)
    assert "\r" not in transcript.text and "\ufeff" not in transcript.text
    assert transcript.warnings == ()


RUSSIAN = "так вот мы стояли на пристани целый час и паром всё не приходил а потом пошёл дождь"
JAPANESE = "それで私たちは一時間も桟橋で待っていましたがフェリーは来ませんでした"
FRENCH = (
    "alors on est allés au marché ce matin et la boulangère nous a dit que le pain était "
    "déjà parti parce que tout le monde voulait des croissants pour la fête de l'école où "
    "les enfants préparent un spectacle"
)  # long enough to tell Windows-1252 from its cousins: a short one is refused (below)


@pytest.mark.parametrize(
    ("text", "encoding", "named"),
    [
        (RUSSIAN, "cp1251", "Windows-1251"),
        (RUSSIAN, "koi8-r", "KOI8-R"),
        (JAPANESE, "shift_jis", "Shift-JIS"),
        (FRENCH, "cp1252", "Windows-1252"),
    ],
)
def test_legacy_encodings_are_detected_and_named(
    tmp_path: Path, text: str, encoding: str, named: str
) -> None:
    transcript = read_transcript(write(tmp_path, "t.txt", text.encode(encoding)), LIMIT)
    assert transcript.text == text
    assert transcript.warnings == (f"not UTF-8; read as {named}: check that the text reads right",)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(TEXT, "utf-16-le"), (TEXT, "utf-16-be"), (RUSSIAN, "utf-16-le"), (JAPANESE, "utf-16-be")],
)
def test_utf16_without_a_byte_order_mark_is_text(tmp_path: Path, text: str, encoding: str) -> None:
    transcript = read_transcript(write(tmp_path, "t.txt", text.encode(encoding)), LIMIT)
    assert transcript.text == text
    assert transcript.warnings == (f"no byte-order mark; read as {encoding.upper()}",)


@pytest.mark.parametrize(
    "data",
    [
        "caf\u00e9 cr\u00e8me and a na\u00efve \u201cquote\u201d".encode("cp1252"),
        "привет как дела у тебя сегодня".encode("cp1251"),
    ],
    ids=["short-western", "short-cyrillic"],
)
def test_an_encoding_that_cannot_be_told_is_refused_not_guessed(
    tmp_path: Path, data: bytes
) -> None:
    with pytest.raises(TranscriptError, match=r"not UTF-8, and its encoding is uncertain \("):
        read_transcript(write(tmp_path, "t.txt", data), LIMIT)


def test_srt_keeps_only_the_spoken_text(tmp_path: Path) -> None:
    srt = (
        "1\n00:00:00,000 --> 00:00:02,000\n<i>so this is</i> a talk\n\n"
        "2\n00:00:02,000 --> 00:00:04,500\n{\\an8}about ferns and\nwhy they grow\n\n"
        "3\n00:00:04,500 --> 00:00:06,000\nin the shade\n"
    )
    assert read_transcript(write(tmp_path, "t.srt", srt), LIMIT).text == (
        "so this is a talk about ferns and why they grow in the shade"
    )


def test_vtt_drops_header_notes_ids_timestamps_and_tags(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\nKind: captions\n\nNOTE written by hand\n\n"
        "intro\n00:00.000 --> 00:02.000 align:start\n<v Ann>so this is a talk</v>\n\n"
        "00:02.000 --> 00:04.000\nabout <c.yellow>ferns</c> &amp; why\n"
    )
    assert read_transcript(write(tmp_path, "t.vtt", vtt), LIMIT).text == (
        "so this is a talk about ferns & why"
    )


def test_whisper_json_text_and_segments(tmp_path: Path) -> None:
    """Segments are read when there are any (they are written back one by one); a file
    with only a ``text`` is read from it."""
    only_text = json.dumps({"text": " " + TEXT, "language": "en"})
    read = read_transcript(write(tmp_path, "a.json", only_text), LIMIT)
    assert read.text == TEXT and read.layout is not None
    written = json.loads(read.layout.write([w.upper() for w in TEXT.split()]))
    assert written == {"text": " " + TEXT.upper(), "language": "en"}
    segments = json.dumps({"segments": [{"text": " so this is"}, {"text": " a talk"}]})
    assert read_transcript(write(tmp_path, "b.json", segments), LIMIT).text == "so this is a talk"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n \t", "empty file"),
        ("dots.txt", b"... -- !!", "no words"),
        ("binary.txt", bytes(range(256)) * 10, "binary"),
        ("png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "binary"),
        ("bad.json", b'{"text": "unterminated', "invalid JSON"),
        ("other.json", b'{"words": []}', "neither"),
        ("bad-bom.txt", b"\xff\xfe" + b"\x00\xd8", "byte-order mark"),
    ],
)
def test_bad_files_get_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(TranscriptError, match=reason):
        read_transcript(write(tmp_path, name, data), LIMIT)


def test_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(100_000_000)  # sparse: costs no disk
    with pytest.raises(TranscriptError, match=r"too large: 100.0 MB, the limit is 1.0 MB"):
        read_transcript(path, LIMIT)


def test_directory_and_missing_and_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(TranscriptError, match=r"not a regular file \(a folder\)"):
        read_transcript(tmp_path / "dir.txt", LIMIT)
    with pytest.raises(TranscriptError, match="no longer exists"):
        read_transcript(tmp_path / "gone.txt", LIMIT)
    locked = write(tmp_path, "locked.txt", TEXT)
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root ignores modes: refuse the open as the OS would
        real_open = os.open

        def refuse(path: str | Path, flags: int, *args: object, **kwargs: object) -> int:
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(TranscriptError, match="permission denied"):
        read_transcript(locked, LIMIT)


def test_shipped_examples_all_read(examples: Path) -> None:
    suffixes = set()
    for path in examples.iterdir():
        transcript = read_transcript(path, LIMIT)
        assert 150 <= transcript.word_count <= 1500
        assert transcript.text == transcript.text.lower()
        suffixes.add(path.suffix)
    assert {".txt", ".srt", ".json"} <= suffixes
    assert b"\r\n" in (examples / "kitchen-garden.txt").read_bytes()
