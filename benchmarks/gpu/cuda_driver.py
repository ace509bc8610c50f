"""The few CUDA driver calls the GPU check needs, through ctypes.

The driver library ships with every NVIDIA driver, so this needs no toolkit, CuPy or
PyTorch of a particular CUDA version. Two uses, each in its own process:

`python3 cuda_driver.py hold BYTES_LEFT_FREE` takes device memory (plain allocations)
until only that much is free, prints one JSON line and holds it until its standard input
closes: a smaller card, as the offload planner sees it through NVML.

`python3 cuda_driver.py bandwidth` times device-to-device copies and prints bytes moved
(read + written) per second: the memory ceiling that decoding a token is measured against.
"""

from __future__ import annotations

import ctypes
import json
import sys
import time

GIB = 2**30
STEP = 256 * 2**20
"""Hold within this of the requested free memory."""


class CudaError(RuntimeError):
    pass


class Driver:
    """Device 0's primary context, made current on this thread."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL("libcuda.so.1")
        self._check(self.lib.cuInit(0), "cuInit")
        device = ctypes.c_int()
        self._check(self.lib.cuDeviceGet(ctypes.byref(device), 0), "cuDeviceGet")
        context = ctypes.c_void_p()
        self._check(self.lib.cuDevicePrimaryCtxRetain(ctypes.byref(context), device), "cuCtxRetain")
        self._check(self.lib.cuCtxSetCurrent(context), "cuCtxSetCurrent")

    @staticmethod
    def _check(status: int, call: str) -> None:
        if status != 0:
            raise CudaError(f"{call} failed with CUDA error {status}")

    def memory(self) -> tuple[int, int]:
        """Free and total bytes on the device."""
        free, total = ctypes.c_size_t(), ctypes.c_size_t()
        self._check(self.lib.cuMemGetInfo_v2(ctypes.byref(free), ctypes.byref(total)), "memGetInfo")
        return free.value, total.value

    def alloc(self, size: int) -> int:
        pointer = ctypes.c_uint64()
        self._check(self.lib.cuMemAlloc_v2(ctypes.byref(pointer), ctypes.c_size_t(size)), "alloc")
        self._check(
            self.lib.cuMemsetD8_v2(pointer, ctypes.c_ubyte(1), ctypes.c_size_t(size)), "memset"
        )
        return pointer.value

    def copy(self, dst: int, src: int, size: int) -> None:
        self._check(
            self.lib.cuMemcpyDtoD_v2(
                ctypes.c_uint64(dst), ctypes.c_uint64(src), ctypes.c_size_t(size)
            ),
            "memcpyDtoD",
        )

    def synchronize(self) -> None:
        self._check(self.lib.cuCtxSynchronize(), "cuCtxSynchronize")


def hold(leave_free: int) -> None:
    driver = Driver()
    held = 0
    free, total = driver.memory()
    while free > leave_free + STEP:
        size = min(GIB, free - leave_free)
        size -= size % (2 * 2**20)
        driver.alloc(size)
        held += size
        free, total = driver.memory()
    print(json.dumps({"held_bytes": held, "free_bytes": free, "total_bytes": total}), flush=True)
    sys.stdin.read()  # hold until the caller closes our input


def bandwidth(size: int = 4 * GIB, repeats: int = 10) -> None:
    driver = Driver()
    src, dst = driver.alloc(size), driver.alloc(size)
    driver.copy(dst, src, size)
    driver.synchronize()
    began = time.perf_counter()
    for _ in range(repeats):
        driver.copy(dst, src, size)
    driver.synchronize()
    seconds = time.perf_counter() - began
    print(json.dumps({"copy_bytes_per_s": 2 * size * repeats / seconds, "bytes": size}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["hold"]:
        hold(int(float(sys.argv[2])))
    elif sys.argv[1:2] == ["bandwidth"]:
        bandwidth()
    else:
        sys.exit(__doc__)
