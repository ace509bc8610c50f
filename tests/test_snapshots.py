"""Layout of the queue, the live panel and the review screen, with seeded data."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from nvml_standin import rtx_3070_ti
from tui_structurer.gpu.telemetry import GpuSampler
from tui_structurer.library.folder import Folder
from tui_structurer.processing.session import ReviewSession
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.review import ReviewScreen
from tui_structurer.ui.widgets.diff_view import DiffView
from ui_seed import live_view, open_session, seed_folder, seed_long_talk

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
    view = live_view()
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


NARROW = (80, 24)
DECIDED_AT = 1_764_536_400.0  # 30 Nov 2025 21:00 UTC


async def open_review(pilot: Pilot[None], app: StructurerApp, path: str) -> ReviewScreen:
    await until(pilot, lambda: app.queue_screen.table.row_count > 0)
    table = app.queue_screen.table
    table.select(next(i for i, r in table.records.items() if r.path == path))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen) and not app.screen.busy)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def test_queue_at_80_columns(snap_compare: Any, session: ReviewSession) -> None:
    app = make_app(session)

    async def loaded(pilot: Pilot[None]) -> None:
        await until(pilot, lambda: ready(app))
        await pilot.pause()

    assert snap_compare(app, terminal_size=NARROW, run_before=loaded)


def test_long_review_scrolled_to_the_middle(snap_compare: Any, tmp_path: Path) -> None:
    session = open_session(seed_long_talk(seed_folder(tmp_path / "talks")))
    app = make_app(session)

    async def reading(pilot: Pilot[None]) -> None:
        review = await open_review(pilot, app, "long-lecture.txt")
        view = review.query_one(DiffView)
        await pilot.pause()
        leader = view.key_leader
        # A fixed number of pages, counted before the first press: the screen a person
        # sees after that many presses, whatever the machine's speed.
        pages = -(-(leader.last_top // 2) // max(1, leader.page_height - 1))
        for _ in range(pages):
            await pilot.press("pagedown")
            await pilot.pause()
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=(140, 40), run_before=reading)
    finally:
        session.close()


def test_review_of_a_decided_file(
    snap_compare: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    root = seed_folder(tmp_path / "talks")
    folder = Folder(root, Path("structured"))
    record = folder.library.get_by_path("gamma.txt")
    assert record is not None
    folder.accept(record.id)
    with folder.library.transaction() as db:
        db.execute("UPDATE decisions SET decided_at = ?", (DECIDED_AT,))
    folder.close()
    session = open_session(root)
    app = make_app(session)

    async def reviewing(pilot: Pilot[None]) -> None:
        await open_review(pilot, app, "gamma.txt")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=reviewing)
    finally:
        session.close()
        monkeypatch.delenv("TZ")
        time.tzset()
