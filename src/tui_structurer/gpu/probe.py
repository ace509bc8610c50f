"""What GPUs there are and how much memory is free on each, through NVML."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from tui_structurer.gpu.telemetry import load_nvml, nvml_text


@dataclass(frozen=True, slots=True)
class GpuInfo:
    index: int
    name: str
    total: int
    free: int
    mig: bool = False
    """MIG mode is on: llama.cpp sees slices, not this card; it is left alone."""


@dataclass(frozen=True, slots=True)
class GpuInventory:
    gpus: tuple[GpuInfo, ...]
    driver: str | None = None
    unavailable: str | None = None
    """Why no GPU can be used, in words."""


def probe_gpus(nvml: Any | None = None) -> GpuInventory:
    """List the GPUs NVML reports; every failure becomes a reason, never an exception."""
    try:
        nvml = nvml or load_nvml()
        nvml.nvmlInit()
    except ImportError:
        return GpuInventory((), unavailable="nvidia-ml-py is not installed")
    except Exception as exc:  # NVMLError and its subclasses
        return GpuInventory((), unavailable=f"NVML is not available ({exc})")
    try:
        driver = None
        with contextlib.suppress(Exception):
            driver = nvml_text(nvml.nvmlSystemGetDriverVersion())
        gpus = []
        for index in range(nvml.nvmlDeviceGetCount()):
            handle = nvml.nvmlDeviceGetHandleByIndex(index)
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            mig = False
            with contextlib.suppress(Exception):  # not supported: not a MIG-capable card
                mig = bool(nvml.nvmlDeviceGetMigMode(handle)[0])
            gpus.append(
                GpuInfo(
                    index=index,
                    name=nvml_text(nvml.nvmlDeviceGetName(handle)),
                    total=int(memory.total),
                    free=int(memory.free),
                    mig=mig,
                )
            )
        if not gpus:
            return GpuInventory((), driver, "no NVIDIA GPU found")
        return GpuInventory(tuple(gpus), driver)
    except Exception as exc:
        return GpuInventory((), unavailable=f"NVML query failed ({exc})")
    finally:
        with contextlib.suppress(Exception):
            nvml.nvmlShutdown()
