"""A folder with a real state store seeded with real attempts, for UI tests."""

from __future__ import annotations

from pathlib import Path

from tui_structurer.config import CascadeStep, load_config
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.pipeline import AttemptResult, AttemptStats
from tui_structurer.pipeline.gate import gate_reasons
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
        folder.library.mark_running(record.id, raw.source_words, ())
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
