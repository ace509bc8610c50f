"""`eval`: score models, prompts and modes against human references."""

from __future__ import annotations

import argparse
import json
import sys

from tui_structurer.cli.common import EXIT_OK
from tui_structurer.config import Config


def command(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.evaluation import command, report
    from tui_structurer.evaluation.dataset import load_entries
    from tui_structurer.evaluation.runner import run_eval

    config, steps = command.eval_steps(config, args.model, args.prompt, args.mode)
    entries, warnings = load_entries(args.folder, config.settings.max_file_bytes)
    runs = run_eval(config, steps, entries, command.print_progress)
    if args.save:
        written = command.save_outputs(args.save, runs)
        print(f"saved {len(written)} outputs under {args.save}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.as_json(runs, warnings), indent=2))
    else:
        print(report.as_text(runs, warnings))
    return EXIT_OK
