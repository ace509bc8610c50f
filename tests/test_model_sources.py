from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_structurer.models.sources import ModelSourceError, resolve_gguf

GGUF_BYTES = b"GGUF\x03\x00\x00\x00" + b"\x00" * 16


def test_ollama_name_resolves_through_manifest_to_blob(isolated_dirs: Path) -> None:
    root = isolated_dirs / ".ollama" / "models"
    digest = "sha256:" + "ab" * 32
    manifest = root / "manifests/registry.ollama.ai/library/llama3.1/8b"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "layers": [
                    {"mediaType": "application/vnd.ollama.image.template", "digest": "x"},
                    {"mediaType": "application/vnd.ollama.image.model", "digest": digest},
                ],
            }
        )
    )
    blob = root / "blobs" / digest.replace(":", "-")
    blob.parent.mkdir(parents=True)
    blob.write_bytes(GGUF_BYTES)
    assert resolve_gguf("ollama:llama3.1:8b") == blob
    with pytest.raises(ModelSourceError, match=r"ollama pull llama3.1:latest"):
        resolve_gguf("ollama:llama3.1")


def test_hugging_face_cache(isolated_dirs: Path) -> None:
    repo = isolated_dirs / ".cache/huggingface/hub/models--org--repo"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs/main").write_text("abc123")
    target = repo / "snapshots/abc123/model-q4.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(GGUF_BYTES)
    assert resolve_gguf("hf:org/repo/model-q4.gguf") == target
    with pytest.raises(ModelSourceError, match="not in the Hugging Face cache"):
        resolve_gguf("hf:org/repo/other.gguf")


def test_paths_missing_and_not_gguf(tmp_path: Path) -> None:
    good = tmp_path / "m.gguf"
    good.write_bytes(GGUF_BYTES)
    assert resolve_gguf(str(good)) == good
    with pytest.raises(ModelSourceError, match="model file not found"):
        resolve_gguf(str(tmp_path / "absent.gguf"))
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    with pytest.raises(ModelSourceError, match="not a GGUF model file"):
        resolve_gguf(str(bad))


def test_embedded_model_is_assembled_once() -> None:
    path = resolve_gguf("embedded")
    assert path.read_bytes()[:4] == b"GGUF"
    mtime = path.stat().st_mtime_ns
    assert resolve_gguf("embedded") == path
    assert path.stat().st_mtime_ns == mtime
