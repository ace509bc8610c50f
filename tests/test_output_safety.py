"""The output folder never destroys what the tool did not write: real files, links,
folders and a real kill."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui_structurer.cli.main import main
from tui_structurer.config import CascadeStep
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder, FolderError
from tui_structurer.library.output_names import MARKER_NAME, TEMP_NAME, output_name
from tui_structurer.library.outputs import ForeignOutputError, OutputError
from tui_structurer.library.scan import scan
from tui_structurer.library.watcher import FolderWatcher, WatchCallbacks
from tui_structurer.pipeline import AttemptResult
from tui_structurer.text.fidelity import score

SOURCE = "so the ferry was late again and we stood on the pier for an hour"
OUTPUT = "So the ferry was late again, and we stood on the pier for an hour."


def offer(folder: Folder, relative: str, output: str = OUTPUT) -> int:
    """Record a passing attempt for ``relative`` and put it up for review."""
    record = folder.library.get_by_path(relative)
    assert record is not None
    fidelity = score(SOURCE, output)
    result = AttemptResult(CascadeStep("m", "structure"), "repair", output, output, fidelity,
                           fidelity, True, ())  # fmt: skip
    attempt_id = folder.library.add_attempt(record.id, record.content_hash, result)
    folder.library.offer_for_review(record.id, attempt_id)
    return record.id


def make_folder(root: Path, names: list[str]) -> Folder:
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(SOURCE + "\n")
    folder = Folder(root, Path("structured"))
    folder.refresh()
    return folder


@pytest.mark.parametrize(
    ("source", "output"),
    [
        ("talk.txt", "talk.md"),
        ("talk.srt", "talk.srt.md"),
        ("talk.json", "talk.json.md"),
        ("talk.md", "talk.md.md"),
        ("talk.md.txt", "talk.md.txt.md"),
        ("talk.TXT", "talk.TXT.md"),
        ("a.b.txt", "a.b.md"),
        ("sub/talk.vtt", "sub/talk.vtt.md"),
    ],
)
def test_output_names(source: str, output: str) -> None:
    assert output_name(source) == output


def test_sources_side_by_side_get_distinct_outputs(tmp_path: Path) -> None:
    names = ["talk.txt", "talk.srt", "talk.json", "talk.md", "talk.md.txt"]
    folder = make_folder(tmp_path / "talks", [])
    (folder.root / "talk.txt").write_text(SOURCE)
    (folder.root / "talk.md").write_text(SOURCE)
    (folder.root / "talk.md.txt").write_text(SOURCE)
    (folder.root / "talk.srt").write_text(f"1\n00:00:00,000 --> 00:00:05,000\n{SOURCE}\n")
    (folder.root / "talk.json").write_text(f'{{"text": "{SOURCE}"}}')
    folder.refresh()
    targets = {}
    for index, name in enumerate(names):
        targets[name] = folder.accept(offer(folder, name, f"{OUTPUT} ({index})"))
    assert len(set(targets.values())) == len(names)
    for index, (name, target) in enumerate(targets.items()):
        assert target == folder.root / "structured" / output_name(name)
        assert target.read_text() == f"{OUTPUT} ({index})\n"
    assert (folder.root / "talk.md").read_text() == SOURCE  # the sources are untouched
    folder.close()


def test_an_old_shared_output_is_kept_and_named(tmp_path: Path) -> None:
    """Before distinct names, talk.srt's output was structured/talk.md; its recorded
    decision stays, and talk.txt may not take that file over."""
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    (folder.root / "talk.srt").write_text(f"1\n00:00:00,000 --> 00:00:05,000\n{SOURCE}\n")
    folder.refresh()
    srt = offer(folder, "talk.srt", "The SRT's output.")
    old_place = folder.root / "structured" / "talk.md"
    old_place.parent.mkdir()
    old_place.write_text("The SRT's output.\n")
    recorded = hashlib.sha256(b"The SRT's output.\n").hexdigest()
    folder.library.record_decision(srt, Status.ACCEPTED, str(old_place), recorded)
    txt = offer(folder, "talk.txt")
    with pytest.raises(ForeignOutputError, match=r"is the accepted output of talk\.srt"):
        folder.accept(txt)
    assert old_place.read_text() == "The SRT's output.\n"
    assert folder.library.decisions(srt)[-1]["output_path"] == str(old_place)
    folder.close()


def test_a_file_the_tool_did_not_write_is_not_replaced_without_asking(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    transcript = offer(folder, "talk.txt")
    first = folder.accept(transcript)
    first.write_text("So the ferry was late. My own notes, edited by hand.\n")
    # the source changes, is processed again and accepted: the hand edit is protected
    (folder.root / "talk.txt").write_text(SOURCE + " and then some\n")
    folder.refresh()
    transcript = offer(folder, "talk.txt", OUTPUT + " And then some.")
    with pytest.raises(ForeignOutputError, match="was not written by tui-structurer"):
        folder.accept(transcript)
    assert first.read_text().endswith("edited by hand.\n")
    kept = folder.library.get(transcript)
    assert kept.status == Status.REVIEW
    assert kept.reason is not None and "was not written by tui-structurer" in kept.reason
    assert folder.accept(transcript, replace_foreign=True) == first  # the person said so
    assert first.read_text() == OUTPUT + " And then some.\n"
    assert folder.library.get(transcript).reason is None
    # its own earlier output is replaced without asking
    (folder.root / "talk.txt").write_text(SOURCE + "\n")
    folder.refresh()
    folder.accept(offer(folder, "talk.txt"))
    assert first.read_text() == OUTPUT + "\n"
    folder.close()


def test_a_file_of_another_program_in_an_unused_place_is_kept(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    (folder.root / "structured").mkdir()
    theirs = folder.root / "structured" / "talk.md"
    theirs.write_text("written by some other program\n")
    with pytest.raises(ForeignOutputError):
        folder.accept(offer(folder, "talk.txt"))
    assert theirs.read_text() == "written by some other program\n"
    folder.close()


def test_only_the_tools_own_temporary_files_are_removed(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    folder.close()
    out = tmp_path / "notes"
    (out / "sub").mkdir(parents=True)
    keep = [out / ".vimrc.tmp", out / "sub" / ".draft.tmp", out / ".tui-structurer-x.tmp",
            out / "sub" / "tui-structurer-abcdefgh.tmp"]  # fmt: skip
    for path in keep:
        path.write_text("the user's own file")
    ours = out / "sub" / ".tui-structurer-a1b2c3d4.tmp"
    ours.write_text("left behind by a killed writer")
    elsewhere = tmp_path / "precious.txt"
    elsewhere.write_text("the user's own file")
    link = out / ".tui-structurer-zzzzzzzz.tmp"
    link.symlink_to(elsewhere)
    Folder(folder.root, out).close()
    assert not ours.exists()
    assert all(path.read_text() == "the user's own file" for path in keep)
    assert link.is_symlink() and elsewhere.read_text() == "the user's own file"


def test_an_output_folder_that_is_the_folder_or_above_it_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_folder(tmp_path / "talks", ["notes.md", "talk.txt"])
    folder.close()
    for out in (Path("."), folder.root, tmp_path, Path("sub/..")):
        with pytest.raises(FolderError, match="is the transcript folder or a folder above it"):
            Folder(folder.root, out)
    assert main(["run", str(folder.root), "--out", str(folder.root), "--auto-accept"]) == 2
    assert "outputs could overwrite the originals" in capsys.readouterr().err
    assert (folder.root / "notes.md").read_text() == SOURCE + "\n"


def test_an_output_folder_reached_through_a_link_from_outside_is_checked(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    folder.close()
    (tmp_path / "link").symlink_to(folder.root)
    with pytest.raises(FolderError, match="is the transcript folder"):
        Folder(folder.root, tmp_path / "link")
    reached = Folder(folder.root, tmp_path / "link" / "structured")
    assert reached.out_dir == folder.root / "structured"
    reached.close()


def test_an_output_folder_over_known_transcripts_is_refused(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt", "drafts/one.txt"])
    folder.close()
    with pytest.raises(FolderError, match="holds 1 transcript"):
        Folder(folder.root, Path("drafts"))


def test_a_linked_output_folder_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    folder.close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".tui-structurer-a1b2c3d4.tmp").write_text("not the tool's")
    (elsewhere / "talk.md").write_text("someone's file")
    (folder.root / "structured").symlink_to(elsewhere)
    with pytest.raises(FolderError, match="goes through the symbolic link"):
        Folder(folder.root, Path("structured"))
    with pytest.raises(FolderError, match="goes through the symbolic link"):
        Folder(folder.root, Path("structured/deeper"))
    assert sorted(p.name for p in elsewhere.iterdir()) == [".tui-structurer-a1b2c3d4.tmp",
                                                          "talk.md"]  # fmt: skip


def test_links_inside_the_output_folder_are_not_followed(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt", "sub/deep.txt"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = folder.root / "structured"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)  # a sub-folder swapped for a link
    with pytest.raises(OutputError, match="sub: it is a symbolic link"):
        folder.accept(offer(folder, "sub/deep.txt"))
    secret = tmp_path / "secret.md"
    secret.write_text("not to be overwritten")
    (out / "talk.md").symlink_to(secret)  # the output itself swapped for a link
    with pytest.raises(OutputError, match=r"talk\.md is a symbolic link"):
        folder.accept(offer(folder, "talk.txt"), replace_foreign=True)
    assert list(elsewhere.iterdir()) == [] and secret.read_text() == "not to be overwritten"
    folder.close()


KILLED_ACCEPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from tui_structurer.library.folder import Folder
    folder = Folder(Path(sys.argv[1]), Path("structured"))
    record = folder.library.get_by_path("talk.txt")
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)  # between writing the file and recording it
    folder.library.record_decision = killed
    folder.accept(record.id)
    """
)


