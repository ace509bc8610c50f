from __future__ import annotations

import pytest

from tui_structurer.gpu.load_recovery import LoadFailed, load_with_fewer_layers


def loader_fitting(limit: int, calls: list[int]):  # type: ignore[no-untyped-def]
    """Fails like llama-cpp-python does when the layers do not fit."""

    def load(layers: int) -> str:
        calls.append(layers)
        if layers > limit:
            raise ValueError("Failed to load model from file")
        return f"model with {layers} layers"

    return load


def test_retries_with_fewer_layers_and_says_so() -> None:
    calls: list[int] = []
    model, notes = load_with_fewer_layers(loader_fitting(20, calls), 33, (ValueError,))
    assert calls == [33, 24, 18]
    assert model == "model with 18 layers"
    assert len(notes) == 2 and "retrying with 24" in notes[0]


def test_gives_up_after_three_retries() -> None:
    calls: list[int] = []
    with pytest.raises(LoadFailed) as info:
        load_with_fewer_layers(loader_fitting(2, calls), 33, (ValueError,))
    assert calls == [33, 24, 18, 13]
    assert len(info.value.notes) == 3


def test_a_cpu_load_that_fails_is_not_retried() -> None:
    calls: list[int] = []
    with pytest.raises(LoadFailed):
        load_with_fewer_layers(loader_fitting(-1, calls), 0, (ValueError,))
    assert calls == [0]
