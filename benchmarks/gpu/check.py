"""The measuring half of benchmarks/gpu/check.sh: plan, sizing and speed on a written
stand-in model, each step in its own process, everything into one JSON file and a short
text summary. check.sh builds llama.cpp and writes the model first; run it, not this.

Steps run in order of value and each is skipped, with the reason recorded, once the
deadline is near, so a run cut short still returns what it measured. The JSON is
rewritten after every step.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summary import summarize

from tui_structurer.models.gguf import read_model_facts

HERE = Path(__file__).resolve().parent
MODEL_NAME = "random-llama"
CONTEXTS = (8192, 32768)
RESERVED = ((8e9, 8192), (4e9, 8192), (8e9, 32768))
"""(bytes left free, context): a smaller card, simulated by holding the rest."""
STEP_LIMIT_S = 240
H200_DATASHEET_BYTES_PER_S = 4.8e12


class Check:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.out = Path(args.out)
        self.config = Path(args.work) / "check.toml"
        self.results: dict[str, Any] = {
            "mode": args.mode,
            "profile": MODEL_NAME,
            "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "steps": {},
            **json.loads(Path(args.facts).read_text()),
        }

    def left(self) -> float:
        return self.args.deadline - time.time() if self.args.deadline else float("inf")

    def save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "gpu-check.json").write_text(json.dumps(self.results, indent=2))

    def python(self, *argv: str) -> Any:
        """Run one of this folder's scripts; its last output line is its JSON result."""
        timeout = max(1.0, min(STEP_LIMIT_S, self.left() - 15))
        with (self.out / "check.log").open("a") as log:
            log.write(f"\n$ {' '.join(argv)}\n")
            log.flush()
            done = subprocess.run(
                [sys.executable, str(HERE / argv[0]), *argv[1:]],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                timeout=timeout,
                check=True,
            )
        return json.loads(done.stdout.strip().splitlines()[-1])

    def step(self, name: str, action: Callable[[], Any], needs_s: float) -> None:
        """Run ``action`` and record its result, time and any failure under ``name``."""
        if self.left() < needs_s:
            self.results["steps"][name] = {"status": f"skipped: {self.left():.0f} s left"}
            self.save()
            return
        began = time.time()
        try:
            self.results[name] = action()
            status = "ok"
        except (subprocess.SubprocessError, OSError, ValueError, KeyError, IndexError) as exc:
            status = f"failed: {exc}"
        self.results["steps"][name] = {"status": status, "seconds": round(time.time() - began, 1)}
        self.save()

    def write_config(self) -> None:
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            f'[models.{MODEL_NAME}]\ngguf = "{self.args.model}"\ncontext = {CONTEXTS[0]}\n'
            'prompt_style = "chat"\ndescription = "random weights, written by '
            'benchmarks/gpu/fake_model.py"\n'
        )

    def doctor(self) -> Any:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "tui_structurer",
                "doctor",
                "--json",
                "--config",
                str(self.config),
            ],
            stdout=subprocess.PIPE,
            text=True,
            timeout=120,
            check=True,
        )
        return json.loads(done.stdout)

    def sizing(self, context: int) -> Any:
        return self.python("sizing.py", str(self.config), MODEL_NAME, str(context))

    def reserved(self) -> list[Any]:
        """Hold memory in another process so NVML shows only ``free`` bytes, then size."""
        runs: list[Any] = []
        self.results["sizing_reserved"] = runs  # saved as it grows
        for free, context in RESERVED:
            if self.left() < 60:
                runs.append({"leave_free_bytes": free, "context": context, "skipped": "time"})
                continue
            with (self.out / "check.log").open("a") as log:
                hold = subprocess.Popen(
                    [sys.executable, str(HERE / "cuda_driver.py"), "hold", str(free)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
            try:
                assert hold.stdout is not None
                line = hold.stdout.readline()
                if not line:
                    raise ValueError("the memory holder failed; check.log has its error")
                held = json.loads(line)
                runs.append({"leave_free_bytes": free, "hold": held, **self.sizing(context)})
            except (subprocess.SubprocessError, ValueError) as exc:
                runs.append({"leave_free_bytes": free, "context": context, "failed": str(exc)})
            finally:
                hold.communicate(timeout=60)  # closes its input: it frees and exits
            self.save()
        return runs

    def speed(self) -> Any:
        return self.python(
            "speed.py", str(self.config), MODEL_NAME, self.args.transcripts, str(self.args.words)
        )

    def physical_limit(self) -> dict[str, Any]:
        """Tokens/s if decoding a token read every weight on the GPU once and nothing else."""
        facts = read_model_facts(Path(self.args.model))
        per_token = sum(facts.layer_bytes) + facts.output_bytes
        measured = self.results.get("bandwidth", {}).get("copy_bytes_per_s")
        limit = {"bytes_read_per_token": per_token}
        for label, rate in (("measured_copy", measured), ("datasheet", H200_DATASHEET_BYTES_PER_S)):
            if rate:
                limit[f"tokens_per_s_{label}"] = round(rate / per_token, 1)
        return limit

    def run(self) -> None:
        gpu = self.args.mode == "gpu"
        self.write_config()
        self.save()
        self.step("doctor", self.doctor, 20)
        if gpu:
            self.step("bandwidth", lambda: self.python("cuda_driver.py", "bandwidth"), 20)
        self.step("sizing", lambda: [self.sizing(c) for c in CONTEXTS], 60)
        self.step("speed", self.speed, 90)
        if gpu:
            self.step("sizing_reserved", self.reserved, 60)
            self.results["physical_limit"] = self.physical_limit()
        self.results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
        self.save()
        text = summarize(self.results)
        (self.out / "gpu-check-summary.txt").write_text(text)
        print(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("gpu", "cpu"), required=True)
    parser.add_argument("--model", required=True, help="the stand-in GGUF")
    parser.add_argument("--facts", required=True, help="JSON from check.sh: build, model")
    parser.add_argument("--out", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--transcripts", required=True)
    parser.add_argument("--words", type=int, required=True)
    parser.add_argument("--deadline", type=float, default=0, help="epoch seconds; 0: none")
    Check(parser.parse_args()).run()


if __name__ == "__main__":
    main()
