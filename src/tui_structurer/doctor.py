"""`tui-structurer doctor`: GPUs, the llama.cpp build, every model's file and plan, and
where everything lives."""

from __future__ import annotations

import importlib.metadata
from typing import Any

from tui_structurer import __version__, paths
from tui_structurer.config import Config
from tui_structurer.engines.llama_cpp_engine import offload_plan_for, supports_gpu_offload
from tui_structurer.gpu.gguf_meta import GgufError
from tui_structurer.gpu.probe import GpuInfo, GpuInventory, probe_gpus
from tui_structurer.model_sources import ModelSourceError, resolve_gguf


def _model_entry(config: Config, name: str, inventory: GpuInventory) -> dict[str, Any]:
    profile = config.models[name]
    entry: dict[str, Any] = {"name": name, "gguf": profile.gguf, "path": None, "plan": None}
    try:
        path = resolve_gguf(profile.gguf)
        entry["path"] = str(path)
        entry["size_bytes"] = path.stat().st_size
        entry["plan"] = offload_plan_for(profile, path, inventory).as_dict()
    except (ModelSourceError, GgufError, OSError) as exc:
        entry["error"] = str(exc)
    return entry


def _gpu_entry(gpu: GpuInfo) -> dict[str, Any]:
    return {
        "index": gpu.index,
        "name": gpu.name,
        "total_bytes": gpu.total,
        "free_bytes": gpu.free,
        "mig": gpu.mig,
    }


def doctor_report(config: Config, inventory: GpuInventory | None = None) -> dict[str, Any]:
    """Everything `doctor` prints, as one JSON-ready object."""
    inventory = inventory or probe_gpus()
    return {
        "version": __version__,
        "llama_cpp_python": importlib.metadata.version("llama-cpp-python"),
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
        lines.append(f"  {model['name']}  ({model['gguf']})")
        if model.get("error"):
            lines.append(f"    problem: {model['error']}")
            continue
        lines.append(f"    file: {model['path']}  ({_gb(model['size_bytes'])})")
        lines.append(f"    plan: {model['plan']['reason']}")
    lines += ["", "Paths:"]
    for key, value in report["paths"].items():
        shown = "\n      ".join(value) if isinstance(value, list) else value
        lines.append(f"  {key.replace('_', ' ')}: {shown}")
    return "\n".join(lines)
