"""Names and texts made safe to print: a file name may hold escape sequences or line
breaks that would fake a status line or clear the screen."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable_path(name: str) -> str:
    """``name`` with every control character written as an escape (``\\n``, ``\\x1b``)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)
