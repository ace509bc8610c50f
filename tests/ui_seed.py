"""A folder with a real state store seeded with real attempts, for UI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_structurer.config import CascadeStep, load_config
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.pipeline import AttemptResult, AttemptStats
from tui_structurer.pipeline.gate import gate_reasons, judge_text
from tui_structurer.processing.live import LiveView, StreamView
from tui_structurer.processing.session import ReviewSession
from tui_structurer.text.fidelity import score
from tui_structurer.text.repair import repair
from tui_structurer.text.structure import measure

TALKS = {
    "alpha.txt": (
        "so the question people always ask me is why the bridge bends in the middle and "
        "the answer is that two crews built it from both banks at once",
        "So the question people always ask me is: why does the bridge bend in the middle? "
        "And the answer is that two crews built it from both banks at once.",
    ),
    "beta.txt": (
        "welcome back to the garden this week we talk about tomatoes and why your plants "
        "grew huge and green and gave you six tomatoes all summer",
        "Welcome back to the garden. This week we talk about tomatoes.\n\nYour plants grew "
        "huge and gave you six tomatoes.",
    ),
    "gamma.txt": (
        "alright today i want to talk about sleep and the thing most of us get wrong which "
        "is not how long we sleep but when we sleep",
        "Alright, today I want to talk about sleep, and the thing most of us get wrong, "
        "which is not how long we sleep, but when we sleep.",
    ),
    "delta.txt": ("thanks everyone for coming out this morning to clean the river", None),
}


def seed_folder(root: Path) -> Path:
    """Write the talks and record one attempt for each that has a model output."""
    root.mkdir(parents=True, exist_ok=True)
    for name, (source, _) in TALKS.items():
        (root / name).write_text(source + "\n", encoding="utf-8")
    config = load_config()
    folder = Folder(root, Path("structured"))
    folder.refresh()
    for record in folder.library.transcripts():
        source, output = TALKS[record.path]
        if output is None:
            continue
        raw = score(source, output)
        repaired = repair(source, output)
        final = score(source, repaired.text)
        reasons = gate_reasons(
            config.gate, raw, final, measure(source, repaired.text, final.segments)
        )
        result = AttemptResult(
            step=CascadeStep("gemma3-270m", "structure", "repair"),
            mode="repair",
            raw_output=output,
            final_output=repaired.text,
            raw_fidelity=raw,
            final_fidelity=final,
            passed=not reasons,
            gate_reasons=reasons,
            unmatched=repaired.unmatched,
            stats=AttemptStats(120, 40, 0.5, 17.5, 3.0),
        )
        folder.library.mark_running(record.id, raw.source_words, (), punctuation=0.0)
        attempt_id = folder.library.add_attempt(record.id, record.content_hash, result)
        folder.library.offer_for_review(record.id, attempt_id)
    folder.close()
    return root


def open_session(root: Path) -> ReviewSession:
    config = load_config()
    return ReviewSession(Folder(root, Path(config.settings.output_dir)), config)


def status_of(root: Path, path: str) -> Status:
    folder = Folder(root, Path("structured"), read_only=True)
    try:
        record = folder.library.get_by_path(path)
        assert record is not None
        return record.status
    finally:
        folder.close()


SENTENCES = (
    "Good evening and thank you all for coming out on a night like this.",
    "I want to talk about the river that runs through the middle of our town.",
    "Most of you cross it twice a day and never look down at the water.",
    "Forty years ago it was brown, it smelled, and nothing lived in it.",
    "Then a group of neighbours started to take samples every Sunday morning.",
    "They wrote the numbers in a notebook that I still have at home.",
    "Nobody asked them to do it, and nobody paid them for it either.",
    "After three years the notebook showed something the city could not ignore.",
    "The factory upstream was dumping its rinse water at night.",
    "So the neighbours stood on the bridge with torches and waited.",
    "What happened next is the reason I am standing here tonight.",
    "The newspaper printed the photographs on the front page.",
    "Within a month the council had a plan, and within a year the pipes were gone.",
    "Fish came back first, small ones, then the herons that eat them.",
    "My daughter saw an otter last spring, right under the old mill.",
    "None of that would have happened without a notebook and some patience.",
    "I am telling you this because the river needs us again.",
    "The samples from last summer look like the ones from the early years.",
    "We do not know yet where the problem comes from.",
    "That is exactly what a notebook and a few Sunday mornings can tell us.",
)


def long_talk(words: int = 2000, line_words: int = 7) -> tuple[str, str]:
    """A talk of about ``words`` words: the source hard-wrapped like captions
    (``line_words`` words a line, a blank line between source paragraphs), and a
    structured output with paragraphs, one dropped word, one rewritten and one added."""
    sentences: list[str] = []
    count = 0
    while count < words:
        sentence = SENTENCES[len(sentences) % len(SENTENCES)]
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    output = "\n\n".join(paragraphs)
    source_words = [w.lower().strip(".,") for w in output.split()]
    lines = [
        " ".join(source_words[i : i + line_words]) for i in range(0, len(source_words), line_words)
    ]
    source = "\n".join(line + ("\n" if n % 12 == 11 else "") for n, line in enumerate(lines))
    middle = output.index("My daughter saw an otter", len(output) // 2)
    output = output[:middle] + output[middle:].replace(
        "saw an otter", "saw a big otter", 1
    ).replace("right under the old mill", "right under the mill", 1).replace(
        "small ones", "tiny ones", 1
    )
    return source + "\n", output


def seed_long_talk(root: Path, name: str = "long-lecture.txt", words: int = 2000) -> Path:
    """Add the long talk to ``root`` with one structured attempt awaiting review."""
    source, output = long_talk(words)
    (root / name).write_text(source, encoding="utf-8")
    config = load_config()
    folder = Folder(root, Path("structured"))
    folder.refresh()
    record = folder.library.get_by_path(name)
    assert record is not None
    fidelity, reasons = judge_text(config.gate, source, output)
    result = AttemptResult(
        step=CascadeStep("gemma3-270m", "structure", "free"),
        mode="free",
        raw_output=output,
        final_output=output,
        raw_fidelity=fidelity,
        final_fidelity=fidelity,
        passed=not reasons,
        gate_reasons=reasons,
        stats=AttemptStats(900, 2600, 0.8, 21.0, 124.0),
    )
    folder.library.mark_running(record.id, fidelity.source_words, ())
    folder.library.offer_for_review(
        record.id, folder.library.add_attempt(record.id, record.content_hash, result)
    )
    folder.close()
    return root


def seed_attempt(
    root: Path, path: str, output: str, prompt: str = "structure-fallback", offer: bool = True
) -> int:
    """Record one more (free-mode) attempt on ``path``; it becomes the candidate when
    ``offer``. Returns its id."""
    config = load_config()
    folder = Folder(root, Path("structured"))
    try:
        record = folder.library.get_by_path(path)
        assert record is not None
        source = folder.source(path).read_text(encoding="utf-8")
        fidelity, reasons = judge_text(config.gate, source, output)
        result = AttemptResult(
            step=CascadeStep("gemma3-270m", prompt, "free"),
            mode="free",
            raw_output=output,
            final_output=output,
            raw_fidelity=fidelity,
            final_fidelity=fidelity,
            passed=not reasons,
            gate_reasons=reasons,
            stats=AttemptStats(120, 40, 0.5, 16.0, 3.0),
        )
        attempt_id = folder.library.add_attempt(record.id, record.content_hash, result)
        if offer:
            folder.library.offer_for_review(record.id, attempt_id)
        return attempt_id
    finally:
        folder.close()


def live_view(tokens: int = 18, expected: int = 24) -> LiveView:
    """Live figures of one file being generated, for screens that show the live panel."""
    stream = StreamView(
        transcript_id=4,
        path="delta.txt",
        phase="writing",
        step="gemma3-270m · structure · repair",
        chunk=0,
        chunks=1,
        tokens=tokens,
        expected=expected,
        words=20,
        rate_now=17.5,
        text="Thanks, everyone, for coming out this morning to",
        seconds_left=0.3,
    )
    return LiveView(
        streams=(stream,),
        last_ttft=0.74,
        rate_average=17.5,
        attempts_averaged=3,
        rate_history=(0, 12, 16.5, 17.2, 17.0, 16.8, 17.4, 15.9, 17.1, 16.6),
        files_done=3,
        seconds_per_word=0.05,
        words_per_file=20.0,
    )


def use_editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sed: str) -> None:
    """$EDITOR becomes a script that applies ``sed`` to the file it is given."""
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\nsed -i '{sed}' \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
