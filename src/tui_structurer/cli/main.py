"""The `tui-structurer` command line: parse, dispatch, and turn errors into exit codes."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

from tui_structurer.cli import calibrate, doctor, evaluate, review, run, status, watch
from tui_structurer.cli.common import EXIT_INTERRUPTED, error
from tui_structurer.cli.parser import COMMANDS, build_parser
from tui_structurer.config import ConfigError, load_config
from tui_structurer.errors import StructurerError

_COMMANDS = {
    "run": run.command,
    "open": review.command,
    "doctor": doctor.command,
    "watch": watch.command,
    "eval": evaluate.command,
    "status": status.command,
    "calibrate": calibrate.command,
}


EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; its exit code. A reader that stops early (``status | head``) ends
    the output quietly, as with other command-line tools."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
    except BrokenPipeError:
        # Nothing more can be written; point stdout at nothing so the interpreter's own
        # flush at exit does not report the same closed pipe again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    return code


TOP_LEVEL_OPTIONS = ("-h", "--help", "--version")


def _opens_the_app(arguments: Sequence[str]) -> bool:
    """Whether the command line names no command: a folder, or the app's options first."""
    if not arguments or arguments[0] in COMMANDS or arguments[0] in TOP_LEVEL_OPTIONS:
        return False
    return not arguments[0].startswith("-") or not any(a in COMMANDS for a in arguments)


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _opens_the_app(arguments):
        arguments.insert(0, "open")  # `tui-structurer [--paused] FOLDER` opens the app
    args = build_parser().parse_args(arguments)
    try:
        config = load_config(args.config)
        return _COMMANDS[args.command](args, config)
    except ConfigError as exc:
        error(f"config error: {exc}")
        return exc.exit_code
    except StructurerError as exc:  # said in words; the kind decides the exit code
        error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        error("interrupted")
        return EXIT_INTERRUPTED
