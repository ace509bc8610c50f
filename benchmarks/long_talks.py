"""Long talks on the embedded model's 4,096-token context: every one must end reviewable
with every word kept. `python3 benchmarks/long_talks.py [--sizes 1000,5000,20000]`.

The talks are speech-recognition-like text (one line, lower case, no punctuation) made
from the dev set's speeches (`../shared/devset`), repeated to length; the first is a
1,262-word transcript with word errors, the size of the one that used to fail with "the
context is full". Printed per talk: status, chunks, seconds, words per second and the
words kept (raw likeness 1.0 and every source word in the output, in order).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from pathlib import Path

from tui_structurer.config import load_config
from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.pipeline import ChunkStarted
from tui_structurer.processing.events import FileEvent, SessionEvent, finished_result
from tui_structurer.processing.session import ReviewSession
from tui_structurer.text.words import word_keys

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
SOUND_ALIKES = {"their": "there", "to": "two", "for": "four", "right": "write", "here": "hear",
                "know": "no", "new": "knew", "one": "won", "by": "buy", "its": "it's"}  # fmt: skip


def asr_words() -> list[str]:
    """Every dev-set transcript's words, in file order."""
    words: list[str] = []
    for path in sorted(DEVSET.glob("*.txt")):
        if not path.name.endswith(".gold.txt"):
            words.extend(path.read_text(encoding="utf-8").split())
    return words


def talk(size: int, errors: bool, seed: int) -> str:
    """``size`` words on one line; with ``errors``, some words swapped for sound-alikes
    and a few dropped or repeated, as an older recogniser writes them."""
    pool = asr_words()
    rng = random.Random(seed)
    start = rng.randrange(len(pool))
    out: list[str] = []
    while len(out) < size:
        word = pool[(start + len(out)) % len(pool)]
        if errors and rng.random() < 0.04:
            word = SOUND_ALIKES.get(word, word + " " + word)
        out.extend(word.split())
    return " ".join(out[:size])


def run_one(root: Path, size: int, errors: bool) -> dict[str, object]:
    root.mkdir(parents=True)
    text = talk(size, errors, seed=size)
    (root / "talk.txt").write_text(text + "\n", encoding="utf-8")
    config = load_config()
    folder = Folder(root, Path("structured"))
    folder.refresh()
    session = ReviewSession(folder, config)
    chunks = 0
    statuses: list[Status] = []

    def notify(event: SessionEvent) -> None:
        nonlocal chunks
        if isinstance(event, FileEvent) and isinstance(event.event, ChunkStarted):
            chunks = max(chunks, event.event.chunk_count)
        result = finished_result(event)
        if result is not None:
            statuses.append(result.status)

    session.enqueue_pending()
    began = time.perf_counter()
    session.run_queue(threading.Event(), notify, until_idle=True)
    seconds = time.perf_counter() - began
    record = folder.library.transcripts()[0]
    kept = False
    if record.candidate_attempt is not None:
        attempt = folder.library.attempt(record.candidate_attempt)
        kept = word_keys(attempt.final_output) == word_keys(text) and attempt.raw_likeness == 1.0
    session.close()
    return {"words": size, "errors": errors, "status": str(statuses[-1]) if statuses else "-",
            "chunks": chunks, "seconds": seconds, "words_kept": kept}  # fmt: skip


def main(sizes: list[int]) -> list[dict[str, object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, size in enumerate(sizes):
            row = run_one(Path(tmp) / str(index), size, errors=index == 0)
            rows.append(row)
            seconds = float(row["seconds"])  # type: ignore[arg-type]
            print(
                f"{size:>6} words{' (with word errors)' if row['errors'] else ''}: "
                f"{row['status']}, {row['chunks']} chunks, {seconds:.0f} s "
                f"({size / seconds:.1f} words/s), every word kept: {row['words_kept']}",
                flush=True,
            )
    failed = [r for r in rows if r["status"] != "review" or not r["words_kept"]]
    print("all reviewable, every word kept" if not failed else f"FAILED: {failed}")
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1262,5000,20000")
    main([int(s) for s in parser.parse_args().sizes.split(",")])
