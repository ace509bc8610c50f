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


def folder_of(config: Config, folder: Path, out: Path | None, read_only: bool = False) -> Folder:
    """``folder`` opened with the output settings of ``config``."""
    settings = config.settings
    return Folder(
        folder,
        out or Path(settings.output_dir),
        read_only,
        outputs=settings.outputs,
        max_file_bytes=settings.max_file_bytes,
    )


def open_folder(config: Config, folder: Path, out: Path | None) -> Folder:
    """Open ``folder`` for work and bring its state up to date with the disk."""
    opened = folder_of(config, folder, out)
    opened.refresh()
    return opened
