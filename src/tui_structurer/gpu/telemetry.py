"""Live GPU figures for the panel: utilisation, memory, temperature, power."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_structurer.gpu.nvml import NvmlSession


@dataclass(frozen=True, slots=True)
class GpuSample:
    index: int
    name: str
    utilization_pct: float | None
    memory_used: int | None
    memory_total: int | None
    temperature_c: float | None
    power_w: float | None


@dataclass(frozen=True, slots=True)
class Telemetry:
    gpus: tuple[GpuSample, ...]
    unavailable: str | None = None
    """Why there are no figures (no NVML, no GPU), in words."""


class GpuSampler:
    """Opens NVML once and samples every GPU on request (the caller sets the pace)."""

    def __init__(self, nvml: Any | None = None):
        self._session = NvmlSession(nvml)
        self.unavailable = self._session.unavailable

    def sample(self) -> Telemetry:
        if self.unavailable:
            return Telemetry((), self.unavailable)
        session = self._session
        nvml = session.lib
        samples = []
        for index, handle in enumerate(session.handles):
            rates = session.query(nvml.nvmlDeviceGetUtilizationRates, handle)
            memory = session.query(nvml.nvmlDeviceGetMemoryInfo, handle)
            temperature = session.query(
                nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU
            )
            power = session.query(nvml.nvmlDeviceGetPowerUsage, handle)
            samples.append(
                GpuSample(
                    index=index,
                    name=session.names[index],
                    utilization_pct=None if rates is None else float(rates.gpu),
                    memory_used=None if memory is None else int(memory.used),
                    memory_total=None if memory is None else int(memory.total),
                    temperature_c=None if temperature is None else float(temperature),
                    power_w=None if power is None else power / 1000.0,
                )
            )
        return Telemetry(tuple(samples))

    def close(self) -> None:
        self._session.close()
