"""Fidelity scoring time on a 20,000-word transcript (goal: ≤ 50 ms).

Baseline in the same run: difflib's word-level SequenceMatcher, the ratio people use
for this today, on the same pair of texts.
"""

from __future__ import annotations

import difflib
import random
import statistics
import time

from tui_structurer.text.fidelity import score
from tui_structurer.text.words import word_keys

WORDS = 20_000
GOAL_MS = 50.0


def make_pair(seed: int = 7) -> tuple[str, str]:
    """A raw transcript and a plausible structured output with 3 % of words lost."""
    rng = random.Random(seed)
    vocabulary = [f"{a}{b}" for a in "bcdfghklmnprstvw" for b in ("a", "e", "i", "o", "u", "ay")]
    vocabulary += ["the", "and", "so", "i", "you", "we", "it", "is", "that", "of"] * 20
    source = [rng.choice(vocabulary) for _ in range(WORDS)]
    output = []
    for index, word in enumerate(source):
        if rng.random() < 0.03:
            continue
        token = word.capitalize() if index % 15 == 0 else word
        output.append(token + ("." if index % 15 == 14 else "," if index % 7 == 0 else ""))
        if index % 120 == 119:
            output.append("\n\n")
    return " ".join(source), " ".join(output)


def timed(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> dict[str, float]:
    source, output = make_pair()
    result = score(source, output)
    ours = timed(lambda: score(source, output), repeat=7)
    a, b = word_keys(source), word_keys(output)
    baseline = timed(lambda: difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 1)
    print(
        f"fidelity.score, {WORDS} words: {ours:.1f} ms (goal ≤ {GOAL_MS:.0f} ms) "
        f"— likeness {result.likeness:.4f}, removed {result.removed}"
    )
    print(
        f"baseline difflib word SequenceMatcher: {baseline:.1f} ms "
        f"→ ours is {baseline / ours:.1f}× faster"
    )
    return {"fidelity_ms": ours, "difflib_ms": baseline, "goal_met": float(ours <= GOAL_MS)}


if __name__ == "__main__":
    main()
