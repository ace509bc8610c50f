"""Bytes to text: the encodings transcripts really come in, and refusing binaries."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_CONTROLS = {9, 10, 12, 13}


class NotTextError(ValueError):
    """The bytes are not a text file."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > len(sample) // 100


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode ``data`` and return the text with any warnings about how it was read.

    A byte-order mark decides the encoding; without one, UTF-8 is tried and anything else
    is read as Windows-1252 (the usual legacy encoding of transcripts), with a warning.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), []
            except UnicodeDecodeError as exc:
                raise NotTextError(f"starts with a {encoding} byte-order mark but {exc}") from exc
    if _looks_binary(data):
        raise NotTextError("looks like a binary file, not text")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        warning = (
            f"not valid UTF-8 (byte {exc.start}); read as Windows-1252 — check accented letters"
        )
        return data.decode("cp1252", errors="replace"), [warning]
