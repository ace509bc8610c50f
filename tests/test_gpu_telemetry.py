from __future__ import annotations

from nvml_standin import Card, StandInNvml, rtx_3070_ti
from tui_structurer.gpu.telemetry import GpuSampler
from tui_structurer.ui.widgets.live_panel import gpu_line


def test_samples_every_figure() -> None:
    telemetry = GpuSampler(rtx_3070_ti()).sample()
    (gpu,) = telemetry.gpus
    assert gpu.name == "NVIDIA GeForce RTX 3070 Ti"
    assert (gpu.utilization_pct, gpu.temperature_c, gpu.power_w) == (87.0, 71.0, 212.0)
    assert gpu.memory_total == 8 * 2**30
    assert (
        gpu_line(telemetry, "") == "GPU0 NVIDIA GeForce RTX 3070 Ti: 87%  6.0/8.0 GiB  71°C  212 W"
    )


def test_unsupported_query_is_not_available_not_a_crash() -> None:
    nvml = StandInNvml([Card("Tesla T4", 16 * 2**30, power_mw=None), Card("A2", 2**34)])
    telemetry = GpuSampler(nvml).sample()
    assert telemetry.gpus[0].power_w is None
    assert telemetry.gpus[1].power_w == 50.0
    assert "W" not in gpu_line(telemetry, "").splitlines()[0]


def test_no_library_or_no_gpu_is_said_plainly() -> None:
    missing = GpuSampler(StandInNvml(missing_library=True)).sample()
    assert missing.gpus == ()
    assert (
        gpu_line(missing, "") == "CPU only — NVML is not available (NVML Shared Library Not Found)"
    )
    none = GpuSampler(StandInNvml([])).sample()
    assert gpu_line(none, "") == "CPU only — no NVIDIA GPU found"
