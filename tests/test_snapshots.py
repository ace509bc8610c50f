"""Layout of the queue, the live panel and the review screen, with seeded data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from nvml_standin import rtx_3070_ti
from tui_structurer.gpu.telemetry import GpuSampler
from tui_structurer.processing.live import LiveView, StreamView
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.review import ReviewScreen
from ui_seed import open_session, seed_folder

SIZE = (120, 36)


@pytest.fixture
def session(tmp_path: Path) -> Any:
    opened = open_session(seed_folder(tmp_path / "talks"))
    yield opened
    opened.close()


def make_app(session: ReviewSession) -> StructurerApp:
    return StructurerApp(
        session, start_processing=False, gpu_sampler=lambda: GpuSampler(rtx_3070_ti())
    )


async def until(pilot: Pilot[None], ready: Callable[[], bool]) -> None:
    for _ in range(200):
        await pilot.pause()
        if ready():
            return
    raise AssertionError("the app did not get ready")


def ready(app: StructurerApp) -> bool:
    """The folder is listed and the GPU panel has its first sample."""
    return app.queue_screen.table.row_count == 4 and app.telemetry is not None


def test_queue_screen(snap_compare: Any, session: ReviewSession) -> None:
    app = make_app(session)

    async def loaded(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: ready(app))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_live_panel_while_generating(snap_compare: Any, session: ReviewSession) -> None:
    app = make_app(session)
    stream = StreamView(
        transcript_id=4,
        path="delta.txt",
        phase="writing",
        step="gemma3-270m · structure · repair",
        chunk=0,
        chunks=1,
        tokens=18,
        expected=24,
        words=20,
        rate_now=17.5,
        text="Thanks, everyone, for coming out this morning to",
        seconds_left=0.3,
    )
    view = LiveView(
        streams=(stream,),
        last_ttft=0.74,
        rate_average=17.5,
        attempts_averaged=3,
        rate_history=(0, 12, 16.5, 17.2, 17.0, 16.8, 17.4, 15.9, 17.1, 16.6),
        files_done=3,
        seconds_per_word=0.05,
        words_per_file=20.0,
    )
    session.live.snapshot = lambda: view  # type: ignore[method-assign]  # seeded figures

    async def generating(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: ready(app))
        await pilot.press("t")
        await pilot.pause(0.4)  # one tick of the live clock

    assert snap_compare(app, terminal_size=SIZE, run_before=generating)


def test_review_screen(snap_compare: Any, session: ReviewSession) -> None:
    app = make_app(session)

    async def reviewing(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: app.queue_screen.table.row_count == 4)
        table = app.queue_screen.table
        table.select(next(i for i, r in table.records.items() if r.path == "beta.txt"))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("right_square_bracket")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=reviewing)
