"""Every attempt of a file can be viewed and accepted; the review opens on the best."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_app import loaded, review_of, shown, wait_for_review
from tui_structurer.library import Status
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.review import ReviewScreen
from tui_structurer.ui.widgets.attempt_history import AttemptHistory
from ui_seed import TALKS, open_session, seed_attempt, seed_folder, status_of, use_editor

SIZE = (120, 36)
SOURCE = TALKS["alpha.txt"][0]
GOOD = (
    "So the question people always ask me is why the bridge bends in the middle. "
    "And the answer is that two crews built it from both banks at once."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """alpha.txt: a good attempt, then five reruns, the last (the candidate) the source
    unchanged, as a fallback that gave up returns it."""
    root = seed_folder(tmp_path / "talks")
    seed_attempt(root, "alpha.txt", GOOD, offer=False)
    for _ in range(4):
        seed_attempt(root, "alpha.txt", SOURCE + " and more", offer=False)
    seed_attempt(root, "alpha.txt", SOURCE)
    return root


def cursor_visible(history: AttemptHistory) -> bool:
    top = history.scroll_offset.y
    rows = history.scrollable_content_region.height - 1  # the header row stays
    return top <= history.cursor_row < top + rows


async def test_the_review_opens_on_the_best_attempt_and_accepts_what_is_shown(
    folder: Path,
) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        assert review.item is not None
        assert shown(review).attempt.final_output == GOOD
        assert len(shown(review).history) == 7
        history = review.query_one(AttemptHistory)
        assert history.cursor_row == 1 and cursor_visible(history)
        assert "Not the candidate" in str(review.query_one("#review-header").render())
        await pilot.press("a")
        await wait_for_review(app, pilot)
    session.close()
    assert (folder / "structured" / "alpha.md").read_text() == GOOD + "\n"
    assert status_of(folder, "alpha.txt") == Status.ACCEPTED


async def test_attempt_keys_move_through_the_history_and_keep_the_row_visible(
    folder: Path,
) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        footer = " ".join(str(key.render()) for key in review.query("FooterKey"))
        assert "<" in footer and ">" in footer
        history = review.query_one(AttemptHistory)
        seen = []
        for _ in range(6):
            await pilot.press("greater_than_sign")
            await wait_for_review(app, pilot)
            assert isinstance(app.screen, ReviewScreen) and review.item is not None
            seen.append(shown(review).attempt.id)
            assert history.cursor_row == history.row_of(shown(review).attempt.id)
            assert cursor_visible(history)
        assert len(set(seen)) == 5  # rows 2..6, then it stays on the last
        await pilot.press("less_than_sign", "less_than_sign")
        await wait_for_review(app, pilot)
        chosen = shown(review).attempt
        await pilot.press("u")
        await wait_for_review(app, pilot)
        assert shown(review).record.candidate_attempt == chosen.id
        row = next(r for r in queue.table.records.values() if r.path == "alpha.txt")
        assert row.likeness == chosen.raw_likeness
        assert "Not the candidate" not in str(review.query_one("#review-header").render())
        await pilot.press("greater_than_sign", "greater_than_sign")  # the old candidate, seen
        await wait_for_review(app, pilot)
        assert shown(review).record.candidate_attempt == chosen.id  # not a stale copy
        assert "Not the candidate" in str(review.query_one("#review-header").render())
    session.close()


async def test_an_edit_outranks_a_worse_rerun_after_it(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_editor(tmp_path, monkeypatch, "s/banks at once/banks at once!/")
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        queue = await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        await pilot.press("e")
        await wait_for_review(app, pilot)
        assert review.item is not None and "once!" in shown(review).attempt.final_output
        row = next(r for r in queue.table.records.values() if r.path == "alpha.txt")
        assert "your edit" in queue.table.render_line(queue.table.shown_ids.index(row.id)).text
        await pilot.press("escape")
    session.close()
    seed_attempt(folder, "alpha.txt", "So. " * 5)  # a rerun that lost the words
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        assert review.item is not None and review.item.attempt.is_edit
    session.close()
