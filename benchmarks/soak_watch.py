"""Soak: files dropped into a watched folder over minutes, the watcher killed and restarted.

`python3 benchmarks/soak_watch.py [--minutes 3] [--files 24] [--kills 3]` runs
`tui-structurer watch --auto-accept` with the embedded model on a temporary folder,
drops files at random moments (some written slowly, some through a .part rename), sends
SIGKILL at random moments and starts it again, then checks: every file was accepted
exactly once, every output holds exactly its source's words and matches the store's
record, nothing is lost, duplicated or half-written, and the log has no error.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tui_structurer.library import Status
from tui_structurer.library.folder import Folder
from tui_structurer.library.scan import file_hash
from tui_structurer.text.words import word_keys

LENIENT = "[gate]\nmin_likeness = 0.0\nmax_removed_run = 100000\nrequire_structure = false\n"
WORDS = [
    "river", "bridge", "garden", "morning", "tomatoes", "ferry", "library", "fence", "bees",
    "grandmother", "winter", "market", "lantern", "harbour", "kitchen", "bicycle", "orchard",
]  # fmt: skip


def talk(rng: random.Random, index: int) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
    return f"so this is talk number {index} about the {body} and that is all\n"


def drop(folder: Path, name: str, text: str, rng: random.Random) -> None:
    style = rng.choice(["plain", "slow", "part"])
    if style == "plain":
        (folder / name).write_text(text)
    elif style == "slow":
        with (folder / name).open("w") as handle:
            for piece in (text[: len(text) // 2], text[len(text) // 2 :]):
                handle.write(piece)
                handle.flush()
                time.sleep(0.4)
    else:
        (folder / f"{name}.part").write_text(text)
        (folder / f"{name}.part").rename(folder / name)


def start(folder: Path, config: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui_structurer", "watch", str(folder), "--auto-accept",
         "--config", str(config), "--quiet-seconds", "1"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip


def main(minutes: float = 3.0, files: int = 24, kills: int = 3, seed: int = 11) -> dict[str, float]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as temp:
        folder, config, log = Path(temp) / "inbox", Path(temp) / "lenient.toml", Path(temp) / "log"
        folder.mkdir()
        config.write_text(LENIENT)
        span = minutes * 60 * 0.6
        drops = sorted((rng.uniform(0, span), f"talk-{i:03d}.txt") for i in range(files))
        kill_times = sorted(rng.uniform(5, span + 20) for _ in range(kills))
        texts = {name: talk(rng, i) for i, (_, name) in enumerate(drops)}
        began = time.monotonic()
        process = start(folder, config, log)
        killed = 0
        while drops or kill_times:
            now = time.monotonic() - began
            if drops and drops[0][0] <= now:
                _, name = drops.pop(0)
                drop(folder, name, texts[name], rng)
            elif kill_times and kill_times[0] <= now:
                kill_times.pop(0)
                process.send_signal(signal.SIGKILL)
                process.wait()
                killed += 1
                process = start(folder, config, log)
            else:
                time.sleep(0.05)
        out = folder / "structured"
        deadline = time.monotonic() + minutes * 60
        while time.monotonic() < deadline:
            if all((out / name).with_suffix(".md").exists() for name in texts):
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - began
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

        opened = Folder(folder, Path("structured"), read_only=True)
        records = {r.path: r for r in opened.library.transcripts()}
        problems = []
        decisions = 0
        for name, text in texts.items():
            record = records.get(name)
            if record is None or record.status != Status.ACCEPTED:
                problems.append(f"{name}: {record.status if record else 'not recorded'}")
                continue
            made = opened.library.decisions(record.id)
            decisions += len(made)
            if len(made) != 1:
                problems.append(f"{name}: {len(made)} decisions")
            output = out / Path(name).with_suffix(".md")
            if file_hash(output) != made[-1]["output_hash"]:
                problems.append(f"{name}: output does not match its record")
            if word_keys(output.read_text()) != word_keys(text):
                problems.append(f"{name}: output words differ from the source")
        opened.close()
        extra = sorted(p.name for p in out.rglob("*") if p.suffix != ".md") if out.exists() else []
        unexpected = len(list(out.glob("*.md"))) - len(texts) if out.exists() else -len(texts)
        log_text = log.read_text()
        errors = [
            line for line in log_text.splitlines() if " ERROR " in line or "Traceback" in line
        ]
        print(f"soak: {files} files dropped over {span:.0f} s, {killed} kill -9 and restarts, "
              f"done after {elapsed:.0f} s")  # fmt: skip
        print(f"  accepted exactly once: {files - len(problems)}/{files}; decisions recorded: "
              f"{decisions}; extra outputs: {unexpected}; stray files: {len(extra)}; "
              f"log errors: {len(errors)}")  # fmt: skip
        for problem in problems + extra + errors:
            print("  PROBLEM:", problem)
        return {"files": files, "problems": len(problems) + len(extra) + len(errors),
                "seconds": elapsed, "kills": killed}  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    result = main(args.minutes, args.files, args.kills)
    sys.exit(1 if result["problems"] else 0)
