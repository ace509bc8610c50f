"""Decisions land on what the person sees: the review stays on screen between files,
keys act only on the file drawn, failures keep the person on the file."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from test_app import loaded, review_of, settle, wait_for_review
from tui_structurer.library import Status
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.queue import QueueScreen
from tui_structurer.ui.screens.review import ReviewScreen
from ui_seed import open_session, seed_folder, status_of, use_editor

SIZE = (120, 36)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return seed_folder(tmp_path / "talks")


def reviews(app: StructurerApp) -> list[ReviewScreen]:
    return [s for s in app.screen_stack if isinstance(s, ReviewScreen)]


async def test_keys_pressed_before_the_next_file_is_drawn_do_nothing(folder: Path) -> None:
    session = open_session(folder)
    gate = threading.Event()
    accept = session.accept

    def held_accept(*args: Any, **kwargs: Any) -> Path:
        gate.wait(30)
        return accept(*args, **kwargs)

    session.accept = held_accept  # type: ignore[method-assign]
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        await pilot.press("a")
        await pilot.press("a", "r", "n", "e")  # while alpha is being written
        await pilot.pause()
        assert app.screen is review and review.busy  # no queue in between
        gate.set()
        await wait_for_review(app, pilot)
        assert review.item is not None and review.item.record.path == "beta.txt"
        assert reviews(app) == [review]
    session.close()
    assert status_of(folder, "alpha.txt") == Status.ACCEPTED
    assert status_of(folder, "beta.txt") == Status.REVIEW


async def test_a_failed_accept_stays_on_the_file(folder: Path) -> None:
    (folder / "structured").write_text("a file where the output folder should be")
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        for _ in range(2):  # "press a again", as the error suggests
            await pilot.press("a")
            await wait_for_review(app, pilot)
            assert review.item is not None and review.item.record.path == "alpha.txt"
        errors = [n.message for n in app._notifications if n.severity == "error"]
    session.close()
    assert errors and errors[-1].startswith("Accept failed")
    assert {status_of(folder, p) for p in ("alpha.txt", "beta.txt", "gamma.txt")} == {Status.REVIEW}


async def test_rerun_moves_on_in_place_and_opens_nothing_by_itself(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        await pilot.press("f")
        await pilot.pause()
        picker = app.screen
        options = picker.query_one(OptionList)
        assert "— repair:" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for_review(app, pilot)
        assert review.item is not None and review.item.record.path == "beta.txt"
        for _ in range(5):
            await settle(app, pilot)
        assert app.screen is review and review.item.record.path == "beta.txt"
        assert reviews(app) == [review]
    session.close()
    assert status_of(folder, "alpha.txt") == Status.PENDING


async def test_esc_after_an_edit_and_moves_returns_to_the_queue(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_editor(tmp_path, monkeypatch, "s/bends in the middle?/bends in the middle!/")
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        await pilot.press("e")
        await wait_for_review(app, pilot)
        assert review.item is not None and review.item.attempt.is_edit
        row = next(r for r in queue.table.records.values() if r.path == "alpha.txt")
        assert row.attempts == 2 and row.likeness == review.item.attempt.raw_likeness
        await pilot.press("n")
        await wait_for_review(app, pilot)
        await pilot.press("p")
        await wait_for_review(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert queue.table.records[queue.table.current_id() or 0].path == "alpha.txt"
    session.close()


async def test_the_review_says_how_the_source_was_read(folder: Path) -> None:
    from tui_structurer.library.folder import Folder

    warning = "not UTF-8; read as Windows-1251: check that the text reads right"
    store = Folder(folder, Path("structured"))
    record = store.library.get_by_path("alpha.txt")
    assert record is not None and record.candidate_attempt is not None
    store.library.mark_running(record.id, record.words or 0, (warning,))
    store.library.offer_for_review(record.id, record.candidate_attempt)
    store.close()
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        assert warning in str(review.query_one("#review-header").render())
    session.close()
