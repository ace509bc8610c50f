"""Run every benchmark: `python3 benchmarks/run_all.py`. Each prints its own ratios."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fidelity_speed
import gguf_read_speed
import pipeline_overhead
import strict_speed
import ui_responsiveness


def main() -> None:
    print("== fidelity scoring ==")
    fidelity_speed.main()
    print("\n== GGUF metadata for GPU sizing ==")
    gguf_read_speed.main()
    print("\n== pipeline overhead ==")
    pipeline_overhead.main()
    print("\n== review app: big folder, scrolling, keys while generating ==")
    ui_responsiveness.main()
    print("\n== strict mode vs free generation and repair ==")
    strict_speed.main()


if __name__ == "__main__":
    main()
