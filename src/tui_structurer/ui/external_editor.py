"""Hand a text to the person's editor (``$VISUAL``, ``$EDITOR``, else vi) and read it back."""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported


def edit_text(app: App[None], text: str) -> str:
    """The text as the person left it in their editor; OSError if it could not run.

    The app gives the terminal to the editor (suspends) while it runs.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as handle:
        handle.write(text)
    path = Path(handle.name)
    editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
    try:
        try:
            with app.suspend():
                subprocess.run([*editor, str(path)], check=False)
        except SuspendNotSupported:  # headless (tests): nothing to hand the terminal to
            subprocess.run([*editor, str(path)], check=False, capture_output=True)
        return path.read_text(encoding="utf-8")
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
