"""What every command shares: error lines, exit codes, opening a folder."""

from __future__ import annotations

import sys
from pathlib import Path

from tui_structurer.config import Config
from tui_structurer.library.folder import Folder

EXIT_OK, EXIT_RUN_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def error(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    print(f"tui-structurer: {message}", file=sys.stderr)


def open_folder(config: Config, folder: Path, out: Path | None) -> Folder:
    """Open ``folder`` for work and bring its state up to date with the disk."""
    opened = Folder(folder, out or Path(config.settings.output_dir))
    opened.refresh()
    return opened
