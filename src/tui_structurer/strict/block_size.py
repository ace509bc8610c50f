"""How many tokens to draft per decode, from what batches cost on this hardware.

A block of *k* tokens keeps its first token for sure and each later one only if every
draft before it was right, so it is worth ``1 + a + … + a^(k-1)`` tokens when a drafted
token is kept with probability *a*. The best *k* maximises that worth per second of
decode. On a GPU a 16-token batch costs about what one token does, so *k* is large; on a
small CPU each extra token costs nearly a full decode, so *k* stays small.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

CANDIDATE_SIZES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)


def expected_kept(size: int, acceptance: float) -> float:
    """Tokens a block of ``size`` keeps on average."""
    return sum(acceptance**i for i in range(size))


def best_size(costs: Mapping[int, float], acceptance: float) -> int:
    """The block size with most kept tokens per second; ties go to the smaller."""
    return max(sorted(costs), key=lambda k: expected_kept(k, acceptance) / costs[k])


def measure_costs(
    decode: Callable[[Sequence[int]], None],
    token: int,
    sizes: Sequence[int] = CANDIDATE_SIZES,
    repeats: int = 3,
) -> dict[int, float]:
    """Seconds one decode of each size takes (the fastest of ``repeats``)."""
    decode([token])  # warm-up: first use allocates compute buffers
    costs = {}
    for size in sizes:
        best = float("inf")
        for _ in range(repeats):
            began = time.perf_counter()
            decode([token] * size)
            best = min(best, time.perf_counter() - began)
        costs[size] = best
    return costs
