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
        streams = session.live.snapshot().streams
        in_flight = app.stopped_paths or [s.path for s in streams]
        if in_flight:  # stopping a generation can take a moment: say what is happening
            error(f"stopping; back to pending: {', '.join(map(printable_path, in_flight))}")
        session.close()
    return EXIT_OK
