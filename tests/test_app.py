"""The review app driven through Pilot on a real state store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_structurer.config import CascadeStep
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.pipeline import AttemptResult
from tui_structurer.processing.review import ReviewItem
from tui_structurer.text.fidelity import score
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.queue import QueueScreen
from tui_structurer.ui.screens.review import ReviewScreen
from tui_structurer.ui.widgets.attempt_history import AttemptHistory
from tui_structurer.ui.widgets.diff_view import DiffView
from ui_seed import open_session, seed_folder, status_of, use_editor

SIZE = (120, 36)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return seed_folder(tmp_path / "talks")


LONG_RUNNING = {"processing", "gpu"}


async def settle(app: StructurerApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait for the short workers (loading, decisions, diffs), not the long-running ones."""
    for _ in range(3):
        await pilot.pause()
        for worker in list(app.workers):
            if worker.group not in LONG_RUNNING:
                await worker.wait()
    await pilot.pause()


def shown(review: ReviewScreen) -> ReviewItem:
    """The item the review screen shows (it has one once it opened)."""
    assert review.item is not None
    return review.item


async def wait_for_review(app: StructurerApp, pilot) -> ReviewScreen:  # type: ignore[no-untyped-def]
    """The review screen once a file is drawn on it and its keys are on."""
    for _ in range(100):
        await settle(app, pilot)
        screen = app.screen
        if isinstance(screen, ReviewScreen) and screen.item is not None and not screen.busy:
            return screen
    raise AssertionError("the review screen did not open")


async def review_of(app: StructurerApp, pilot, path: str) -> ReviewScreen:  # type: ignore[no-untyped-def]
    """Select ``path`` in the queue and open its review."""
    table = app.queue_screen.table
    table.select(next(i for i, r in table.records.items() if r.path == path))
    await pilot.press("enter")
    return await wait_for_review(app, pilot)


async def loaded(app: StructurerApp, pilot) -> QueueScreen:  # type: ignore[no-untyped-def]
    for _ in range(100):
        await pilot.pause()
        screen = app.queue_screen
        if screen.table.row_count:
            return screen
    raise AssertionError("the queue did not load")


async def test_accept_writes_output_and_records_decision(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        assert queue.table.row_count == 4
        review = await review_of(app, pilot, "alpha.txt")
        assert shown(review).record.path == "alpha.txt"
        await pilot.press("a")
        await settle(app, pilot)
    session.close()
    written = folder / "structured" / "alpha.md"
    assert written.read_text().startswith("So the question people always ask me is:")
    assert status_of(folder, "alpha.txt") == Status.ACCEPTED


async def test_reject_leaves_no_output_and_survives_restart(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        await review_of(app, pilot, "beta.txt")
        await pilot.press("r")
        await settle(app, pilot)
    session.close()
    assert not (folder / "structured").exists()

    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        statuses = {r.path: r.status for r in queue.table.records.values()}
        assert statuses["beta.txt"] == Status.REJECTED
        assert statuses["alpha.txt"] == Status.REVIEW
    session.close()


async def test_navigation_between_files_and_changes(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        queue.table.select(next(i for i, r in queue.table.records.items() if r.path == "alpha.txt"))
        await pilot.press("n")  # from the queue: the selected file, as it awaits review
        review = await wait_for_review(app, pilot)
        assert shown(review).record.path == "alpha.txt"
        await pilot.press("n")  # from a review: the next file awaiting review
        review = await wait_for_review(app, pilot)
        await pilot.pause()
        review = app.screen  # type: ignore[assignment]
        assert shown(review).record.path == "beta.txt"
        assert shown(review).diff.changes  # the model dropped words in beta
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert review.query_one(DiffView).change_index == 0
        await pilot.press("n")
        review = await wait_for_review(app, pilot)
        await pilot.pause()
        assert app.screen.item.record.path == "gamma.txt"  # type: ignore[attr-defined]
        await pilot.press("p")
        await pilot.pause()
        await settle(app, pilot)
        assert app.screen.item.record.path == "beta.txt"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        said = " ".join(str(w.render()) for w in app.screen.query("Label, Static"))
        assert "esc, ? or q closes this help" in said
        assert "✗" in said and "failed the fidelity gate" in said
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
    session.close()


async def test_pending_files_show_their_word_count(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        await settle(app, pilot)
        pending = next(r for r in queue.table.records.values() if r.path == "delta.txt")
    session.close()
    assert pending.status == Status.PENDING and pending.words == 11


async def test_status_filter_keys(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        await pilot.press("1")  # pending only
        await pilot.pause()
        assert queue.table.row_count == 1
        await pilot.press("3")  # review
        await pilot.pause()
        assert queue.table.row_count == 3
        await pilot.press("0")
        await pilot.pause()
        assert queue.table.row_count == 4
    session.close()


async def test_edit_is_rescored_as_a_new_attempt(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_editor(tmp_path, monkeypatch, "s/bends in the middle?/bends in the middle!/")
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        await pilot.press("e")
        for _ in range(50):
            await settle(app, pilot)
            if shown(review).attempt.is_edit:
                break
        assert "bends in the middle!" in shown(review).attempt.final_output
        assert len(shown(review).history) == 2
        header = str(review.query_one("#review-header").render())
        assert "your edit" in header and "before repair" not in header
        history = review.query_one(AttemptHistory)
        assert history.get_row_at(1)[1:6] == ["your edit", "—", "—", "1.000", "—"]
    session.close()


async def test_an_attempt_note_is_shown_with_its_review(folder: Path) -> None:
    opened = Folder(folder, Path("structured"))
    record = next(r for r in opened.library.transcripts() if r.path == "alpha.txt")
    first = opened.library.attempts(record.id)[0]
    result = AttemptResult(
        step=CascadeStep("gemma3-270m", "structure-strict", "strict"),
        mode="repair",
        raw_output=first.raw_output,
        final_output=first.final_output,
        raw_fidelity=score(first.raw_output, first.raw_output),
        final_fidelity=score(first.final_output, first.final_output),
        passed=True,
        gate_reasons=(),
        note="strict decoding unavailable (HTTP 400); fell back to repair",
    )
    opened.library.offer_for_review(
        record.id, opened.library.add_attempt(record.id, record.content_hash, result)
    )
    opened.close()
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await review_of(app, pilot, "alpha.txt")
        await settle(app, pilot)
        shown = [n.message for n in app._notifications]
    session.close()
    assert "strict decoding unavailable (HTTP 400); fell back to repair" in shown
