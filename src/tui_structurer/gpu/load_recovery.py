"""Loading with fewer GPU layers when the first try runs out of memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
MAX_RETRIES = 3


class LoadFailed(Exception):
    """Every try failed; ``notes`` says what was tried."""

    def __init__(self, message: str, notes: list[str]):
        super().__init__(message)
        self.notes = notes


def load_with_fewer_layers(
    load: Callable[[int], T], n_gpu_layers: int, errors: tuple[type[BaseException], ...]
) -> tuple[T, list[str]]:
    """``load(n)``; when it fails with layers on the GPU, retry with a quarter fewer
    layers, up to three times. A failure with no GPU layers is not retried: that model
    is broken, not too big. Returns the result and notes of what happened."""
    notes: list[str] = []
    layers = n_gpu_layers
    for attempt in range(MAX_RETRIES + 1):
        try:
            return load(layers), notes
        except errors as exc:
            if layers <= 0 or attempt == MAX_RETRIES:
                raise LoadFailed(str(exc), notes) from exc
            fewer = max(0, layers * 3 // 4)
            notes.append(f"loading with {layers} GPU layers failed ({exc}); retrying with {fewer}")
            layers = fewer
    raise AssertionError("unreachable")
