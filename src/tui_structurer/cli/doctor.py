"""`tui-structurer doctor`: GPUs, the llama.cpp build, every model's file and plan, and
where everything lives."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import time
import urllib.request
from typing import Any

from tui_structurer import __version__, paths
from tui_structurer.cli.common import EXIT_OK, EXIT_RUN_ERROR, error
from tui_structurer.config import Config
from tui_structurer.engines.backends import endpoints_of
from tui_structurer.engines.base import EngineLoadError
from tui_structurer.engines.openai_engine import OpenAIEngine
from tui_structurer.engines.server_scoring import PATH_WORDS
from tui_structurer.gpu.placement import offload_plan_for, supports_gpu_offload
from tui_structurer.gpu.probe import GpuInfo, GpuInventory, probe_gpus
from tui_structurer.models.gguf import GgufError
from tui_structurer.models.sources import ModelSourceError, resolve_gguf


def check_endpoint(base_url: str, model: str, api_key: str | None) -> dict[str, Any]:
    """Is the server there, how fast does it answer, does it list the model?"""
    request = urllib.request.Request(base_url.rstrip("/") + "/models")
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=ENDPOINT_TIMEOUT_S) as response:
            listed = [m.get("id") for m in json.load(response).get("data", [])]
    except (OSError, ValueError) as exc:
        return {"url": base_url, "reachable": False, "error": str(exc)}
    return {
        "url": base_url,
        "reachable": True,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        "models": listed,
        "model_listed": model in listed,
    }


def _model_entry(config: Config, name: str, inventory: GpuInventory) -> dict[str, Any]:
    profile = config.models[name]
    entry: dict[str, Any] = {"name": name, "gguf": profile.gguf, "path": None, "plan": None}
    if profile.engine == "openai":
        key = os.environ.get(profile.api_key_env) if profile.api_key_env else None
        entry["endpoints"] = [
            check_endpoint(url, profile.server_model or name, key) for url in endpoints_of(profile)
        ]
        try:
            up = {point["url"] for point in entry["endpoints"] if point["reachable"]}
            paths = OpenAIEngine(profile).scoring_paths(up) if up else {}
        except EngineLoadError as exc:
            paths, entry["error"] = {}, str(exc)
        for point in entry["endpoints"]:
            point["strict_path"] = paths.get(point["url"])
        return entry
    try:
        path = resolve_gguf(profile.gguf)
        entry["path"] = str(path)
        entry["size_bytes"] = path.stat().st_size
        entry["plan"] = offload_plan_for(profile, path, inventory).as_dict()
    except (ModelSourceError, GgufError, OSError) as exc:
        entry["error"] = str(exc)
        entry["gguf_set_at"] = profile.origin
    return entry


ENDPOINT_TIMEOUT_S = 3.0


def _gpu_entry(gpu: GpuInfo) -> dict[str, Any]:
    return {
        "index": gpu.index,
        "name": gpu.name,
        "total_bytes": gpu.total,
        "free_bytes": gpu.free,
        "mig": gpu.mig,
    }


def _llama_cpp_version() -> str:
    """The installed llama-cpp-python; a build run from its source tree has no package
    metadata, only the module's own version."""
    try:
        return importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        import llama_cpp

        return str(getattr(llama_cpp, "__version__", "unknown"))


def doctor_report(config: Config, inventory: GpuInventory | None = None) -> dict[str, Any]:
    """Everything `doctor` prints, as one JSON-ready object."""
    inventory = inventory or probe_gpus()
    return {
        "version": __version__,
        "llama_cpp_python": _llama_cpp_version(),
        "gpu_offload_supported": supports_gpu_offload(),
        "driver": inventory.driver,
        "gpus": [_gpu_entry(g) for g in inventory.gpus],
        "gpu_unavailable": inventory.unavailable,
        "models": [_model_entry(config, name, inventory) for name in config.models],
        "paths": {
            "config_files": [str(p) for p in config.sources],
            "user_config": str(paths.user_config_file()),
            "themes": [str(paths.shipped_path("themes")), str(paths.user_themes_dir())],
            "keymap": str(paths.keymap_file()),
            "state": f"<FOLDER>/{paths.STATE_DIR_NAME}/",
            "state_of_unwritable_folders": f"{paths.states_elsewhere_dir()}/<NAME>-<HASH>/",
            "preferences": str(paths.preferences_file()),
            "cache": str(paths.user_cache_dir()),
            "logs": str(paths.user_log_dir()),
        },
    }


