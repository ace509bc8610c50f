"""A decided file's review says so, and changing the decision keeps disk and state in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_app import loaded, review_of, wait_for_review
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.library.outputs import OutputError
from tui_structurer.ui.app import StructurerApp
from tui_structurer.ui.screens.choice import ChoiceDialog
from ui_seed import open_session, seed_folder, status_of

SIZE = (120, 36)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = seed_folder(tmp_path / "talks")
    opened = Folder(root, Path("structured"))
    record = opened.library.get_by_path("alpha.txt")
    assert record is not None
    opened.accept(record.id)
    opened.close()
    return root


def header(app: StructurerApp) -> str:
    return str(app.screen.query_one("#review-header").render())


def latest_decision(root: Path, path: str) -> tuple[str, str | None]:
    opened = Folder(root, Path("structured"), read_only=True)
    try:
        record = opened.library.get_by_path(path)
        assert record is not None
        row = opened.library.decisions(record.id)[-1]
        return row["decision"], row["output_path"]
    finally:
        opened.close()


async def test_rejecting_an_accepted_file_asks_and_can_keep_its_output(folder: Path) -> None:
    output = folder / "structured" / "alpha.md"
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        review = await review_of(app, pilot, "alpha.txt")
        assert "ACCEPTED" in header(app) and "→ structured/alpha.md" in header(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # changes nothing
        await pilot.pause()
        assert app.screen is review and output.exists()  # type: ignore[comparison-overlap]
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("k")
        await wait_for_review(app, pilot)
        assert review.item is not None and review.item.record.path == "beta.txt"
        await pilot.press("escape")
        review = await review_of(app, pilot, "alpha.txt")
        assert "REJECTED" in header(app)
        assert "structured/alpha.md from an earlier accept is still on disk" in header(app)
    session.close()
    assert output.exists()
    assert status_of(folder, "alpha.txt") == Status.REJECTED
    assert latest_decision(folder, "alpha.txt") == ("rejected", str(output))


async def test_rejecting_an_accepted_file_can_delete_its_output(folder: Path) -> None:
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await review_of(app, pilot, "alpha.txt")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("d")
        await wait_for_review(app, pilot)
        notes = [n.message for n in app._notifications]
    session.close()
    assert not (folder / "structured" / "alpha.md").exists()
    assert latest_decision(folder, "alpha.txt") == ("rejected", None)
    assert "Rejected; its output was deleted" in notes


async def test_accepting_a_rejected_file_asks_first(folder: Path) -> None:
    opened = Folder(folder, Path("structured"))
    record = opened.library.get_by_path("beta.txt")
    assert record is not None
    opened.reject(record.id)
    opened.close()
    session = open_session(folder)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await review_of(app, pilot, "beta.txt")
        assert "REJECTED" in header(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("y")
        await wait_for_review(app, pilot)
    session.close()
    assert status_of(folder, "beta.txt") == Status.ACCEPTED
    assert (folder / "structured" / "beta.md").exists()


def test_an_output_changed_since_it_was_written_is_not_deleted(folder: Path) -> None:
    output = folder / "structured" / "alpha.md"
    output.write_text("The person's own changes.\n")
    opened = Folder(folder, Path("structured"))
    record = opened.library.get_by_path("alpha.txt")
    assert record is not None
    with pytest.raises(OutputError, match="changed since it was written"):
        opened.reject(record.id, remove_output=True)
    assert opened.library.get(record.id).status == Status.ACCEPTED  # nothing recorded
    opened.close()
    assert output.read_text() == "The person's own changes.\n"


async def test_rejecting_names_every_output_it_would_delete(tmp_path: Path) -> None:
    from tui_structurer.config import CascadeStep
    from tui_structurer.pipeline import AttemptResult
    from tui_structurer.text.fidelity import score

    root = seed_folder(tmp_path / "talks")
    cues = "1\n00:00:01,000 --> 00:00:03,000\nwe crossed the river\n\n"
    cues += "2\n00:00:03,000 --> 00:00:05,000\nat dawn and it was cold\n"
    (root / "ferry.srt").write_text(cues)
    structured = "We crossed the river at dawn, and it was cold."
    opened = Folder(root, Path("structured"))
    opened.refresh()
    record = opened.library.get_by_path("ferry.srt")
    assert record is not None
    fidelity = score("we crossed the river at dawn and it was cold", structured)
    result = AttemptResult(
        CascadeStep("m", "structure"), "repair", structured, structured, fidelity, fidelity,
        True, (),
    )  # fmt: skip
    opened.library.mark_running(record.id, 10, ())
    attempt = opened.library.add_attempt(record.id, record.content_hash, result)
    opened.library.offer_for_review(record.id, attempt)
    opened.accept(record.id)
    opened.close()
    written = [root / "structured" / "ferry.srt.md", root / "structured" / "ferry.srt"]
    assert all(path.is_file() for path in written)
    session = open_session(root)
    app = StructurerApp(session, start_processing=False)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await review_of(app, pilot, "ferry.srt")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        asked = " ".join(str(w.render()) for w in app.screen.query("Static, Label"))
        assert "structured/ferry.srt.md and structured/ferry.srt" in asked
        await pilot.press("d")
        await wait_for_review(app, pilot)
    session.close()
    assert not any(path.exists() for path in written)
