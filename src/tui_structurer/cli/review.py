"""`open` (the default): the review app on a folder."""

from __future__ import annotations

import argparse

from tui_structurer.cli.common import EXIT_OK, error, folder_of
from tui_structurer.config import Config
from tui_structurer.config.model_choice import use_model
from tui_structurer.text.display import printable_path


def command(args: argparse.Namespace, config: Config) -> int:
    from tui_structurer.processing.session import ReviewSession
    from tui_structurer.ui.app import StructurerApp

    if args.model:
        config = use_model(config, args.model)
    folder = folder_of(config, args.folder, args.out)
    session = ReviewSession(folder, config)
    start = config.settings.start_processing and not args.paused
    app = StructurerApp(session, start_processing=start)
    try:
        app.run()
    finally:
        if app.stopped_paths:  # stopping a generation can take a moment: say so
            names = ", ".join(map(printable_path, app.stopped_paths))
            error(f"stopping; back to pending: {names}")
        session.close()
    return EXIT_OK