def _gb(value: int) -> str:
    return f"{value / 1e9:.1f} GB"


def format_report(report: dict[str, Any]) -> str:
    build = (
        "GPU offload supported"
        if report["gpu_offload_supported"]
        else ("a CPU build: no GPU offload")
    )
    lines = [f"tui-structurer {report['version']}, llama-cpp-python "
             f"{report['llama_cpp_python']} ({build})", "", "GPUs:"]  # fmt: skip
    if report["gpus"]:
        for gpu in report["gpus"]:
            mig = "  [MIG enabled]" if gpu["mig"] else ""
            lines.append(f"  GPU{gpu['index']} {gpu['name']}: {_gb(gpu['free_bytes'])} free "
                         f"of {_gb(gpu['total_bytes'])}{mig}")  # fmt: skip
        lines.append(f"  driver {report['driver'] or 'unknown'}")
    else:
        lines.append(f"  none — {report['gpu_unavailable']}")
    lines += ["", "Models:"]
    for model in report["models"]:
        if "endpoints" in model:
            lines.append(f"  {model['name']}  (OpenAI-compatible server)")
            if model.get("error"):
                lines.append(f"    problem: {model['error']}")
            for point in model["endpoints"]:
                if point["reachable"]:
                    listed = (
                        "lists the model"
                        if point["model_listed"]
                        else ("does not list it: " + ", ".join(map(str, point["models"][:3])))
                    )
                    lines.append(f"    {point['url']}: up, {point['latency_ms']} ms, {listed}")
                    if point.get("strict_path"):
                        lines.append(f"      strict mode: {PATH_WORDS[point['strict_path']]}")
                else:
                    lines.append(f"    {point['url']}: NOT REACHABLE ({point['error']})")
            continue
        lines.append(f"  {model['name']}  ({model['gguf']})")
        if model.get("error"):
            lines.append(f"    problem: {model['error']}")
            if model.get("gguf_set_at"):
                lines.append(f"    set at: {model['gguf_set_at']}")
            continue
        lines.append(f"    file: {model['path']}  ({_gb(model['size_bytes'])})")
        lines.append(f"    plan: {model['plan']['reason']}")
    lines += ["", "Paths:"]
    for key, value in report["paths"].items():
        shown = "\n      ".join(value) if isinstance(value, list) else value
        lines.append(f"  {key.replace('_', ' ')}: {shown}")
    return "\n".join(lines)


def cascade_problems(config: Config, report: dict[str, Any]) -> list[str]:
    """The problems of the models the cascade uses, one line each: a missing or broken
    model file, an unreachable server."""
    used = {step.model for step in config.cascade}
    problems = []
    for model in report["models"]:
        if model["name"] not in used:
            continue
        if model.get("error"):
            where = f"; set at {model['gguf_set_at']}" if model.get("gguf_set_at") else ""
            problems.append(f'model "{model["name"]}": {model["error"]}{where}')
        for point in model.get("endpoints", []):
            if not point["reachable"]:
                problems.append(f'model "{model["name"]}": {point["url"]} is not reachable')
    return problems


def command(args: argparse.Namespace, config: Config) -> int:
    report = doctor_report(config)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    problems = cascade_problems(config, report)
    for problem in problems:
        error(problem)
    return EXIT_RUN_ERROR if problems else EXIT_OK
