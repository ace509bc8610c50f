"""`calibrate`: fit a model's strict-mode biases to a folder of references."""

from __future__ import annotations

import argparse

from tui_structurer.config import Config


def command(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.evaluation.calibrate_command import calibrate

    return calibrate(config, args.model, args.folder, write=not args.dry_run)
