"""The one wrapper around NVML (nvidia-ml-py's ``pynvml``).

Opening NVML can fail in many ways (no package, no driver, no GPU); each becomes a
reason in words, never an exception. Every later query that fails (a card that does
not report power, a MIG query on a card without MIG) gives ``None``, as nvitop's
``nvmlQuery`` does. The module is passed in so tests can use a stand-in with the same
calls and error type.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

NOT_INSTALLED = "nvidia-ml-py is not installed"
NO_GPU = "no NVIDIA GPU found"


def text(value: Any) -> str:
    """NVML strings: bytes from older bindings, str from newer ones."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _load() -> Any:
    import pynvml

    return pynvml


class NvmlSession:
    """NVML initialised once, with a handle and a name per GPU; close it when done."""

    def __init__(self, nvml: Any | None = None):
        self.lib: Any = nvml
        self.handles: list[Any] = []
        self.names: list[str] = []
        self.unavailable: str | None = None
        """Why there are no GPUs to ask, in words; ``None`` when there are."""
        self._open = False
        try:
            if self.lib is None:
                self.lib = _load()
            self.lib.nvmlInit()
            self._open = True
            for index in range(self.lib.nvmlDeviceGetCount()):
                handle = self.lib.nvmlDeviceGetHandleByIndex(index)
                self.handles.append(handle)
                self.names.append(text(self.lib.nvmlDeviceGetName(handle)))
        except ImportError:
            self.unavailable = NOT_INSTALLED
        except Exception as exc:  # NVMLError and its many subclasses
            self.unavailable = f"NVML is not available ({exc})"
        if self.unavailable is None and not self.handles:
            self.unavailable = NO_GPU

    def query(self, call: Callable[..., T], *args: Any) -> T | None:
        """``call(*args)``, or ``None`` when NVML cannot answer it."""
        try:
            return call(*args)
        except Exception:  # an unsupported query is "not available", never a crash
            return None

    def close(self) -> None:
        if self._open:
            with contextlib.suppress(Exception):
                self.lib.nvmlShutdown()
            self._open = False
        self.handles = []

    def __enter__(self) -> NvmlSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
