"""Every shipped theme is readable: text at least 4.5:1 against what is behind it (WCAG
AA), graphics such as the progress bar's track at least 3:1, on every screen and state."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rich.color import Color
from rich.style import Style

from test_app import loaded, review_of, wait_for_review
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.themes import load_themes
from ui_seed import TALKS, live_view, open_session, seed_attempt, seed_folder

THEMES = sorted(load_themes()[2])  # the shipped ones
BAR = set("━╸╺")
"""The progress bar's glyphs: graphics that carry meaning (3:1). Other box drawing
(borders, separators) is decoration and left out."""
DECORATION = range(0x2500, 0x25A0)


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: Color, other: Color) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def problems(app: StructurerApp, where: str) -> list[str]:
    """Every run of text on screen below 4.5:1 (graphics below 3:1). Dimmed keys are
    left out: they say "not now", and WCAG exempts inactive controls."""
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        for segment in strip:
            style: Style = segment.style or Style()
            if style.dim or style.color is None or style.bgcolor is None:
                continue
            fg, bg = (style.bgcolor, style.color) if style.reverse else (style.color, style.bgcolor)
            text = [c for c in segment.text if not c.isspace()]
            if text and all(c in BAR for c in text):
                needed = 3.0
            elif text and not all(ord(c) in DECORATION for c in text):
                needed = 4.5
            else:
                continue
            if contrast(fg, bg) < needed:
                found.append(
                    f"{where} line {y}: {segment.text.strip()!r} "
                    f"{fg.name} on {bg.name} = {contrast(fg, bg):.2f}"
                )
    return found


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A file in every state a row can show."""
    root = seed_folder(tmp_path / "talks")
    for name in ("failed.txt", "missing.txt"):
        (root / name).write_text("a talk\n")
    opened = Folder(root, Path("structured"))
    opened.refresh()
    library = opened.library
    by_path = {r.path: r.id for r in library.transcripts()}
    opened.accept(by_path["gamma.txt"])
    library.fail(by_path["failed.txt"], "the model did not load")
    (root / "missing.txt").unlink()
    library.mark_missing("missing.txt")
    (root / "rejected.txt").write_text("a talk\n")
    opened.refresh()
    opened.reject(library.get_by_path("rejected.txt").id)  # type: ignore[union-attr]
    opened.close()
    seed_attempt(root, "beta.txt", TALKS["beta.txt"][0] + " and more", offer=False)
    return root


@pytest.mark.parametrize("theme", THEMES)
async def test_every_theme_has_readable_contrast(folder: Path, theme: str) -> None:
    session = open_session(folder)
    view = live_view(tokens=6)
    session.live.snapshot = lambda: view  # type: ignore[method-assign]  # seeded figures
    app = StructurerApp(session, start_processing=False)
    found: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        queue = await loaded(app, pilot)
        app.theme = theme
        running = next(r for r in queue.table.records.values() if r.path == "delta.txt")
        queue.table.update_record(dataclasses.replace(running, status=Status.RUNNING))
        await pilot.press("t")
        for row in range(queue.table.row_count):  # the cursor on every kind of row
            queue.table.cursor = row
            await pilot.pause(0.3)  # a tick of the live panel's clock
            found += problems(app, f"queue row {row}")
        await pilot.press("slash")  # the table loses focus: the blurred cursor
        await pilot.pause()
        found += problems(app, "queue, filter focused")
        await pilot.press("escape")
        await review_of(app, pilot, "beta.txt")  # on its best attempt: words added
        await pilot.press("right_square_bracket")
        app.clear_notifications()
        await pilot.pause()
        found += problems(app, "review, words added")
        await pilot.press("less_than_sign")  # words dropped and rewritten, repaired
        await wait_for_review(app, pilot)
        await pilot.press("right_square_bracket")
        app.clear_notifications()
        await pilot.pause()
        found += problems(app, "review, words dropped")
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ == "PromptPicker"
        found += problems(app, "rerun dialog")
        await pilot.press("escape", "escape")
        await review_of(app, pilot, "gamma.txt")
        await pilot.press("r")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        found += problems(app, "decided file, reject dialog")
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        found += problems(app, "help")
    session.close()
    assert not found, "\n".join(found)
