"""At 80×24 the queue and the review keep what matters: columns give way by importance,
the counts and every key that matters fit, the streaming text wraps."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.text import Text

from test_app import loaded, review_of
from tui_structurer.library import Status
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.queue import counts_text
from tui_structurer.ui.widgets.fitting_footer import FittingFooter
from tui_structurer.ui.widgets.queue_columns import fit_columns
from tui_structurer.ui.widgets.stream_tail import StreamTail
from ui_seed import open_session, seed_folder

NARROW = (80, 24)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = seed_folder(tmp_path / "talks")
    (root / "lectures" / "2019").mkdir(parents=True)
    for name in ("the-history-of-bridges.txt", "2-the-very-long-history-of-bridges-and-rivers.txt"):
        (root / "lectures" / "2019" / name).write_text("so it begins\n")
    return root


def footer_keys(app: StructurerApp) -> list[str]:
    footer = app.screen.query_one(FittingFooter)
    return [str(key.render()) for key in footer.query("FooterKey") if key.region.right <= 80]


def test_columns_give_way_by_importance() -> None:
    def names(width: int, longest: int) -> list[str]:
        return [n for n, _ in fit_columns(width, longest)]

    assert names(140, 30) == [
        "status", "words", "likeness", "punct", "attempts", "latest", "path"
    ]  # fmt: skip
    columns = dict(fit_columns(80, 40))
    assert columns["path"] >= 40 and "latest" not in columns
    assert dict(fit_columns(80, 20))["latest"] >= 12  # room left for the least important
    assert names(50, 40) == ["status", "likeness", "path"]


def test_counts_fit_the_width() -> None:
    counts = dict(zip(Status, (6000, 2, 200, 80, 15, 5, 0), strict=True))  # 6,302 talks
    for width in (140, 78, 72):
        assert len(Text.from_markup(counts_text(counts, Status.REVIEW, width))) <= width
    sparse = {status: 0 for status in Status} | {Status.PENDING: 300}
    assert "pending 300" in counts_text(sparse, None, 120)
    assert "pend 300" in counts_text(sparse, None, 78)


async def test_the_queue_at_80_columns(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=NARROW) as pilot:
        queue = await loaded(app, pilot)
        await pilot.pause()
        header = str(queue.query_one("#table-header").render())
        assert "Path ▲" in header  # sorted by path, and the column says so
        lines = [strip.text for strip in queue.table.render_lines(queue.table.region.reset_offset)]
        paths = [line.rstrip().rsplit(" ", 1)[-1] for line in lines if line.strip()]
        assert "lectures/2019/the-history-of-bridges.txt" in paths
        cut = next(path for path in paths if path.startswith("…"))
        assert cut.endswith("-long-history-of-bridges-and-rivers.txt")  # its end shows
        counts = str(queue.query_one("#counts").render())
        assert counts.rstrip().endswith("0") and len(counts.rstrip()) <= 78  # the last count shows
        keys = footer_keys(app)
        assert {"q Quit", "? Help", "space Pause/resume", "t Stream"} <= set(keys)
        await pilot.press("s")
        await pilot.pause()
        assert "Status ▲" in str(queue.query_one("#table-header").render())
    session.close()


async def test_the_review_footer_at_80_columns(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=NARROW) as pilot:
        await loaded(app, pilot)
        await review_of(app, pilot, "beta.txt")
        await pilot.pause()
        keys = footer_keys(app)
    session.close()
    for key in ("a Accept", "r Reject", "f Rerun", "e Edit", "esc Back", "q Quit", "? Help"):
        assert key in keys


async def test_the_stream_wraps_and_shows_its_latest_lines() -> None:
    from textual.app import App, ComposeResult

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield StreamTail()

    text = " ".join(f"word{n}" for n in range(400))
    async with One().run_test(size=(40, 8)) as pilot:
        tail = pilot.app.query_one(StreamTail)
        tail.text = text
        await pilot.pause()
        lines = [tail.render_line(y).text.rstrip() for y in range(tail.size.height)]
    assert lines[-1].endswith("word399")
    assert all(0 < len(line) <= 40 for line in lines)
    assert " ".join(lines) in text
