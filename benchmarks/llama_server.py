"""llama.cpp's llama-server for the benchmarks: built once (build_llama_server.sh, or
$LLAMA_SERVER), started on a free loopback port with the embedded model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tui_structurer.models.sources import resolve_gguf

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_binary() -> str:
    built = os.environ.get("LLAMA_SERVER")
    if built:
        return built
    script = HERE / "build_llama_server.sh"
    done = subprocess.run(["bash", str(script)], check=True, capture_output=True, text=True)
    return done.stdout.strip()


def start(port: int, slots: int, context: int, threads: int = 0) -> subprocess.Popen[bytes]:
    """The server, once it answers /health (``context`` is shared by the slots)."""
    command = [server_binary(), "-m", str(resolve_gguf("embedded")), "--host", "127.0.0.1",
               "--port", str(port), "-np", str(slots), "-c", str(context)]  # fmt: skip
    if threads:
        command += ["-t", str(threads), "-tb", str(threads)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    sys.exit("llama-server did not start")
