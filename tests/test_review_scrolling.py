"""Reading a long transcript: keys and the wheel move both panes together, by words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from test_app import loaded, review_of
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.widgets.diff_pane import DiffPane
from tui_structurer.ui.widgets.diff_view import DiffView
from ui_seed import long_talk, open_session, seed_folder, seed_long_talk

SIZE = (120, 36)
LONG = "long-lecture.txt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return seed_long_talk(seed_folder(tmp_path / "talks"))


def same_passage(view: DiffView) -> bool:
    """The top line of one pane holds the word that is at the top of the other."""
    source, output = view.source, view.output
    assert view.diff is not None
    to_output, to_source = view.diff.source_to_output, view.diff.output_to_source
    return output.top_line == output.line_of(to_output[source.top_word()]) or (
        source.top_line == source.line_of(to_source[output.top_word()])
    )


async def wheel(pilot, pane: DiffPane, down: bool) -> None:  # type: ignore[no-untyped-def]
    # Pilot has no wheel helper; this posts the event the terminal would, where it would.
    event = events.MouseScrollDown if down else events.MouseScrollUp
    await pilot._post_mouse_events([event], widget=pane)


async def test_keys_scroll_a_page_from_the_moment_the_review_opens(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, LONG)
        view = review.query_one(DiffView)
        leader = view.key_leader
        assert leader.top_line == 0
        await pilot.press("pagedown")
        assert leader.top_line == leader.page_height - 1
        assert same_passage(view)
        await pilot.press("down", "down")
        assert leader.top_line == leader.page_height + 1
        assert same_passage(view)
    session.close()


async def test_both_panes_always_show_the_same_passage(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, LONG)
        view = review.query_one(DiffView)
        tops = []
        for _ in range(5):
            await pilot.press("pagedown")
            assert same_passage(view)
            tops.append(view.source.top_word())
        assert tops == sorted(tops) and len(set(tops)) == 5  # forward, a page each time
        for _ in range(4):
            await wheel(pilot, view.source, down=True)
            await pilot.pause()
            assert same_passage(view)
        for _ in range(3):
            await wheel(pilot, view.output, down=False)
            await pilot.pause()
            assert same_passage(view)
        await pilot.press("end")
        assert same_passage(view)
        last = len(view.diff.output) - 1  # type: ignore[union-attr]
        assert last in view.output.visible_words()
        await pilot.press("home")
        assert view.source.top_line == view.output.top_line == 0
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        await pilot.press("pagedown", "pagedown")
        assert same_passage(view)
    session.close()


async def test_the_source_keeps_its_own_lines(folder: Path) -> None:
    """A hard-wrapped file shows a line per line, a blank line where it has one."""
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, LONG)
        lines = review.query_one(DiffView).source.lines_layout.lines
        shown = ["".join(piece.text for piece in line) for line in lines]
    session.close()
    assert shown == long_talk()[0].rstrip("\n").split("\n")


async def test_a_change_is_shown_in_both_panes(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, LONG)
        view = review.query_one(DiffView)
        assert view.diff is not None
        for number in range(len(view.diff.changes)):
            await pilot.press("right_square_bracket")
            change = view.diff.changes[number]
            assert view.change_index == number
            assert change.source_start in view.source.visible_words()
            assert change.output_start in view.output.visible_words()
    session.close()
