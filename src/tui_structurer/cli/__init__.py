"""The `tui-structurer` command line."""

from tui_structurer.cli.main import main

__all__ = ["main"]
