"""Text from the file system, made safe to print on a terminal."""

from __future__ import annotations

import unicodedata

_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Controls, invisible format characters (bidi overrides among them), undecodable bytes
and line separators: in a file name they could move the cursor, clear the screen,
reverse text or start a fake line."""


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable_path(text: str) -> str:
    """``text`` (a path, or a message naming one) with every unsafe character escaped
    as ``\\x1b`` / ``\\u202e``; ordinary text, accents and scripts are left alone."""
    if text.isprintable():
        return text
    return "".join(
        _escaped(char) if unicodedata.category(char) in _UNSAFE else char for char in text
    )
