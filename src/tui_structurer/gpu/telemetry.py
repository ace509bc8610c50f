"""Live GPU figures through NVML (nvidia-ml-py), every failed query mapped to None.

The NVML module is passed in so tests can give a stand-in with the same calls and
error type; production uses the real ``pynvml``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


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


def nvml_text(value: Any) -> str:
    """NVML strings: bytes from older bindings, str from newer ones."""
    return value.decode() if isinstance(value, bytes) else str(value)


def load_nvml() -> Any:
    import pynvml

    return pynvml


class GpuSampler:
    """Opens NVML once and samples every GPU on request (the caller sets the pace)."""

    def __init__(self, nvml: Any | None = None):
        self._nvml: Any = nvml
        self._handles: list[Any] = []
        self._names: list[str] = []
        self.unavailable: str | None = None
        try:
            if self._nvml is None:
                self._nvml = load_nvml()
            self._nvml.nvmlInit()
            count = self._nvml.nvmlDeviceGetCount()
            for index in range(count):
                handle = self._nvml.nvmlDeviceGetHandleByIndex(index)
                self._handles.append(handle)
                self._names.append(nvml_text(self._nvml.nvmlDeviceGetName(handle)))
            if not count:
                self.unavailable = "no NVIDIA GPU found"
        except ImportError:
            self.unavailable = "nvidia-ml-py is not installed"
        except Exception as exc:  # NVMLError and its many subclasses
            self.unavailable = f"NVML is not available ({exc})"

    def _query(self, call: Callable[..., T], *args: Any) -> T | None:
        try:
            return call(*args)
        except Exception:  # an unsupported query is "not available", never a crash
            return None

    def sample(self) -> Telemetry:
        if self.unavailable:
            return Telemetry((), self.unavailable)
        nvml = self._nvml
        samples = []
        for index, handle in enumerate(self._handles):
            rates = self._query(nvml.nvmlDeviceGetUtilizationRates, handle)
            memory = self._query(nvml.nvmlDeviceGetMemoryInfo, handle)
            temperature = self._query(
                nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU
            )
            power = self._query(nvml.nvmlDeviceGetPowerUsage, handle)
            samples.append(
                GpuSample(
                    index=index,
                    name=self._names[index],
                    utilization_pct=None if rates is None else float(rates.gpu),
                    memory_used=None if memory is None else int(memory.used),
                    memory_total=None if memory is None else int(memory.total),
                    temperature_c=None if temperature is None else float(temperature),
                    power_w=None if power is None else power / 1000.0,
                )
            )
        return Telemetry(tuple(samples))

    def close(self) -> None:
        if self._handles:
            with contextlib.suppress(Exception):
                self._nvml.nvmlShutdown()
            self._handles = []
