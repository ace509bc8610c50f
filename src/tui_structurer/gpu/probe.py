"""What GPUs there are and how much memory is free on each, through NVML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui_structurer.gpu.nvml import NvmlSession, text


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
    with NvmlSession(nvml) as session:
        if session.unavailable:
            return GpuInventory((), unavailable=session.unavailable)
        lib = session.lib
        driver = session.query(lib.nvmlSystemGetDriverVersion)
        gpus = []
        for index, (handle, name) in enumerate(zip(session.handles, session.names, strict=True)):
            memory = session.query(lib.nvmlDeviceGetMemoryInfo, handle)
            if memory is None:
                return GpuInventory((), unavailable=f"NVML cannot read the memory of GPU{index}")
            mig = session.query(lib.nvmlDeviceGetMigMode, handle)  # None: no MIG on the card
            gpus.append(
                GpuInfo(index, name, int(memory.total), int(memory.free), bool(mig and mig[0]))
            )
        return GpuInventory(tuple(gpus), None if driver is None else text(driver))
