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


@pytest.mark.model
def test_a_load_retried_with_fewer_layers_is_what_the_panel_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real engine on the embedded model, on a GPU described by the NVML stand-in
    whose first load runs out of memory (the part this machine lacks)."""
    import llama_cpp

    from nvml_standin import rtx_3070_ti
    from tui_structurer.config import load_config
    from tui_structurer.engines.pool import EnginePool
    from tui_structurer.gpu import placement
    from tui_structurer.gpu.probe import probe_gpus

    real_llama = llama_cpp.Llama
    tried: list[int] = []

    def out_of_memory_at_first(*args: object, **kwargs: object) -> object:
        layers = kwargs["n_gpu_layers"]
        assert isinstance(layers, int)
        tried.append(layers)
        if len(tried) == 1:
            raise ValueError("Failed to create llama_context: out of device memory")
        return real_llama(*args, **{**kwargs, "n_gpu_layers": 0})  # type: ignore[arg-type]

    monkeypatch.setattr(llama_cpp, "Llama", out_of_memory_at_first)
    monkeypatch.setattr(placement, "supports_gpu_offload", lambda: True)
    monkeypatch.setattr(placement, "probe_gpus", lambda: probe_gpus(rtx_3070_ti()))
    engines = EnginePool()
    try:
        engine = engines.get(load_config().models["gemma3-270m"])
        assert len(tried) == 2 and tried[1] < tried[0]
        assert f"retrying with {tried[1]}" in engine.placement()
        assert f"retrying with {tried[1]}" in engines.plan_note
    finally:
        engines.close()


def test_a_quiet_load_puts_back_only_the_streams_it_replaced() -> None:
    import io
    import sys

    from tui_structurer.engines.llama_cpp_engine import quiet_llama

    real_out, real_err = sys.stdout, sys.stderr
    with quiet_llama():
        print("llama.cpp says something")  # kept off the terminal
        assert sys.stdout is not real_out
    assert (sys.stdout, sys.stderr) == (real_out, real_err)
    replaced = io.StringIO()
    try:
        with quiet_llama():
            sys.stderr = replaced  # an app closing meanwhile restores its own streams
        assert sys.stderr is replaced and sys.stdout is real_out
    finally:
        sys.stderr = real_err
