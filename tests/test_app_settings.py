"""Themes, remembered choices, user keymaps and core errors in the review app."""

from __future__ import annotations

from pathlib import Path

from test_app import SIZE, loaded, review_of, settle
from tui_structurer import paths
from tui_structurer.library import Status
from tui_structurer.ui import preferences
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.commands import theme_help
from tui_structurer.ui.themes import load_themes
from ui_seed import open_session, seed_folder, status_of


def test_shipped_themes_load_and_one_is_light() -> None:
    themes, problems, shipped = load_themes()
    assert problems == []
    assert shipped == {"structurer-dark", "structurer-light", "structurer-contrast"}
    names = {t.name: t for t in themes}
    assert {"structurer-dark", "structurer-light", "structurer-contrast"} <= set(names)
    assert not names["structurer-light"].dark
    assert names["structurer-dark"].variables["diff-removed"] == "#d75f5f"


async def test_bad_theme_is_one_notice_and_choice_is_remembered(tmp_path: Path) -> None:
    user_themes = paths.user_config_dir() / "themes"
    user_themes.mkdir(parents=True)
    (user_themes / "broken.toml").write_text('name = "broken"\nprimary = "not a colour"\n')
    (user_themes / "mine.toml").write_text('name = "mine"\nprimary = "#ff8800"\ndark = false\n')
    folder = seed_folder(tmp_path / "talks")
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        notices = [n.message for n in app._notifications]
        assert sum("broken.toml skipped" in m for m in notices) == 1
        assert "mine" in app.available_themes
        described = {name: theme_help(app, name) for name in ("mine", "structurer-light", "nord")}
        assert described["mine"].startswith("A light theme from your themes folder")
        assert described["structurer-light"].startswith("A light theme shipped with")
        assert described["nord"].startswith("A dark theme from Textual")
        assert "(the one on now)" in theme_help(app, app.theme)
        app.choose_theme("structurer-light")
        await pilot.pause()
    session.close()
    assert preferences.load()["theme"] == "structurer-light"

    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert app.theme == "structurer-light"
    session.close()


async def test_user_keymap_rebinds_by_id(tmp_path: Path) -> None:
    paths.user_config_dir().mkdir(parents=True, exist_ok=True)
    (paths.user_config_dir() / "keymap.toml").write_text('accept = "y"\nnot-a-binding = "z"\n')
    folder = seed_folder(tmp_path / "talks")
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        notices = [n.message for n in app._notifications]
        assert any("no key binding with id 'not-a-binding'" in m for m in notices)
        await review_of(app, pilot, "gamma.txt")
        await pilot.press("y")
        await settle(app, pilot)
    session.close()
    assert status_of(folder, "gamma.txt") == Status.ACCEPTED


async def test_a_model_that_cannot_load_is_a_notice_and_the_queue_pauses(tmp_path: Path) -> None:
    folder = seed_folder(tmp_path / "talks")
    session = open_session(folder)
    session.use_model(str(tmp_path / "missing.gguf"))
    app = StructurerApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        for _ in range(100):
            await pilot.pause(0.05)
            if session.queue.paused:
                break
        assert session.queue.paused
        notices = " ".join(n.message for n in app._notifications)
        assert "model file not found" in notices and "Processing is paused" in notices
        assert app.queue_screen.table.row_count == 4  # the session goes on
    session.close()
    assert status_of(folder, "delta.txt") == Status.PENDING


async def test_a_screenshot_goes_to_a_folder_that_exists(tmp_path: Path) -> None:
    session = open_session(seed_folder(tmp_path / "talks"))
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        app.deliver_screenshot(filename="queue.svg")  # no ~/Downloads in the test home
        for _ in range(400):  # the file is written by the driver's thread
            await pilot.pause(0.05)
            notes = [n.message for n in app._notifications]
            if any("screenshot" in note for note in notes):
                break
    session.close()
    saved = Path.home() / "queue.svg"
    assert saved.is_file() and saved.read_text().startswith("<svg")
    assert any(str(saved) in note for note in notes), notes
