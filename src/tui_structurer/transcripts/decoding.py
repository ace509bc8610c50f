"""Bytes to text: the encodings transcripts really come in, and refusing binaries.

UTF-8 (and any text with a byte-order mark) is read as it is. Anything else is detected
with charset-normalizer and read only when the detection is unambiguous, with a warning
that names the encoding; a file that two encodings would read differently is refused
rather than guessed, since a wrong guess changes words.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import CharsetMatch, from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_CONTROLS = {9, 10, 12, 13}
MAX_CHAOS = 10.0
"""Percent of odd characters (charset-normalizer's "chaos") a reading may have at most."""
CHAOS_MARGIN = 5.0
"""Readings this close in chaos to the cleanest one are all plausible ..."""
COHERENCE_LEAD = 5.0
"""... and one of them is chosen only if it fits a language this much better than the
rest (percentage points of charset-normalizer's "coherence"); otherwise it is a guess."""
_WIDE = re.compile(r"utf_(16|32)_[lb]e")
_PREFERRED_NAMES = ("cp1252", "cp1251", "shift_jis")
"""Among encodings that read a file identically, the name people know."""


class NotTextError(ValueError):
    """The bytes are not a text file."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > len(sample) // 100


def display_name(encoding: str) -> str:
    """``cp1251`` as "Windows-1251", ``cp932`` as "Shift-JIS", ``utf_16_le`` as "UTF-16-LE"."""
    if re.fullmatch(r"cp125\d", encoding):
        return "Windows-" + encoding[2:]
    if encoding in ("cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"):
        return "Shift-JIS"
    return encoding.replace("_", "-").upper()


def _name_of(match: CharsetMatch) -> str:
    same = match.could_be_from_charset
    return display_name(next((name for name in _PREFERRED_NAMES if name in same), match.encoding))


def _detect(data: bytes) -> CharsetMatch:
    """The one clearly right reading of ``data``, or :class:`NotTextError` saying why not."""
    matches = list(from_bytes(data))
    if not matches or matches[0].percent_chaos > MAX_CHAOS:
        raise NotTextError("not UTF-8, and not in any text encoding that could be recognised")
    cleanest = matches[0].percent_chaos
    plausible = sorted(
        (m for m in matches if m.percent_chaos <= cleanest + CHAOS_MARGIN),
        key=lambda m: -m.percent_coherence,
    )
    best = plausible[0]
    rivals = [
        m for m in plausible[1:] if m.percent_coherence > best.percent_coherence - COHERENCE_LEAD
    ]
    if rivals:
        names = ", ".join(dict.fromkeys(_name_of(m) for m in [best, *rivals]))
        raise NotTextError(
            f"not UTF-8, and its encoding is uncertain ({names} read it differently); "
            "save it as UTF-8 to use it"
        )
    return best


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode ``data`` and return the text with any warnings about how it was read."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), []
            except UnicodeDecodeError as exc:
                raise NotTextError(f"starts with a {encoding} byte-order mark but {exc}") from exc
    if _looks_binary(data):
        # UTF-16 or UTF-32 without a byte-order mark is full of zero bytes too.
        try:
            wide = _detect(data)
        except NotTextError:
            wide = None
        if wide is None or not _WIDE.fullmatch(wide.encoding):
            raise NotTextError("looks like a binary file, not text")
        return str(wide), [f"no byte-order mark; read as {_name_of(wide)}"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    best = _detect(data)
    return str(best), [f"not UTF-8; read as {_name_of(best)}: check that the text reads right"]
