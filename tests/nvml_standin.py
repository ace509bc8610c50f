"""A stand-in for the NVML library with the calls and error types of ``pynvml``.

This machine has no GPU; the stand-in describes cards so the code that reads NVML can
be tested. Errors are the real ``pynvml.NVMLError`` classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pynvml

NVML_TEMPERATURE_GPU = pynvml.NVML_TEMPERATURE_GPU
NVMLError = pynvml.NVMLError


@dataclass
class Card:
    name: str
    total: int
    used: int = 0
    utilization: int = 0
    temperature: int = 40
    power_mw: int | None = 50_000
    """None: the card does not report power (NVML_ERROR_NOT_SUPPORTED)."""
    mig: bool | None = None
    """None: not a MIG-capable card (the query is not supported)."""
    other_processes: int = 0
    """Bytes held by other programs: counted as used, not free."""


@dataclass
class StandInNvml:
    cards: list[Card] = field(default_factory=list)
    missing_library: bool = False

    def nvmlInit(self) -> None:
        if self.missing_library:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_LIBRARY_NOT_FOUND)

    def nvmlShutdown(self) -> None:
        return None

    def nvmlDeviceGetCount(self) -> int:
        return len(self.cards)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> Card:
        if index >= len(self.cards):
            raise pynvml.NVMLError(pynvml.NVML_ERROR_INVALID_ARGUMENT)
        return self.cards[index]

    def nvmlDeviceGetName(self, card: Card) -> str:
        return card.name

    def nvmlDeviceGetMemoryInfo(self, card: Card) -> SimpleNamespace:
        used = card.used + card.other_processes
        return SimpleNamespace(total=card.total, used=used, free=card.total - used)

    def nvmlDeviceGetMigMode(self, card: Card) -> tuple[int, int]:
        if card.mig is None:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)
        return (int(card.mig), int(card.mig))

    def nvmlSystemGetDriverVersion(self) -> str:
        return "550.54.14"

    def nvmlDeviceGetUtilizationRates(self, card: Card) -> SimpleNamespace:
        return SimpleNamespace(gpu=card.utilization, memory=0)

    def nvmlDeviceGetTemperature(self, card: Card, sensor: int) -> int:
        return card.temperature

    def nvmlDeviceGetPowerUsage(self, card: Card) -> int:
        if card.power_mw is None:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)
        return card.power_mw

    NVML_TEMPERATURE_GPU = NVML_TEMPERATURE_GPU


def rtx_3070_ti() -> StandInNvml:
    return StandInNvml(
        [Card("NVIDIA GeForce RTX 3070 Ti", 8 * 2**30, used=6_400_000_000, utilization=87,
              temperature=71, power_mw=212_000)]
    )  # fmt: skip
