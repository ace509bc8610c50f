"""The review app end to end with the real llama.cpp engine and the embedded model."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from test_app import SIZE, loaded, settle, shown, wait_for_review
from tui_structurer.library import Status
from tui_structurer.ui.app import StructurerApp
from ui_seed import open_session, status_of

pytestmark = pytest.mark.model

TINY = "so we finally fixed the roof and it only took three weekends and one broken ladder\n"


async def until_status(app: StructurerApp, pilot: Pilot[None], path: str, status: Status) -> None:
    for _ in range(3000):  # generation on two busy CPU cores: a generous limit, not a speed test
        await pilot.pause(0.1)
        record = next(r for r in app.queue_screen.table.records.values() if r.path == path)
        if record.status == status:
            return
    raise AssertionError(f"{path} never reached {status}")


async def test_process_review_accept_then_rerun_with_fallback(tmp_path: Path) -> None:
    folder = tmp_path / "talks"
    folder.mkdir()
    (folder / "roof.txt").write_text(TINY)
    session = open_session(folder)
    app = StructurerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await until_status(app, pilot, "roof.txt", Status.REVIEW)
        await pilot.press("n")
        review = await wait_for_review(app, pilot)
        first_attempts = len(shown(review).history)
        assert first_attempts >= 1
        await pilot.press("f")  # pick a fallback prompt: the cascade's own comes first
        await settle(app, pilot)
        await pilot.press("enter")  # rerun with it: queued first
        await settle(app, pilot)
        await until_status(app, pilot, "roof.txt", Status.REVIEW)
        attempts = session.folder.library.attempts(shown(review).record.id)
        assert len(attempts) == first_attempts + 1
        assert attempts[-1].prompt == "structure-fallback"
        await pilot.press("n")
        await wait_for_review(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
    session.close()
    assert status_of(folder, "roof.txt") == Status.ACCEPTED
    assert (folder / "structured" / "roof.md").read_text().lower().split()[0] == "so"