def test_an_accept_killed_before_it_was_recorded_is_recorded_on_open(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt", "other.txt"])
    transcript = offer(folder, "talk.txt")
    other = offer(folder, "other.txt")
    (folder.root / "structured").mkdir()
    (folder.root / "structured" / "other.md").write_text("a different text\n")
    folder.close()
    child = subprocess.run([sys.executable, "-c", KILLED_ACCEPT, str(folder.root)])
    assert child.returncode == -9
    written = folder.root / "structured" / "talk.md"
    assert written.read_text() == OUTPUT + "\n"
    reopened = Folder(folder.root, Path("structured"))
    assert reopened.reconciled == ("talk.txt",)
    assert "were written when the last run was stopped: talk.txt" in reopened.notes()[0]
    assert reopened.library.get(transcript).status == Status.ACCEPTED
    decision = reopened.library.decisions(transcript)[-1]
    assert decision["output_path"] == str(written)
    assert reopened.library.get(other).status == Status.REVIEW  # not its text: left alone
    reopened.close()
    assert Folder(folder.root, Path("structured"), read_only=True).reconciled == ()


def test_a_very_long_name_can_be_accepted(tmp_path: Path) -> None:
    name = "a-talk-with-a-very-long-name-" + "x" * 210 + ".srt"
    assert len(name) == 243
    folder = make_folder(tmp_path / "talks", [])
    (folder.root / name).write_text(f"1\n00:00:00,000 --> 00:00:05,000\n{SOURCE}\n")
    folder.refresh()
    target = folder.accept(offer(folder, name))
    assert target.name == name + ".md" and target.read_text() == OUTPUT + "\n"
    folder.close()


def test_a_parent_folder_skips_the_outputs_of_folders_inside_it(tmp_path: Path) -> None:
    parent = tmp_path / "all"
    child = make_folder(parent / "2023", ["talk.txt"])
    child.accept(offer(child, "talk.txt"))
    child.close()
    assert (parent / "2023" / "structured" / MARKER_NAME).is_file()
    legacy = make_folder(parent / "2022", ["old.txt"])  # outputs from before markers
    legacy.close()
    (parent / "2022" / "structured").mkdir()
    (parent / "2022" / "structured" / "old.md").write_text(OUTPUT)
    elsewhere = make_folder(parent / "2021", ["elsewhere.txt"])
    elsewhere.close()
    outside = Folder(parent / "2021", Path("../2021-out"))  # a marked --out folder
    outside.accept(offer(outside, "elsewhere.txt"))
    outside.close()
    (parent / "mine").mkdir()
    (parent / "mine" / "structured").mkdir()
    (parent / "mine" / "structured" / "notes.txt").write_text(SOURCE)  # not an output
    found = [f.path for f in scan(parent, [])]
    assert found == ["2021/elsewhere.txt", "2022/old.txt", "2023/talk.txt",
                     "mine/structured/notes.txt"]  # fmt: skip
    watcher = FolderWatcher(parent, [], WatchCallbacks(print, print, print))
    for path in found:
        assert watcher._relative(str(parent / path)) == path
    for path in ("2023/structured/talk.md", "2022/structured/old.md", "2021-out/elsewhere.md"):
        assert watcher._relative(str(parent / path)) is None


def test_outputs_follow_the_umask_and_the_state_is_private(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt", "more.txt"])
    previous = os.umask(0o022)
    try:
        first = folder.accept(offer(folder, "talk.txt"))
        os.umask(0o027)
        second = folder.accept(offer(folder, "more.txt"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(first.stat().st_mode) == 0o644
    assert stat.S_IMODE(second.stat().st_mode) == 0o640
    state = folder.state_dir
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for path in state.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    folder.close()


def test_a_state_folder_from_before_is_made_private(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "talks", ["talk.txt"])
    folder.close()
    state = folder.state_dir
    state.chmod(0o755)
    for path in state.iterdir():
        path.chmod(0o644)
    Folder(folder.root, Path("structured")).close()
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE((state / "state.sqlite3").stat().st_mode) == 0o600


def test_temp_names_are_the_tools_own() -> None:
    assert TEMP_NAME.fullmatch(".tui-structurer-a1b2_3d4.tmp")
    assert not TEMP_NAME.fullmatch(".talk.md.a1b2c3d4.tmp")
