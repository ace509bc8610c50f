"""The review app's processing loop with a scripted engine: deterministic, no model."""

from __future__ import annotations

import threading
from pathlib import Path

from scripted_engine import ScriptedEngine, scripted_loader
from test_app import SIZE, loaded
from tui_structurer.config import load_config
from tui_structurer.engines.pool import EnginePool
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui.app import StructurerApp
from ui_seed import status_of


def scripted_session(folder: Path, engine: ScriptedEngine) -> ReviewSession:
    config = load_config()
    opened = Folder(folder, Path(config.settings.output_dir))
    return ReviewSession(opened, config, EnginePool(scripted_loader(engine)))


async def test_quitting_during_generation_returns_the_file_to_pending(tmp_path: Path) -> None:
    folder = tmp_path / "talks"
    folder.mkdir()
    (folder / "long.txt").write_text(" ".join(["and then we walked a little further"] * 60))
    writing = threading.Event()
    session: ReviewSession

    def hold(_: str) -> None:  # generation is in progress until the app cancels it
        writing.set()
        session.cancel.wait(10)

    session = scripted_session(folder, ScriptedEngine(on_piece=hold))
    app = StructurerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        for _ in range(200):
            await pilot.pause(0.05)
            if writing.is_set():
                break
        assert writing.is_set()
        await pilot.press("q")
    session.close()
    assert status_of(folder, "long.txt") == Status.PENDING
    assert app.stopped_paths == ["long.txt"]  # what `open` says once the app has closed
